"""The team lead's approval queue: extensions, refusals and disclosures waiting for a
second pair of eyes.

Data in (:meth:`ApprovalQueueWidget.set_items` with ``team.approval_queue`` results and
the lead's login), signals out (``approveRequested(id, note)``, ``rejectRequested(id,
note)``, ``openCaseRequested(case_id)``); the window's worker calls
``team.decide_approval`` and then sets the refreshed list. No database work here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from muse_care.services.team import ApprovalView
from muse_care.ui.qt import QtCore, QtGui, QtWidgets, Qt, Signal
from muse_care.ui.table_models import Column, RowsModel

KIND_LABELS = {"extension": "Extension", "refusal": "Refusal", "disclosure": "Disclosure"}
COLUMNS = (
    Column("case", "Case", "Case reference"),
    Column("kind", "Kind", "What needs a second pair of eyes"),
    Column("requester", "Requester"),
    Column("due", "Due", "The case's due date"),
    Column("asked_by", "Asked by", "Who asked; you cannot approve your own request"),
    Column("asked", "Asked", "When it was asked"),
    Column("reason", "Reason", "Why it was asked (the whole text in the tooltip)"),
)


class ApprovalTableModel(RowsModel):
    """The approvals waiting (plain :class:`ApprovalView` rows); the lead's own are greyed."""

    COLUMNS = COLUMNS

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.me = ""

    @property
    def items(self) -> list[ApprovalView]:
        return self._rows

    def set_items(self, items: Sequence[ApprovalView], me: str) -> None:
        self.me = me
        self.set_rows(items)

    def text(self, a: ApprovalView, key: str) -> str:
        if key == "case":
            return a.case_reference
        if key == "kind":
            return KIND_LABELS.get(a.kind, a.kind)
        if key == "requester":
            return a.requester_name
        if key == "due":
            return a.due_date.strftime("%d %b %Y") if a.due_date else "clock stopped"
        if key == "asked_by":
            return a.requested_by + (" (you)" if a.requested_by == self.me else "")
        if key == "asked":
            return a.requested_at.strftime("%d %b %H:%M")
        if key == "reason":
            return a.reason.replace("\n", " ")
        return ""

    def role_data(self, a: ApprovalView, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and key == "reason":
            return a.reason
        if role == Qt.ItemDataRole.ForegroundRole and a.requested_by == self.me:
            return QtGui.QBrush(QtGui.QColor("#888"))
        if role == Qt.ItemDataRole.UserRole:
            return a.id
        return None


class ApprovalQueueWidget(QtWidgets.QWidget):
    approveRequested = Signal(int, str)
    rejectRequested = Signal(int, str)
    openCaseRequested = Signal(int)
    refreshRequested = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ApprovalTableModel(self)
        layout = QtWidgets.QVBoxLayout(self)
        top = QtWidgets.QHBoxLayout()
        self.heading = QtWidgets.QLabel("Waiting for approval")
        f = self.heading.font()
        f.setPointSize(13)
        f.setBold(True)
        self.heading.setFont(f)
        self.refresh = QtWidgets.QPushButton("Refresh")
        self.refresh.clicked.connect(self.refreshRequested)
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.refresh)
        layout.addLayout(top)

        self.table = QtWidgets.QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(self._open)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)

        self.detail = QtWidgets.QLabel("Choose a request to decide it.")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 3 + 6)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.detail)
        self.note = QtWidgets.QPlainTextEdit()
        self.note.setPlaceholderText("Note for the agent (needed when rejecting)")
        self.note.setMaximumHeight(70)
        self.note.textChanged.connect(self._update_buttons)
        layout.addWidget(self.note)
        buttons = QtWidgets.QHBoxLayout()
        self.status = QtWidgets.QLabel("")
        self.status.setStyleSheet("color: #a33;")
        self.approve = QtWidgets.QPushButton("Approve")
        self.reject = QtWidgets.QPushButton("Reject")
        for button, colour in ((self.approve, "#2E8B4A"), (self.reject, "#C23B3B")):
            button.setStyleSheet(
                f"QPushButton {{ background: {colour}; color: white; border: none; border-radius: 4px; "
                "padding: 6px 18px; font-weight: bold; } "
                "QPushButton:disabled { background: #d5d8dc; color: #8a8f96; }")
        self.approve.clicked.connect(lambda: self._decide(True))
        self.reject.clicked.connect(lambda: self._decide(False))
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.reject)
        buttons.addWidget(self.approve)
        layout.addLayout(buttons)
        self._update_buttons()

    # --- data in -------------------------------------------------------------------
    def set_items(self, items: Sequence[ApprovalView], me: str) -> None:
        """Show the waiting requests; ``me`` is the lead's login (their own requests are
        shown greyed and cannot be decided by them)."""
        current = self.selected()
        self.model.set_items([a for a in items if a.pending], me)
        self.heading.setText(f"Waiting for approval ({self.model.rowCount()})")
        if current is not None:
            for row, a in enumerate(self.model.items):
                if a.id == current.id:
                    self.table.selectRow(row)
                    break
        self._selection_changed()

    def set_busy(self, busy: bool, message: str = "") -> None:
        """While the window's worker decides: buttons off; ``message`` for errors (e.g.
        "already decided by …", "server unavailable, retrying")."""
        self._busy = busy
        self.status.setText(message)
        self._update_buttons()

    def selected(self) -> ApprovalView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        row = rows[0].row()
        return self.model.items[row] if 0 <= row < len(self.model.items) else None

    # --- internals -----------------------------------------------------------------
    _busy = False

    def _selection_changed(self, *_: Any) -> None:
        a = self.selected()
        if a is None:
            self.detail.setText("Choose a request to decide it.")
        else:
            self.detail.setText(f"{KIND_LABELS.get(a.kind, a.kind)} of {a.case_reference} "
                                f"({a.requester_name}), asked by {a.requested_by} on "
                                f"{a.requested_at:%d %b %Y %H:%M}:\n{a.reason}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        a = self.selected()
        own = a is not None and a.requested_by == self.model.me
        can = a is not None and not own and not self._busy
        self.approve.setEnabled(can)
        self.reject.setEnabled(can and bool(self.note.toPlainText().strip()))
        if own:
            self.status.setText("You asked for this one: another lead decides it.")
        elif self.status.text().startswith("You asked"):
            self.status.setText("")

    def _decide(self, approve: bool) -> None:
        a = self.selected()
        if a is None or a.requested_by == self.model.me:
            return
        note = self.note.toPlainText().strip()
        if approve:
            self.approveRequested.emit(a.id, note)
        else:
            self.rejectRequested.emit(a.id, note)
        self.note.clear()

    def _open(self, index: QtCore.QModelIndex) -> None:
        if index.isValid():
            self.openCaseRequested.emit(self.model.items[index.row()].case_id)
