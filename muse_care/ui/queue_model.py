"""The queue as a lazy table model: a row count from COUNT(*), rows fetched in pages of
200 on the worker into a small LRU cache (docs/machine.md, "Speed measurements"). Sorting asks the
database.
Nothing here blocks the GUI thread: a row not yet fetched shows "…" until its page
arrives."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from muse_care.domain.case import CaseRow
from muse_care.services import queue
from muse_care.services.queue import PAGE_SIZE, QUEUE_COLUMNS, QueueQuery, days_left_text, rights_text, status_text
from muse_care.ui.context import AppContext
from muse_care.ui.qt import QtCore, QtGui, Qt, Signal
from muse_care.ui.queue_look import CUE_OVERDUE, CUE_SOON, CUE_TODAY, days_left_cue  # declared there

log = logging.getLogger("muse_care.ui.queue")
COLUMNS = QUEUE_COLUMNS  # declared once, in the queue service
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
MAX_PAGES = 40  # 8,000 rows cached at most


def column(key: str) -> int:
    """The position of the column ``key`` in the queue."""
    return COLUMN_KEYS.index(key)


class QueueModel(QtCore.QAbstractTableModel):
    """Rows of the current :class:`QueueQuery`. ``set_query`` resets the model when the
    first page arrives; ``loaded`` is emitted then (with the row count)."""

    loaded = Signal(int)
    row_refreshed = Signal(int)  # a case id whose row was replaced in place

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
        log.info("queue: reading %s again", query)
        self.ctx.worker.submit(lambda: queue.first_page(reg, query),
                               lambda result: self._on_first(gen, result), owner=self)

    def refresh_case(self, case_id: int) -> None:
        """After a write to one case: replace its row where it is, or, when the case
        may have moved (its sort value changed) or joined or left the view, read the
        queue again. Nothing else is re-read."""
        if self.ctx.register is None:
            return
        gen, reg, query = self._generation, self.ctx.register, self.query
        self.ctx.worker.submit(lambda: queue.case_row(reg, query, case_id),
                               lambda row: self._on_case_row(gen, case_id, row), owner=self)

    def _on_case_row(self, gen: int, case_id: int, row: CaseRow | None) -> None:
        if gen != self._generation:
            return
        at = self.row_of_case(case_id)
        if at is None and row is None:
            log.info("queue: case %s is not in this view; nothing to refresh", case_id)
            return
        old = self.row_at(at) if at is not None else None
        if old is None or row is None or queue.sort_key(old, self.query.sort) != queue.sort_key(row, self.query.sort):
            log.info("queue: case %s moved, joined or left the view; reloading the queue", case_id)
            self.reload()
            return
        self._pages[at // PAGE_SIZE][at % PAGE_SIZE] = row
        log.info("queue: row %s (case %s) refreshed", at, case_id)
        self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
        self.row_refreshed.emit(case_id)

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
                return COLUMNS[section].header
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Sort by {COLUMNS[section].header.lower()}"
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
        key = COLUMNS[index.column()].key
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return COLUMNS[index.column()].text(row)
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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.set_query(replace(self.query, sort=COLUMNS[column].key,
                               descending=order == Qt.SortOrder.DescendingOrder))

__all__ = ["COLUMNS", "CUE_OVERDUE", "CUE_SOON", "CUE_TODAY", "QueueModel", "column", "days_left_cue",
           "days_left_text", "rights_text", "status_text"]
