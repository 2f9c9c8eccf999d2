"""The case view's "Tasks" tab: the checklist of what each right asks of each system.

Keyboard-first: the list has the focus; Alt+D marks the selected task done, Alt+N
nothing held, Alt+P kept (the legal basis is typed in the box below, prefilled from the
system's declared duty), Alt+A not applicable (with a reason), Alt+R reopens it; after
each, the next open task is selected. Everything that touches the database runs on the
worker (``ctx.worker.submit``); only the callbacks touch widgets.

Wiring (the workbench)::

    case_view.set_extra_tab("Tasks", TasksTab(ctx))   # then show_case(view) on every case
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from muse_care.domain.case_views import CaseView
from muse_care.domain.dates import fmt_day
from muse_care.domain.systems import Action, TaskStatus, TaskView
from muse_care.services import tasks as task_service
from muse_care.ui.operations import CaseOp
from muse_care.ui.qt import QtCore, QtGui, QtWidgets, Qt, Signal
from muse_care.ui.table_models import RowsModel

#: (background, word) per state: the word says it for whoever cannot tell colours apart.
STATE_STYLES: dict[str, tuple[str, str]] = {
    "overdue": ("#f8c9c4", "OVERDUE"),
    "open": ("#fff3c4", "TO DO"),
    "settled": ("#cfe8cf", "SETTLED"),
}


class TasksModel(RowsModel):
    """The case's tasks (plain :class:`TaskView` rows)."""

    COLUMNS = ("System", "Right", "What to do", "Status", "Due", "By", "Basis / reason")

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.as_of = date.today()

    def set_tasks(self, rows: list[TaskView], as_of: date) -> None:
        self.as_of = as_of
        self.set_rows(rows)

    def task(self, row: int) -> TaskView:
        return self.row(row)  # type: ignore[no-any-return]

    def row_of(self, task_id: int) -> int:
        return next((i for i, t in enumerate(self._rows) if t.id == task_id), -1)

    def state(self, t: TaskView) -> str:
        if t.settled:
            return "settled"
        return "overdue" if t.is_overdue(self.as_of) else "open"

    def text(self, t: TaskView, column: str) -> str:
        if column == "System":
            return t.system_name
        if column == "Right":
            return t.right
        if column == "What to do":
            return t.action_label
        if column == "Status":
            word = STATE_STYLES[self.state(t)][1]
            return t.status_label if t.settled else word
        if column == "Due":
            return fmt_day(t.due) if t.due else ""
        if column == "By":
            return t.done_by or (f"for {t.assignee}" if t.assignee else "")
        if column == "Basis / reason":
            return t.basis or t.reason
        return ""

    def role_data(self, t: TaskView, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{t.system_name}: {t.action_label}"]
            lines += [f"searched: {s}" for s in t.searches]
            if t.notes:
                lines.append(t.notes)
            return "\n".join(lines)
        if role == Qt.ItemDataRole.BackgroundRole and column == "Status":
            return QtGui.QBrush(QtGui.QColor(STATE_STYLES[self.state(t)][0]))
        if role == Qt.ItemDataRole.ForegroundRole and column == "Status":
            return QtGui.QBrush(QtGui.QColor("#000000"))
        return None


@dataclass(frozen=True)
class _Loaded:
    case_id: int
    tasks: list[TaskView]
    keeps_under: dict[str, str]
    as_of: date


class TasksTab(QtWidgets.QWidget):
    """The tasks of the shown case. ``ctx`` is the workbench's AppContext."""

    loaded = Signal()

    def __init__(self, ctx: Any, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: CaseView | None = None
        self._keeps_under: dict[str, str] = {}
        self._select_after: int | None = None

        self.summary = QtWidgets.QLabel()
        self.summary.setAccessibleName("Tasks summary")
        self.summary.setWordWrap(True)
        self.model = TasksModel(self)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Tasks")
        # the list takes the room that is left, never pushing the form off a small screen
        self.table.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Ignored)
        self.table.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = QtWidgets.QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName("Task detail")
        self.text = QtWidgets.QLineEdit()
        self.text.setAccessibleName("Legal basis or reason")
        self.text.setPlaceholderText("legal basis (for Kept) or reason (for Not applicable)")
        self.notes = QtWidgets.QLineEdit()
        self.notes.setAccessibleName("Task notes")
        self.notes.setPlaceholderText("what was done, where, reference in that system")
        self.assignee = QtWidgets.QLineEdit()
        self.assignee.setAccessibleName("Task assignee")
        self.assignee.setPlaceholderText("login")
        form = QtWidgets.QFormLayout()
        label = QtWidgets.QLabel("Basis / rea&son")
        label.setBuddy(self.text)
        form.addRow(label, self.text)
        label = QtWidgets.QLabel("N&otes")
        label.setBuddy(self.notes)
        form.addRow(label, self.notes)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.assignee)
        self.assign_button = QtWidgets.QPushButton("Assign")  # Enter in the box does it too
        self.assign_button.clicked.connect(self.assign)
        self.assignee.returnPressed.connect(self.assign)
        row.addWidget(self.assign_button)
        label = QtWidgets.QLabel("Assi&gnee")
        label.setBuddy(self.assignee)
        form.addRow(label, row)

        self.buttons: dict[str, QtWidgets.QPushButton] = {}
        bar = QtWidgets.QHBoxLayout()
        for status, text in ((TaskStatus.DONE, "&Done"), (TaskStatus.NOTHING_HELD, "&Nothing held"),
                             (TaskStatus.KEPT, "Ke&pt (legal basis)"),
                             (TaskStatus.NOT_APPLICABLE, "Not &applicable"), (TaskStatus.TODO, "&Reopen")):
            button = QtWidgets.QPushButton(text)
            button.clicked.connect(lambda _=False, s=status: self.settle(s))
            self.buttons[status.value] = button
            bar.addWidget(button)
        bar.addStretch(1)
        self.create_button = QtWidgets.QPushButton("Create the task &list")
        self.create_button.clicked.connect(self.create_tasks)
        self.create_button.setVisible(False)
        bar.addWidget(self.create_button)
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Tasks status")

        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(form)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        self._sync_buttons()

    # --- the case ---------------------------------------------------------------------
    def show_case(self, view: CaseView) -> None:
        changed = self.view is None or self.view.id != view.id
        self.view = view
        if changed:
            self.model.set_tasks([], date.today())
            self.status.clear()
            self.text.clear()
            self.notes.clear()
            self.assignee.clear()
            self._select_after = None
        self.refresh()

    def refresh(self) -> None:
        if self.view is None:
            return
        reg, case_id = self.ctx.register, self.view.id

        def load() -> _Loaded:
            keeps = {s.code: s.keeps_under for s in task_service.list_systems(reg, include_inactive=True)}
            return _Loaded(case_id, task_service.list_tasks(reg, case_id), keeps, reg.today())

        self.ctx.worker.submit(load, self._loaded, self._failed, owner=self)

    def _loaded(self, data: _Loaded) -> None:
        if self.view is None or data.case_id != self.view.id:
            return  # an answer for a case no longer shown
        current = self.current_task()
        self._keeps_under = data.keeps_under
        self.model.set_tasks(data.tasks, data.as_of)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount() - 1):  # long action texts show in the tooltip
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 260))
        open_count = sum(1 for t in data.tasks if not t.settled)
        overdue = sum(1 for t in data.tasks if t.is_overdue(data.as_of))
        if not data.tasks:
            self.summary.setText("This case has no tasks. A case made before tasks existed gets its list "
                                 "with “Create the task list”.")
        else:
            self.summary.setText(f"{open_count} of {len(data.tasks)} task{'s' if len(data.tasks) != 1 else ''} "
                                 f"open" + (f", {overdue} OVERDUE" if overdue else "")
                                 + ("; the case can be marked responded once every task is settled"
                                    if open_count else "; every task is settled"))
        self.create_button.setVisible(not data.tasks)
        wanted = self._select_after if self._select_after is not None else (current.id if current else None)
        self._select_after = None
        row = self.model.row_of(wanted) if wanted is not None else -1
        if row < 0:
            row = next((i for i, t in enumerate(data.tasks) if not t.settled), 0 if data.tasks else -1)
        if row >= 0:
            self.table.selectRow(row)
        self._sync_buttons()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self._sync_buttons()
        self.ctx.report_error(exc, retry=self.refresh, parent=self)

    # --- selection --------------------------------------------------------------------
    def current_task(self) -> TaskView | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.task(index.row())

    def _current_changed(self, *_: Any) -> None:
        t = self.current_task()
        if t is None:
            self.detail.clear()
        else:
            searched = "; ".join(t.searches) if t.searches else ""
            self.detail.setText(f"<b>{_esc(t.system_name)}</b>: {_esc(t.action_label)} ({_esc(t.right)})"
                                + (f"<br>Searches logged: {_esc(searched)}" if searched else "")
                                + (f"<br>Notes: {_esc(t.notes)}" if t.notes else ""))
            self.text.setText(t.basis or t.reason or (self._keeps_under.get(t.system, "")
                                                      if t.action is Action.KEEP_LEGAL_DUTY else ""))
            self.notes.setText(t.notes)
            self.assignee.setText(t.assignee)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        t = self.current_task()
        for status, button in self.buttons.items():
            if t is None:
                button.setEnabled(False)
            elif status == TaskStatus.TODO.value:
                button.setEnabled(t.settled)
            elif status == TaskStatus.KEPT.value:
                button.setEnabled(t.action in (Action.KEEP_LEGAL_DUTY, Action.DELETE) and t.status.value != status)
            else:
                button.setEnabled(t.status.value != status)
        self.assign_button.setEnabled(t is not None)

    def _next_open_after(self, task_id: int) -> int | None:
        rows = [self.model.task(i) for i in range(self.model.rowCount())]
        start = next((i for i, t in enumerate(rows) if t.id == task_id), -1)
        for t in rows[start + 1:] + rows[:start + 1]:
            if not t.settled and t.id != task_id:
                return t.id
        return task_id

    # --- writes -----------------------------------------------------------------------
    def settle(self, status: TaskStatus) -> None:
        t = self.current_task()
        if t is None or self.view is None:
            return
        reg = self.ctx.register
        text, notes = self.text.text(), self.notes.text()
        basis = text if status is TaskStatus.KEPT else ""
        reason = text if status is TaskStatus.NOT_APPLICABLE else ""
        self._select_after = self._next_open_after(t.id) if status is not TaskStatus.TODO else t.id
        for button in self.buttons.values():
            button.setEnabled(False)

        def write() -> TaskView:
            return task_service.settle_task(reg, t.id, status.value, basis=basis, reason=reason,
                                            notes=notes, expected_version=t.version)

        self._op(write, lambda done: self._written(f"{done.system_name}: {done.status_label}"), "settle task")

    def assign(self) -> None:
        t = self.current_task()
        if t is None or self.view is None:
            return
        reg, who = self.ctx.register, self.assignee.text()
        self._select_after = t.id
        self._op(lambda: task_service.assign_task(reg, t.id, who),
                 lambda done: self._written(f"{done.system_name}: assigned to {done.assignee or 'nobody'}"),
                 "assign task")

    def create_tasks(self) -> None:
        if self.view is None:
            return
        reg, case_id = self.ctx.register, self.view.id
        self.create_button.setEnabled(False)
        self._op(lambda: task_service.ensure_tasks(reg, case_id),
                 lambda made: self._written(f"{len(made)} tasks created"), "create tasks")

    def _op(self, write: Any, ok: Any, what: str) -> None:
        """A write to the shown case's tasks, as an operation: the change-set it emits
        carries the case read again after it (the pane, its queue row and the counts
        refresh from that); this tab refreshes itself."""
        assert self.view is not None
        CaseOp(self.ctx, write, before=self.view, counts=True, what=what).success(ok) \
            .failure(self._write_failed).run(initiator=self)

    def _written(self, message: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(message)
        self.create_button.setEnabled(True)
        self.refresh()
        self.table.setFocus()

    def _write_failed(self, exc: BaseException) -> None:
        from muse_care.domain.errors import StaleRecord, ValidationError

        self._select_after = None
        self.create_button.setEnabled(True)
        self._sync_buttons()
        if isinstance(exc, ValidationError):
            self.status.setStyleSheet("color: #a00000;")
            self.status.setText(exc.message)
            (self.text if exc.field in ("basis", "reason") else self.notes).setFocus()
            return
        if isinstance(exc, StaleRecord):
            self.refresh()
        self.ctx.report_error(exc, parent=self)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["TasksTab", "TasksModel", "STATE_STYLES"]
