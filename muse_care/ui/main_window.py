"""The main window: saved views with their counts on the left, the queue (search as
you type, sort by any column) above, the open case below.

It is built in two steps, so that it is on screen before the database has opened
(docs/performance.md, "Start-up"). ``MainWindow(ctx, skeleton=True)`` is the window,
its menus, the saved views and the queue table, and imports no SQLAlchemy:
``show_first_page`` puts the first page read through ``sqlite3``
(``muse_care.store.first_page``) in the table. ``complete()``, once the register is
open, adds the queue model, the case pane and its tabs; the queue model reads the
queue again through the service and takes the table over when its first page is in.
An action used in between runs once the window is complete. ``MainWindow(ctx)`` does
both steps at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from muse_care.services.queue_columns import LOOK_KEYS, SAVED_VIEWS
from muse_care.ui.forms.ui_main_window import Ui_MainWindow
from muse_care.ui.qt import QtCore, QtGui, QtWidgets, Role, Signal
from muse_care.ui.queue_look import FirstPageModel, configure_queue_table, finish_queue_table, header_labels

if TYPE_CHECKING:
    from muse_care.store.first_page import FirstPage
    from muse_care.ui.context import AppContext
    from muse_care.ui.operations import CaseChanges

SEARCH_DELAY_MS = 250
log = logging.getLogger("muse_care.ui.main_window")


def column(key: str) -> int:
    """The position of the column ``key`` in the queue."""
    return LOOK_KEYS.index(key)


def icon(name: str) -> QtGui.QIcon:
    import muse_care.ui.forms.muse_care_rc  # noqa: F401 - registers :/icons

    return QtGui.QIcon(f":/icons/{name}.svg")


class MainWindow(QtWidgets.QMainWindow):
    first_page_shown = Signal(int)
    """The queue's first page is in the table (the row count): the one read at start,
    or else the queue model's first."""

    def __init__(self, ctx: AppContext, *, skeleton: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self.print_run_window: Any = None
        self.approvals_window: Any = None
        self.dashboard_window: Any = None
        self.live: Any = None
        self.model: Any = None  # the QueueModel, from complete()
        self.case_view: Any = None  # the CaseViewWidget, from complete()
        self.completed = False
        self.first_page = FirstPageModel(self)
        self._first_page_fits = True  # the table still asks for All open by due date
        self._first_page_sent = False
        self._when_complete: list[Callable[[], Any]] = []
        self.counts: dict[str, int] = {}
        self._pending_select: int | None = None
        self._awaited_row: int | None = None  # a selected row whose page is on its way
        self._opened_from_row: tuple[int, int] | None = None  # (row, case id) last opened from the queue
        self._select_single_result = False
        self._top_on_first_page = False
        self._following = False
        self._set_icons_and_shortcuts()
        self._build_queue()
        self._build_status_bar()
        self._build_views()
        self._build_search()
        self._connect_actions()
        self._size_panes()
        self.restore_layout()
        # connected once the layout is restored: the header's restored sort is read from
        # the settings instead (restore_layout), as the signal hands its slot a Qt enum
        self.ui.queue_table.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.ui.views_list.setCurrentRow([v.key for v in SAVED_VIEWS].index("all-open"))
        self._title = self.windowTitle()
        if skeleton:  # says so until complete(): the case pane and the actions are not there yet
            self.setWindowTitle(f"{self._title} – opening the database…")
            self.statusBar().showMessage("Opening the database…")
        else:
            self.complete()

    # --- the second step: the queue model and the case pane ----------------------------
    def complete(self, load: bool = True) -> None:
        """Add what needs the register: the queue model (asking for what the table shows:
        the selected view, a search typed meanwhile, the header's sort), the case pane
        with its tabs; then run the actions used meanwhile. ``load``: read the queue now
        (``start()`` reads it too)."""
        if self.completed:
            return
        from muse_care.services.queue import QueueQuery
        from muse_care.ui.queue_model import QueueModel

        self.model = QueueModel(self.ctx, self)
        self.model.loaded.connect(self._queue_loaded)
        self.model.first_page_shown.connect(self._model_first_page)
        self._build_case_view()
        header = self.ui.queue_table.horizontalHeader()
        section = header.sortIndicatorSection()
        sort = LOOK_KEYS[section] if 0 <= section < len(LOOK_KEYS) else "due"
        item = self.ui.views_list.currentItem()
        view = item.data(Role.USER) if item is not None else "all-open"
        self.model.query = QueueQuery(view=view, search=self.ui.search_edit.text(), sort=sort,
                                      descending=header.sortIndicatorOrder() == QtCore.Qt.SortOrder.DescendingOrder)
        if not self.first_page.shown:
            self._take_table()
        self.finish_table()
        self.ctx.op_executed.connect(self._op_executed)
        self.ctx.open_case.connect(self.open_case)
        self.completed = True
        self.setWindowTitle(self._title)
        self.statusBar().showMessage(f"Signed in as {self.ctx.actor.display_name} ({self.ctx.actor.login})")
        if load:
            self.model.reload()
        pending, self._when_complete = self._when_complete, []
        for action in pending:
            action()

    def _when_ready(self, action: Callable[[], Any]) -> Callable[[], None]:
        """``action`` now if the window is complete, else once it is."""
        def run(*_args: Any) -> None:
            if self.completed:
                action()
            else:
                self._when_complete.append(action)
        return run

    def show_first_page(self, page: FirstPage | None) -> bool:
        """Show the first page read at start while the register opens, if the table still
        asks for exactly that page (All open, by due date, no search) and the queue model
        has not taken the table over. Returns whether it is shown."""
        if page is None or self.completed or not self._first_page_fits:
            return False
        self.first_page.show_page(page.total, list(page.rows))
        self._count_text(page.total, "")
        self._announce_first_page(page.total)
        return True

    def _announce_first_page(self, total: int) -> None:
        if not self._first_page_sent:
            self._first_page_sent = True
            self.first_page_shown.emit(total)

    def _first_page_unfit(self) -> None:
        """The table asks for something the start's page cannot answer: show nothing
        rather than another view's rows, until the queue model has the answer."""
        self._first_page_fits = False
        if self.first_page.shown:
            self.first_page.clear()
            self.ui.count_label.setText("")

    def _take_table(self) -> None:
        """The queue model takes the table over from the start's page; a case the agent
        selected meanwhile stays selected and opens."""
        table = self.ui.queue_table
        if table.model() is self.model:
            return
        current = table.currentIndex()
        chosen = self.first_page.row_at(current.row()) \
            if current.isValid() and table.selectionModel().isRowSelected(current.row(), QtCore.QModelIndex()) else None
        table.setModel(self.model)
        # a case opens when the current row is also selected, never when only the current
        # index moves: Qt moves it, unselected, to the first row when the table gets the
        # focus (a click that activates the window), which opened a case the agent had not
        # chosen. A click sets the current row before it selects it, the keyboard after.
        table.selectionModel().currentRowChanged.connect(self._open_current_row)
        table.selectionModel().selectionChanged.connect(self._open_current_row)
        self.model.dataChanged.connect(self._awaited_rows_in)
        self.first_page.clear()
        if chosen is not None:
            self.open_case(chosen.id)

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
        database (due date first), the due date and days left kept on screen. It holds
        the start's first page until the queue model takes it over (``complete``)."""
        table = self.ui.queue_table
        table.setModel(self.first_page)
        configure_queue_table(table, start=True)
        # the header's names from a model of Qt's own while the start's page is shown
        # (queue_look.header_labels); the queue model's own once it takes the table
        table.horizontalHeader().setModel(header_labels(table))
        self._header_restored = False
        self._table_finished = False

    def finish_table(self) -> None:
        """The queue table's delegate, and its sort indicator unless the saved layout
        restored one: after the first paint (the start calls this once the first page
        is on screen; ``complete()`` too). Once."""
        if self._table_finished:
            return
        self._table_finished = True
        finish_queue_table(self.ui.queue_table, sort_indicator=not self._header_restored)

    def _sort_changed(self, section: int, order: QtCore.Qt.SortOrder) -> None:
        if self.model is not None:
            self._top_on_first_page = True  # the new order is read from its first row
            self.model.sort(section, order)
        elif section != column("due") or order != QtCore.Qt.SortOrder.AscendingOrder:
            self._first_page_unfit()

    def _build_case_view(self) -> None:
        """The case pane, with the tabs of letters, retrieval and approvals."""
        from muse_care.ui.case_view import CaseViewWidget
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
            item.setData(Role.USER, view.key)
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
        """Actions that need the register or the case pane run once the window is
        complete when used before (``_when_ready``); the search box works at once."""
        ui, ctx, ready = self.ui, self.ctx, self._when_ready
        ui.action_new_case.triggered.connect(ready(self.new_case))
        ui.action_find.triggered.connect(self.focus_search)
        ui.action_save.triggered.connect(ready(lambda: self.case_view.save_requester()))
        ui.action_refresh.triggered.connect(ready(self.refresh))
        ui.action_next_case.triggered.connect(ready(lambda: self.step_case(1)))
        ui.action_previous_case.triggered.connect(ready(lambda: self.step_case(-1)))
        ui.action_settings.triggered.connect(ready(self.open_settings))
        ui.action_quit.triggered.connect(self.close)
        ui.action_about.triggered.connect(self._about)
        ui.action_shortcuts.triggered.connect(self.open_shortcuts)
        ui.action_getting_started.triggered.connect(ready(self.open_getting_started))
        ui.action_take_next.triggered.connect(ready(self.take_next_case))
        ui.action_print_run.triggered.connect(ready(self.open_print_run))
        ui.action_approvals.triggered.connect(ready(self.open_approvals))
        ui.action_dashboard.triggered.connect(ready(self.open_dashboard))
        self.action_records = ui.menu_team.addAction("&Records and metrics…")
        self.action_records.triggered.connect(ready(self.open_records))
        self.records_window: Any = None
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
                restored = restore(value)
                if key == "main/header":
                    self._header_restored = bool(restored)
        if self._header_restored and not self._restored_sort_fits(s.value("main/sort")):
            self._first_page_unfit()

    def _restored_sort_fits(self, saved: Any) -> bool:
        """Whether the restored header sorts as the start's first page (by due date,
        ascending). ``saved`` is the sort ``save_layout`` wrote beside the header
        ("due asc"), read without asking the header for its order, which is a Qt enum
        (building the Qt namespace before the first paint: docs/performance.md,
        "Start-up"); a layout saved before it was written asks the header."""
        if isinstance(saved, str) and saved:
            return saved == "due asc"
        header = self.ui.queue_table.horizontalHeader()
        return header.sortIndicatorSection() == column("due") and \
            header.sortIndicatorOrder() == QtCore.Qt.SortOrder.AscendingOrder

    def save_layout(self) -> None:
        self.finish_table()  # a window closed before its first paint saves the queue's own sort
        s = self.ctx.settings
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/state", self.saveState())
        s.setValue("main/splitter", self.ui.main_splitter.saveState())
        s.setValue("main/queue_splitter", self.ui.queue_splitter.saveState())
        header = self.ui.queue_table.horizontalHeader()
        s.setValue("main/header", header.saveState())
        section = header.sortIndicatorSection()
        key = LOOK_KEYS[section] if 0 <= section < len(LOOK_KEYS) else "due"
        descending = header.sortIndicatorOrder() == QtCore.Qt.SortOrder.DescendingOrder
        s.setValue("main/sort", f"{key} {'desc' if descending else 'asc'}")
        s.sync()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self.case_view is not None and self.case_view.dirty:
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
        from muse_care.ui.operations import CaseOp

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
        from muse_care.services import queue

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
            # not with its signals blocked: the field's own clear (x) button follows its
            # text through them, and stayed on an empty field (an outside tester)
            self.ui.search_edit.clear()
            self._search_timer.stop()  # (the view's queue is read below, with no search)
        view = current.data(Role.USER)
        if self.model is None:  # still starting: complete() asks for the selected view
            if view != "all-open":
                self._first_page_unfit()
            return
        self.model.set_query(replace(self.model.query, view=view, search=""))

    def _apply_search(self) -> None:
        self._search_timer.stop()
        text = self.ui.search_edit.text()
        if self.model is None:  # still starting: complete() searches for what was typed
            if text.strip():
                self._first_page_unfit()
            return
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
                and event.key() == QtCore.Qt.Key.Key_Escape and self.ui.search_edit.text():  # type: ignore[attr-defined]
            self.clear_search()
            return True
        return super().eventFilter(watched, event)

    def _model_first_page(self, rows: int) -> None:
        """The queue model's first page is in (its count follows): it takes the table over
        from the start's page, and the count label says the count is on its way."""
        self._take_table()
        if self._top_on_first_page:
            # a re-sort keeps the queue's length (and so where it was scrolled to): show
            # the first rows of the new order, the ones just read
            self._top_on_first_page = False
            self.ui.queue_table.scrollToTop()
        self._announce_first_page(rows)
        if not self.model.count_known:
            self.ui.count_label.setText(f"{rows:,}+ cases: counting…")

    def _count_text(self, total: int, search: str) -> None:
        what = f"found for “{search.strip()}”" if search.strip() else "in this view"
        self.ui.count_label.setText(f"{total:,} case{'s' if total != 1 else ''} {what}")

    def _queue_loaded(self, total: int) -> None:
        self._take_table()
        self._count_text(total, self.model.query.search)
        self._announce_first_page(total)
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

    def _open_current_row(self, *_args: Any) -> None:
        """The agent chose a row (a click, the keyboard, step_case): open its case once
        the row is both current and selected. A row whose page is still on its way
        opens when it comes (``_awaited_rows_in``), if it is still the one chosen."""
        if self._following:
            return
        table = self.ui.queue_table
        current = table.currentIndex()
        self._awaited_row = None
        if not current.isValid() or not table.selectionModel().isRowSelected(current.row(), QtCore.QModelIndex()):
            return
        row = self.model.row_at(current.row())
        if row is None:
            self._awaited_row = current.row()
            return
        if self._opened_from_row != (current.row(), row.id) or self.case_view.view is None \
                or self.case_view.view.id != row.id:
            self._opened_from_row = (current.row(), row.id)
            self.case_view.load(row.id)

    def _awaited_rows_in(self, top: QtCore.QModelIndex, bottom: QtCore.QModelIndex, *_roles: Any) -> None:
        awaited = self._awaited_row
        if awaited is None or not top.row() <= awaited <= bottom.row() or self.model.row_at(awaited) is None:
            return
        if self.ui.queue_table.currentIndex().row() == awaited:
            self._open_current_row()  # (still current and selected: opens it)
        else:
            self._awaited_row = None

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
            QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.BusyCursor)
        else:
            while QtWidgets.QApplication.overrideCursor() is not None:
                QtWidgets.QApplication.restoreOverrideCursor()

    # --- dialogs ----------------------------------------------------------------------
    def new_case(self) -> Any:
        from muse_care.ui.intake import IntakeDialog

        dialog = IntakeDialog(self.ctx, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
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
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda: self.statusBar().showMessage(
            "Settings saved." + (" Some take effect when MUSE Care next starts." if dialog.restart_needed
                                 else ""), 10000))
        dialog.open()
        return dialog

    def open_shortcuts(self) -> Any:
        from muse_care.ui.help import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_getting_started(self) -> Any:
        from muse_care.ui.help import GettingStartedDialog

        dialog = GettingStartedDialog(self.ctx, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _about(self) -> None:
        import muse_care

        QtWidgets.QMessageBox.about(self, "About MUSE Care",
                                    f"MUSE Care {getattr(muse_care, '__version__', '')}\n"
                                    "Privacy requests as cases with a statutory clock.")
