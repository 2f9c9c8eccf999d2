"""The queue as a lazy table model: a row count from COUNT(*), rows fetched in pages of
200 on the worker into a small LRU cache (docs/machine.md, "Speed measurements"). Sorting asks the database.
Nothing here blocks the GUI thread: a row not yet fetched shows "…" until its page
arrives."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from muse_care.domain.case import OPEN_STATUSES, STATUS_LABELS, CaseRow, Status
from muse_care.services import queue
from muse_care.services.queue import PAGE_SIZE, QueueQuery
from muse_care.ui.context import AppContext
from muse_care.ui.qt import QtCore, QtGui, Qt, Signal

COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "Reference"), ("requester", "Requester"), ("rights", "Rights"),
    ("channel", "Channel"), ("status", "Status"), ("received", "Received"), ("due", "Due date"),
    ("days_left", "Days left"), ("assignee", "Assignee"),
)
MAX_PAGES = 40  # 8,000 rows cached at most

# The days-left cues: a background AND its own text colour, so they read the same in
# light and dark mode; the text says it too ("5 days overdue"), never colour alone.
CUE_OVERDUE = (QtGui.QColor("#b3261e"), QtGui.QColor("#ffffff"))
CUE_TODAY = (QtGui.QColor("#e8a317"), QtGui.QColor("#000000"))
CUE_SOON = (QtGui.QColor("#fbe7a1"), QtGui.QColor("#000000"))


def days_left_text(row: CaseRow | Any) -> str:
    if row.status not in OPEN_STATUSES:
        return "—"
    if row.days_left is None:
        return "clock stopped"
    n = row.days_left
    if n == 0:
        return "due today"
    if n < 0:
        return f"{-n} day{'s' if n != -1 else ''} overdue"
    return f"{n} day{'s' if n != 1 else ''}"


def days_left_cue(row: CaseRow | Any) -> tuple[QtGui.QColor, QtGui.QColor] | None:
    if row.status not in OPEN_STATUSES or row.days_left is None:
        return None
    if row.days_left < 0:
        return CUE_OVERDUE
    if row.days_left == 0:
        return CUE_TODAY
    if row.days_left <= 3:
        return CUE_SOON
    return None


def status_text(status: Status) -> str:
    return STATUS_LABELS[status]


def rights_text(row: CaseRow) -> str:
    return ", ".join(r.value.replace("-", " ") for r in row.rights)


class QueueModel(QtCore.QAbstractTableModel):
    """Rows of the current :class:`QueueQuery`. ``set_query`` resets the model when the
    first page arrives; ``loaded`` is emitted then (with the row count)."""

    loaded = Signal(int)

    def __init__(self, ctx: AppContext, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.query = QueueQuery()
        self._count = 0
        self._pages: OrderedDict[int, list[CaseRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0

    # --- loading --------------------------------------------------------------------
    def set_query(self, query: QueueQuery) -> None:
        self.query = query
        self.reload()

    def reload(self) -> None:
        """Count and read the first page again (after a change, or F5)."""
        if self.ctx.register is None:
            return
        self._generation += 1
        gen, reg, query = self._generation, self.ctx.register, self.query
        self.ctx.worker.submit(lambda: queue.first_page(reg, query),
                               lambda result: self._on_first(gen, result), owner=self)

    def _on_first(self, gen: int, result: tuple[int, list[CaseRow]]) -> None:
        if gen != self._generation:
            return
        total, rows = result
        self.beginResetModel()
        self._count = total
        self._pages.clear()
        self._pending.clear()
        if rows:
            self._pages[0] = rows
        self.endResetModel()
        self.loaded.emit(total)

    def _request(self, page: int) -> None:
        if page in self._pending or page in self._pages or self.ctx.register is None:
            return
        self._pending.add(page)
        offset = page * PAGE_SIZE
        after = before = None
        if page - 1 in self._pages and self._pages[page - 1]:
            after = queue.sort_key(self._pages[page - 1][-1], self.query.sort)
        elif page + 1 in self._pages and self._pages[page + 1]:
            before = queue.sort_key(self._pages[page + 1][0], self.query.sort)
        gen, reg, query, total = self._generation, self.ctx.register, self.query, self._count
        self.ctx.worker.submit(
            lambda: queue.fetch_rows(reg, query, offset, PAGE_SIZE, total=total, after=after, before=before),
            lambda rows: self._on_page(gen, page, rows), owner=self)

    def _on_page(self, gen: int, page: int, rows: list[CaseRow]) -> None:
        if gen != self._generation:
            return
        self._pending.discard(page)
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_SIZE
        last = min(first + len(rows), self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    # --- access ---------------------------------------------------------------------
    def row_at(self, row: int) -> CaseRow | None:
        page = self._pages.get(row // PAGE_SIZE)
        if page is None:
            return None
        i = row % PAGE_SIZE
        return page[i] if i < len(page) else None

    def row_of_case(self, case_id: int) -> int | None:
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.id == case_id:
                    return page * PAGE_SIZE + i
        return None

    @property
    def loaded_pages(self) -> int:
        return len(self._pages)

    # --- Qt model -------------------------------------------------------------------
    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][1]
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Sort by {COLUMNS[section][1].lower()}"
        return None

    def flags(self, index: QtCore.QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self._count) or not (0 <= index.column() < len(COLUMNS)):
            return None
        row = self.row_at(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._request(index.row() // PAGE_SIZE)
                return "…"
            return None
        key = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "days_left" and row.due_date is not None:
                return f"Due {row.due_date:%a %d %b %Y}: {days_left_text(row)}"
            if key == "reference" and row.retention_at_risk:
                return "A recording or chat for this case is purged within 30 days"
            return None
        if key == "days_left" and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            cue = days_left_cue(row)
            if cue is None:
                return None
            return QtGui.QBrush(cue[0] if role == Qt.ItemDataRole.BackgroundRole else cue[1])
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _text(self, row: CaseRow, key: str) -> str:
        if key == "reference":
            return row.reference + (" ⚠" if row.retention_at_risk else "")
        if key == "requester":
            return row.requester_name
        if key == "rights":
            return rights_text(row)
        if key == "channel":
            return row.channel.value.replace("-", " ")
        if key == "status":
            return status_text(row.status)
        if key == "received":
            return row.received.isoformat()
        if key == "due":
            return row.due_date.isoformat() if row.due_date else "—"
        if key == "days_left":
            return days_left_text(row)
        return row.assignee or "—"

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.set_query(replace(self.query, sort=COLUMNS[column][0],
                               descending=order == Qt.SortOrder.DescendingOrder))
