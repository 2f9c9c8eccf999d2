"""The main window: saved views with their counts on the left, the queue (search as
you type, sort by any column) above, the open case below."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from muse_care.services import queue
from muse_care.services.queue import SAVED_VIEWS
from muse_care.ui.case_view import CaseViewWidget
from muse_care.ui.context import AppContext
from muse_care.ui.forms.ui_main_window import Ui_MainWindow
from muse_care.ui.qt import QtCore, QtGui, QtWidgets, Qt
from muse_care.ui.queue_model import COLUMNS, QueueModel

SEARCH_DELAY_MS = 250


def icon(name: str) -> QtGui.QIcon:
    import muse_care.ui.forms.muse_care_rc  # noqa: F401 - registers :/icons

    return QtGui.QIcon(f":/icons/{name}.svg")


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
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
        # the queue
        self.model = QueueModel(ctx, self)
        ui.queue_table.setModel(self.model)
        header = ui.queue_table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        width = self.fontMetrics().horizontalAdvance
        for i, (key, title) in enumerate(COLUMNS):
            sample = {"reference": "MC-XXX-XXXX ⚠", "requester": "Margaret Thatcher-Jones",
                      "rights": "access, erasure", "status": "Awaiting clarification",
                      "days_left": "10 days overdue", "received": "2026-11-25", "due": "2026-11-25",
                      "channel": "live chat", "assignee": "giulia"}.get(key, title)
            ui.queue_table.setColumnWidth(i, width(sample) + width("MMM"))
        ui.queue_table.verticalHeader().setVisible(False)
        ui.queue_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        due_column = [k for k, _ in COLUMNS].index("due")
        header.setSortIndicator(due_column, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        header.setSectionsClickable(True)
        ui.queue_table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.loaded.connect(self._queue_loaded)
        # the case view, with the tabs of letters, retrieval and approvals
        self.case_view = CaseViewWidget(ctx, ui.case_host)
        ui.case_host_layout.addWidget(self.case_view)
        from muse_care.ui.letters_tab import LettersTab
        from muse_care.ui.retrieval_tab import RetrievalTab
        from muse_care.ui.team_windows import CaseApprovalsTab

        self.case_view.set_extra_tab("Letters", LettersTab(ctx))
        self.case_view.set_extra_tab("Retrieval log", RetrievalTab(ctx))
        self.case_view.set_extra_tab("Approvals", CaseApprovalsTab(ctx))
        self.print_run_window: Any = None
        self.approvals_window: Any = None
        self.dashboard_window: Any = None
        self.live: Any = None
        self._remote_timer = QtCore.QTimer(self, singleShot=True, interval=400)
        self._remote_timer.timeout.connect(self._apply_remote_changes)
        self._remote_cases: set[int | None] = set()
        self.server_label = QtWidgets.QLabel()
        self.server_label.setAccessibleName("Database connection")
        self.statusBar().addPermanentWidget(self.server_label)
        # the views
        for view in SAVED_VIEWS:
            item = QtWidgets.QListWidgetItem(view.label)
            item.setData(Qt.ItemDataRole.UserRole, view.key)
            item.setToolTip(view.description)
            ui.views_list.addItem(item)
        ui.views_list.currentItemChanged.connect(self._view_changed)
        # search
        self._search_timer = QtCore.QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        ui.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        ui.search_edit.returnPressed.connect(self._apply_search)
        # actions
        ui.action_new_case.triggered.connect(self.new_case)
        ui.action_find.triggered.connect(self.focus_search)
        ui.action_save.triggered.connect(self.case_view.save_requester)
        ui.action_refresh.triggered.connect(self.refresh)
        ui.action_next_case.triggered.connect(lambda: self.step_case(1))
        ui.action_previous_case.triggered.connect(lambda: self.step_case(-1))
        ui.action_settings.triggered.connect(self.open_settings)
        ui.action_quit.triggered.connect(self.close)
        ui.action_about.triggered.connect(self._about)
        ui.action_take_next.triggered.connect(self.take_next_case)
        ui.action_print_run.triggered.connect(self.open_print_run)
        ui.action_approvals.triggered.connect(self.open_approvals)
        ui.action_dashboard.triggered.connect(self.open_dashboard)
        ctx.case_changed.connect(self._case_changed)
        ctx.open_case.connect(self.open_case)
        ctx.worker.busy_changed.connect(self._busy)
        self._pending_select: int | None = None
        ui.main_splitter.setStretchFactor(0, 0)
        ui.main_splitter.setStretchFactor(1, 1)
        ui.main_splitter.setSizes([width("Awaiting clarification (99,999)") + 40, 1000])
        ui.queue_splitter.setSizes([380, 420])
        self.restore_layout()
        self.statusBar().showMessage(f"Signed in as {ctx.actor.display_name} ({ctx.actor.login})")
        ui.views_list.setCurrentRow([v.key for v in SAVED_VIEWS].index("all-open"))

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
        for window in (self.print_run_window, self.approvals_window, self.dashboard_window):
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
        self.ctx.worker.submit(lambda: team.take_next_case(reg), self._took_case, owner=self)

    def _took_case(self, view: Any) -> None:
        if view is None:
            self.statusBar().showMessage("No unassigned open case is waiting.", 8000)
            return
        self.statusBar().showMessage(f"{view.reference} is yours now: due {view.due_date or 'when the clock runs'}",
                                     10000)
        self._pending_select = view.id
        self.case_view.show_case(view)
        self.ctx.case_changed.emit(view)

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

    @staticmethod
    def _raise(window: QtWidgets.QWidget) -> None:
        window.show()
        window.raise_()
        window.activateWindow()

    def refresh(self) -> None:
        self.model.reload()
        self.refresh_counts()
        if self.case_view.view is not None and not self.case_view.dirty:
            self.case_view.load(self.case_view.view.id)

    def refresh_counts(self) -> None:
        reg = self.ctx.register
        if reg is not None:
            self.ctx.worker.submit(lambda: queue.view_counts(reg), self._show_counts, owner=self)

    def _show_counts(self, counts: dict[str, int]) -> None:
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
        self.model.set_query(replace(self.model.query, search=text))

    def focus_search(self) -> None:
        self.ui.search_edit.setFocus()
        self.ui.search_edit.selectAll()

    def _queue_loaded(self, total: int) -> None:
        q = self.model.query
        what = f"found for “{q.search.strip()}”" if q.search.strip() else "in this view"
        self.ui.count_label.setText(f"{total:,} case{'s' if total != 1 else ''} {what}")
        pending = self._pending_select
        target = pending if pending is not None else (
            self.case_view.view.id if self.case_view.view is not None else None)
        if target is not None:
            row = self.model.row_of_case(target)
            if row is not None:
                self._select_row(row, load=False)
        if pending is not None:
            self._pending_select = None
            if self.case_view.view is None or self.case_view.view.id != pending:
                self.case_view.load(pending)
        elif q.search.strip() and total == 1:
            self._select_row(0)

    def _select_row(self, row: int, load: bool = True) -> None:
        table = self.ui.queue_table
        index = self.model.index(row, 0)
        if not load:
            table.selectionModel().blockSignals(True)
        table.selectionModel().setCurrentIndex(
            index, QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect | QtCore.QItemSelectionModel.SelectionFlag.Rows)
        table.selectionModel().blockSignals(False)
        table.scrollTo(index)

    def _row_changed(self, current: QtCore.QModelIndex, _previous: QtCore.QModelIndex) -> None:
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
        row = self.model.row_of_case(case_id)
        if row is not None:
            self._select_row(row, load=False)

    def _case_changed(self, view: Any) -> None:
        self.model.reload()
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
        self._pending_select = view.id

    def open_settings(self) -> Any:
        from muse_care.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self.statusBar().showMessage(
            "Settings saved." + (" Some take effect when MUSE Care next starts." if dialog.restart_needed
                                 else ""), 10000))
        dialog.open()
        return dialog

    def _about(self) -> None:
        import muse_care

        QtWidgets.QMessageBox.about(self, "About MUSE Care",
                                    f"MUSE Care {getattr(muse_care, '__version__', '')}\n"
                                    "Privacy requests as cases with a statutory clock.")
