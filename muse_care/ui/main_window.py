"""The main window: saved views with their counts on the left, the queue (search as
you type, sort by any column) above, the open case below."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from muse_care.services import queue
from muse_care.services.queue import SAVED_VIEWS
from muse_care.ui.case_view import CaseViewWidget
from muse_care.ui.context import AppContext
from muse_care.ui.operations import CaseChanges, CaseOp
from muse_care.ui.forms.ui_main_window import Ui_MainWindow
from muse_care.ui.qt import QtCore, QtGui, QtWidgets, Qt
from muse_care.ui.queue_model import COLUMNS, QueueModel, column

SEARCH_DELAY_MS = 250
log = logging.getLogger("muse_care.ui.main_window")


def icon(name: str) -> QtGui.QIcon:
    import muse_care.ui.forms.muse_care_rc  # noqa: F401 - registers :/icons

    return QtGui.QIcon(f":/icons/{name}.svg")


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.print_run_window: Any = None
        self.approvals_window: Any = None
        self.dashboard_window: Any = None
        self.live: Any = None
        self.counts: dict[str, int] = {}
        self._pending_select: int | None = None
        self._select_single_result = False
        self._following = False
        self._set_icons_and_shortcuts()
        self._build_queue()
        self._build_case_view()
        self._build_status_bar()
        self._build_views()
        self._build_search()
        self._connect_actions()
        self._size_panes()
        self.restore_layout()
        self.statusBar().showMessage(f"Signed in as {ctx.actor.display_name} ({ctx.actor.login})")
        self.ui.views_list.setCurrentRow([v.key for v in SAVED_VIEWS].index("all-open"))

    # --- building the window, step by step ----------------------------------------------
    def _set_icons_and_shortcuts(self) -> None:
        ui = self.ui
        self.setWindowIcon(icon("muse-care"))
        ui.action_new_case.setIcon(icon("new-case"))
        ui.action_refresh.setIcon(icon("refresh"))
        ui.action_settings.setIcon(icon("settings"))
        ui.action_find.setIcon(icon("search"))
        ui.action_save.setIcon(icon("save"))
        ui.search_edit.addAction(icon("search"), QtWidgets.QLineEdit.ActionPosition.LeadingPosition)
        ui.action_next_case.setShortcuts([QtGui.QKeySequence("Ctrl+PgDown"), QtGui.QKeySequence("Alt+Down")])
        ui.action_previous_case.setShortcuts([QtGui.QKeySequence("Ctrl+PgUp"), QtGui.QKeySequence("Alt+Up")])

    def _build_queue(self) -> None:
        """The queue table: columns sized from their declared samples, sorted by the
        database (due date first), the due date and days left kept on screen."""
        ui = self.ui
        self.model = QueueModel(self.ctx, self)
        table = ui.queue_table
        table.setModel(self.model)
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        width = self.fontMetrics().horizontalAdvance
        for i, col in enumerate(COLUMNS):
            table.setColumnWidth(i, max(width(col.width_sample), width(col.header)) + width("MMM"))
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        header.setSortIndicator(column("due"), Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        header.setSectionsClickable(True)
        table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.loaded.connect(self._queue_loaded)
        self.model.first_page_shown.connect(self._first_page_shown)

    def _build_case_view(self) -> None:
        """The case pane, with the tabs of letters, retrieval and approvals."""
        from muse_care.ui.letters_tab import LettersTab
        from muse_care.ui.retrieval_tab import RetrievalTab
        from muse_care.ui.team_windows import CaseApprovalsTab

        self.case_view = CaseViewWidget(self.ctx)
        # in a scroll area, so the pane can shrink on a small screen and still be read
        self.case_scroll = QtWidgets.QScrollArea(self.ui.case_host)
        self.case_scroll.setWidgetResizable(True)
        self.case_scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.case_scroll.setAccessibleName("Case")
        self.case_scroll.setWidget(self.case_view)
        self.ui.case_host_layout.addWidget(self.case_scroll)
        self.case_view.set_extra_tab("Letters", LettersTab(self.ctx))
        self.case_view.set_extra_tab("Retrieval log", RetrievalTab(self.ctx))
        from muse_care.ui.tasks_tab import TasksTab

        self.case_view.set_extra_tab("Tasks", TasksTab(self.ctx))
        self.case_view.set_extra_tab("Approvals", CaseApprovalsTab(self.ctx))

    def _build_status_bar(self) -> None:
        self._remote_timer = QtCore.QTimer(self, singleShot=True, interval=400)
        self._remote_timer.timeout.connect(self._apply_remote_changes)
        self._remote_cases: set[int | None] = set()
        self.server_label = QtWidgets.QLabel()
        self.server_label.setAccessibleName("Database connection")
        self.statusBar().addPermanentWidget(self.server_label)

    def _build_views(self) -> None:
        for view in SAVED_VIEWS:
            item = QtWidgets.QListWidgetItem(view.label)
            item.setData(Qt.ItemDataRole.UserRole, view.key)
            item.setToolTip(view.description)
            self.ui.views_list.addItem(item)
        self.ui.views_list.currentItemChanged.connect(self._view_changed)

    def _build_search(self) -> None:
        ui = self.ui
        self._search_timer = QtCore.QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        ui.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        ui.search_edit.returnPressed.connect(self._apply_search)
        ui.search_edit.installEventFilter(self)

    def _connect_actions(self) -> None:
        ui, ctx = self.ui, self.ctx
        ui.action_new_case.triggered.connect(self.new_case)
        ui.action_find.triggered.connect(self.focus_search)
        ui.action_save.triggered.connect(self.case_view.save_requester)
        ui.action_refresh.triggered.connect(self.refresh)
        ui.action_next_case.triggered.connect(lambda: self.step_case(1))
        ui.action_previous_case.triggered.connect(lambda: self.step_case(-1))
        ui.action_settings.triggered.connect(self.open_settings)
        ui.action_quit.triggered.connect(self.close)
        ui.action_about.triggered.connect(self._about)
        ui.action_shortcuts.triggered.connect(self.open_shortcuts)
        ui.action_getting_started.triggered.connect(self.open_getting_started)
        ui.action_take_next.triggered.connect(self.take_next_case)
        ui.action_print_run.triggered.connect(self.open_print_run)
        ui.action_approvals.triggered.connect(self.open_approvals)
        ui.action_dashboard.triggered.connect(self.open_dashboard)
        self.action_records = ui.menu_team.addAction("&Records and metrics…")
        self.action_records.triggered.connect(self.open_records)
        self.records_window: Any = None
        ctx.op_executed.connect(self._op_executed)
        ctx.open_case.connect(self.open_case)
        ctx.worker.busy_changed.connect(self._busy)

    def _size_panes(self) -> None:
        """The views list as wide as its longest label; the queue and the case pane share
        the rest, and either can shrink (a 1024x700 screen)."""
        ui = self.ui
        width = self.fontMetrics().horizontalAdvance
        ui.main_splitter.setStretchFactor(0, 0)
        ui.main_splitter.setStretchFactor(1, 1)
        ui.main_splitter.setSizes([width("Awaiting clarification (99,999)") + 40, 1000])
        ui.queue_splitter.setSizes([300, 500])  # the case pane (with its header) gets the larger share

    # --- layout memory ----------------------------------------------------------------
    def restore_layout(self) -> None:
        s = self.ctx.settings
        for key, restore in (("main/geometry", self.restoreGeometry), ("main/state", self.restoreState),
                             ("main/splitter", self.ui.main_splitter.restoreState),
                             ("main/queue_splitter", self.ui.queue_splitter.restoreState),
                             ("main/header", self.ui.queue_table.horizontalHeader().restoreState)):
            value = s.value(key)
            if isinstance(value, QtCore.QByteArray) and not value.isEmpty():
                restore(value)

    def save_layout(self) -> None:
        s = self.ctx.settings
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/state", self.saveState())
        s.setValue("main/splitter", self.ui.main_splitter.saveState())
        s.setValue("main/queue_splitter", self.ui.queue_splitter.saveState())
        s.setValue("main/header", self.ui.queue_table.horizontalHeader().saveState())
        s.sync()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self.case_view.dirty:
            answer = QtWidgets.QMessageBox.question(
                self, "Unsaved changes", "The requester details you typed are not saved. Quit anyway?",
                QtWidgets.QMessageBox.StandardButton.Discard | QtWidgets.QMessageBox.StandardButton.Cancel,
                QtWidgets.QMessageBox.StandardButton.Cancel)
            if answer != QtWidgets.QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.save_layout()
        if self.live is not None:
            self.live.stop()
        for window in (self.print_run_window, self.approvals_window, self.dashboard_window, self.records_window):
            if window is not None:
                window.close()
        super().closeEvent(event)

    # --- queue ------------------------------------------------------------------------
    def start(self) -> None:
        """Load the counts and the queue (once the register is open); on a team server,
        listen for other people's changes and watch the connection."""
        from muse_care.ui.team_windows import is_lead

        self.model.reload()
        self.refresh_counts()
        lead = is_lead(self.ctx)
        self.ui.action_approvals.setEnabled(lead)
        self.ui.action_dashboard.setEnabled(lead)
        self.action_records.setEnabled(lead)
        reg = self.ctx.register
        if reg is not None and reg.dialect == "postgresql" and self.live is None:
            from muse_care.ui.team_windows import install_team_mode

            install_team_mode(self)

    # --- team: live updates -----------------------------------------------------------
    def _remote_change(self, case_id: int | None) -> None:
        """Another client changed a case: gather bursts, then refresh once."""
        self._remote_cases.add(case_id)
        self._remote_timer.start()

    def _apply_remote_changes(self) -> None:
        changed, self._remote_cases = self._remote_cases, set()
        self.model.reload()
        self.refresh_counts()
        shown = self.case_view.view
        if shown is not None and (None in changed or shown.id in changed):
            if self.case_view.dirty:
                self.statusBar().showMessage(
                    f"{shown.reference} was changed by someone else; your typing is kept, and "
                    "saving will show you their change first.", 15000)
            else:
                self.case_view.load(shown.id)

    def _connection_changed(self, up: bool, message: str) -> None:
        if up:
            self.server_label.setText(f"Team server · {self.ctx.actor.display_name} ({self.ctx.actor.role})")
            self.statusBar().showMessage("The server is back; the queue is up to date again.", 10000)
            self.refresh()
        else:
            self.server_label.setText("⚠ Server unavailable: retrying…")
            self.statusBar().showMessage(
                f"The database server cannot be reached ({message}). What you type is kept; "
                "MUSE Care retries and carries on by itself when it is back.")

    # --- team: take next, approvals, dashboard, print run -----------------------------
    def take_next_case(self) -> None:
        from muse_care.services import team

        reg = self.ctx.register
        if reg is None:
            return
        CaseOp(self.ctx, lambda: team.take_next_case(reg), what="take next case") \
            .success(self._took_case).run(initiator=self)

    def _took_case(self, view: Any) -> None:
        if view is None:
            self.statusBar().showMessage("No unassigned open case is waiting.", 8000)
            return
        self.statusBar().showMessage(f"{view.reference} is yours now: due {view.due_date or 'when the clock runs'}",
                                     10000)
        self.case_view.show_case(view)
        self._follow_shown_case()

    def open_print_run(self) -> Any:
        from muse_care.ui.print_run import PrintRunWindow

        if self.print_run_window is None:
            self.print_run_window = PrintRunWindow(self.ctx)
        self._raise(self.print_run_window)
        return self.print_run_window

    def open_approvals(self) -> Any:
        from muse_care.ui.team_windows import ApprovalsWindow

        if self.approvals_window is None:
            self.approvals_window = ApprovalsWindow(self.ctx, self)
        self.approvals_window.reload()
        self._raise(self.approvals_window)
        return self.approvals_window

    def open_dashboard(self) -> Any:
        from muse_care.ui.team_windows import DashboardWindow

        if self.dashboard_window is None:
            self.dashboard_window = DashboardWindow(self.ctx, self)
        self.dashboard_window.reload()
        self._raise(self.dashboard_window)
        return self.dashboard_window

    def open_records(self) -> Any:
        from muse_care.ui.records_window import RecordsWindow

        if self.records_window is None:
            self.records_window = RecordsWindow(self.ctx, self)
        self.records_window.reload()
        self._raise(self.records_window)
        return self.records_window

    @staticmethod
    def _raise(window: QtWidgets.QWidget) -> None:
        window.show()
        window.raise_()
        window.activateWindow()

    def refresh(self) -> None:
        """F5: read the queue, the counts and the shown case again."""
        self.model.reload()
        self.refresh_counts()
        if self.case_view.view is not None and not self.case_view.dirty:
            self.case_view.load(self.case_view.view.id)

    def refresh_counts(self) -> None:
        reg = self.ctx.register
        if reg is not None:
            # after the queue's own reads, never before them (docs/performance.md, "Queue and search")
            self.ctx.worker.submit_idle(lambda: queue.view_counts(reg), self._show_counts, owner=self,
                                        key=(id(self), "view counts"))

    def _show_counts(self, counts: dict[str, int]) -> None:
        log.info("counts: the saved views' counts read again")
        self.counts = counts
        for i in range(self.ui.views_list.count()):
            item = self.ui.views_list.item(i)
            view = SAVED_VIEWS[i]
            item.setText(f"{view.label} ({counts.get(view.key, 0):,})")

    def _view_changed(self, current: QtWidgets.QListWidgetItem | None, _prev: Any = None) -> None:
        if current is None:
            return
        if self.ui.search_edit.text():
            self.ui.search_edit.blockSignals(True)
            self.ui.search_edit.clear()
            self.ui.search_edit.blockSignals(False)
        self.model.set_query(replace(self.model.query, view=current.data(Qt.ItemDataRole.UserRole), search=""))

    def _apply_search(self) -> None:
        self._search_timer.stop()
        text = self.ui.search_edit.text()
        if text.strip() == self.model.query.search.strip():
            return
        # the agent typed: a single case found is opened (once, for this search only)
        self._select_single_result = bool(text.strip())
        self.model.set_query(replace(self.model.query, search=text))

    def focus_search(self) -> None:
        self.ui.search_edit.setFocus()
        self.ui.search_edit.selectAll()

    def clear_search(self) -> None:
        """Escape in the search box: back to the selected view."""
        if self.ui.search_edit.text():
            self.ui.search_edit.clear()
            self._apply_search()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is self.ui.search_edit and event.type() == QtCore.QEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Escape and self.ui.search_edit.text():  # type: ignore[attr-defined]
            self.clear_search()
            return True
        return super().eventFilter(watched, event)

    def _first_page_shown(self, rows: int) -> None:
        if not self.model.count_known:  # the count follows the rows
            self.ui.count_label.setText(f"{rows:,}+ cases: counting…")

    def _queue_loaded(self, total: int) -> None:
        q = self.model.query
        what = f"found for “{q.search.strip()}”" if q.search.strip() else "in this view"
        self.ui.count_label.setText(f"{total:,} case{'s' if total != 1 else ''} {what}")
        pending, self._pending_select = self._pending_select, None
        single, self._select_single_result = self._select_single_result, False
        if pending is not None:
            if self.case_view.view is None or self.case_view.view.id != pending:
                self.case_view.load(pending)
            self._follow_case(pending)
        elif single and total == 1:
            self._select_row(0)  # the one case the agent searched for
        else:
            self._follow_shown_case()

    def _follow_shown_case(self) -> None:
        shown = self.case_view.view
        self._follow_case(shown.id if shown is not None else None)

    def _follow_case(self, case_id: int | None) -> None:
        """Select the queue row of ``case_id``, or no row when the queue does not hold it:
        the selection follows the case id, never a row number, and a highlighted row
        always names the case in the pane."""
        row = self.model.row_of_case(case_id) if case_id is not None else None
        if row is not None:
            self._select_row(row, load=False)
            return
        self._quietly(lambda: self.ui.queue_table.selectionModel().clear())

    def _quietly(self, change: Any) -> None:
        """Move the selection without opening the case of the row (the view still
        repaints: its selection signals are not blocked)."""
        self._following = True
        try:
            change()
        finally:
            self._following = False

    def _select_row(self, row: int, load: bool = True) -> None:
        table = self.ui.queue_table
        index = self.model.index(row, 0)
        flags = QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect | QtCore.QItemSelectionModel.SelectionFlag.Rows
        if load:
            table.selectionModel().setCurrentIndex(index, flags)
        else:
            self._quietly(lambda: table.selectionModel().setCurrentIndex(index, flags))
        table.scrollTo(index)

    def _row_changed(self, current: QtCore.QModelIndex, _previous: QtCore.QModelIndex) -> None:
        if self._following:
            return
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None:
            self.case_view.load(row.id)

    def step_case(self, delta: int) -> None:
        table = self.ui.queue_table
        count = self.model.rowCount()
        if count == 0:
            return
        current = table.currentIndex().row()
        row = 0 if current < 0 else max(0, min(count - 1, current + delta))
        self._select_row(row)

    def open_case(self, case_id: int) -> None:
        """Show a case (from a link or after intake) and select it in the queue if there."""
        self.case_view.load(case_id)
        self._follow_case(case_id)

    def _op_executed(self, changes: CaseChanges, _initiator: object) -> None:
        """Refresh what the change-set names: the queue (only when cases joined, left or
        moved), one queue row, the counts. The case pane refreshes itself."""
        if changes.queue:
            self.model.reload()
        elif changes.queue_row and changes.case_id is not None:
            self.model.refresh_case(changes.case_id)
        if changes.counts:
            self.refresh_counts()

    def _busy(self, busy: bool) -> None:
        if busy:
            QtWidgets.QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            while QtWidgets.QApplication.overrideCursor() is not None:
                QtWidgets.QApplication.restoreOverrideCursor()

    # --- dialogs ----------------------------------------------------------------------
    def new_case(self) -> Any:
        from muse_care.ui.intake import IntakeDialog

        dialog = IntakeDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda view: self._intake_saved(view))
        dialog.open_case.connect(lambda _id: dialog.reject())
        dialog.open()
        self.intake_dialog = dialog
        return dialog

    def _intake_saved(self, view: Any) -> None:
        self.statusBar().showMessage(f"Case {view.reference} saved: due {view.due_date or 'when the clock runs'}", 10000)
        self.case_view.show_case(view)
        self._pending_select = view.id  # selected when the queue, read again, holds it

    def open_settings(self) -> Any:
        from muse_care.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self.statusBar().showMessage(
            "Settings saved." + (" Some take effect when MUSE Care next starts." if dialog.restart_needed
                                 else ""), 10000))
        dialog.open()
        return dialog

    def open_shortcuts(self) -> Any:
        from muse_care.ui.help import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_getting_started(self) -> Any:
        from muse_care.ui.help import GettingStartedDialog

        dialog = GettingStartedDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _about(self) -> None:
        import muse_care

        QtWidgets.QMessageBox.about(self, "About MUSE Care",
                                    f"MUSE Care {getattr(muse_care, '__version__', '')}\n"
                                    "Privacy requests as cases with a statutory clock.")
