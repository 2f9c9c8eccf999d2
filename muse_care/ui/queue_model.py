"""The queue as a lazy table model: a row count from COUNT(*), rows fetched in pages of
200 on the worker into a small LRU cache (docs/machine.md, "Speed measurements"). Sorting asks the
database.
Nothing here blocks the GUI thread: a row not yet fetched shows "…" until its page
arrives.

The first page comes before the count (docs/performance.md, "Queue and search"): the
model shows it at once, and only when it is full asks for the count, whose rows are
inserted after it. A re-sort (the same rows in another order) keeps the count and
reads only the first page. Each read carries the model's generation; a read made stale by a
newer query (the next keystroke, another view) is skipped before it starts and, on
SQLite, interrupted while it runs, and its result is never shown.

Each page's rows come with their records (``queue_look.row_record``: every cell's text,
tooltip and cue colours), made on the worker; ``data()`` and the table's
``QueueDelegate`` only look them up."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from muse_care.domain.case import CaseRow
from muse_care.services import queue
from muse_care.services.queue import PAGE_SIZE, QUEUE_COLUMNS, QueueQuery, days_left_text, rights_text, status_text
from muse_care.ui.context import AppContext
from muse_care.ui.qt import QtCore, Qt, Signal
from muse_care.ui.queue_look import (  # declared there
    CUE_OVERDUE, CUE_SOON, CUE_TODAY, PLACEHOLDER, ROLE_SLOTS, ROW_FLAGS, Record, days_left_cue, header_data,
    record_data, row_records,
)

log = logging.getLogger("muse_care.ui.queue")
COLUMNS = QUEUE_COLUMNS  # declared once, in the queue service
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
MAX_PAGES = 40  # 8,000 rows cached at most


def column(key: str) -> int:
    """The position of the column ``key`` in the queue."""
    return COLUMN_KEYS.index(key)


_STALE = object()  # what a read returns once a newer query has made it stale
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_NCOLS = len(COLUMNS)


def _with_records(rows: list[CaseRow]) -> tuple[list[CaseRow], list[Record]]:
    return rows, row_records(rows)  # on the worker, with the page


def _same_rows(a: QueueQuery, b: QueueQuery) -> bool:
    """Whether ``a`` and ``b`` hold the same rows, in another order (a re-sort)."""
    return replace(a, sort=b.sort, descending=b.descending) == b


class QueueModel(QtCore.QAbstractTableModel):
    """Rows of the current :class:`QueueQuery`. ``set_query`` resets the model when the
    first page arrives and emits ``first_page_shown`` (with the rows it holds);
    ``loaded`` is emitted once the row count is known too (at once when the first page
    is not full, else when the count arrives)."""

    loaded = Signal(int)
    first_page_shown = Signal(int)
    row_refreshed = Signal(int)  # a case id whose row was replaced in place

    def __init__(self, ctx: AppContext, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.query = QueueQuery()
        self._count = 0
        self._pages: OrderedDict[int, list[CaseRow]] = OrderedDict()
        self._cells: dict[int, list[Record]] = {}  # each cached page's rows, per role and column
        self._pending: set[int] = set()
        self._generation = 0
        self.count_known = True
        self._counted: QueueQuery | None = None  # the query whose rows _count counts

    # --- loading --------------------------------------------------------------------
    def set_query(self, query: QueueQuery) -> None:
        """Show ``query``. A re-sort of the rows counted (the same view or search in
        another order) keeps their count: only its first page is read, and the table is
        reset once, to its full length."""
        resort = self._counted is not None and self.count_known and _same_rows(self._counted, query)
        self.query = query
        self.reload(keep_count=resort)

    def reload(self, keep_count: bool = False) -> None:
        """Count and read the first page again (after a change, or F5); ``keep_count``:
        the rows are those counted, in another order."""
        if self.ctx.register is None:
            return
        self._generation += 1
        gen, reg, query = self._generation, self.ctx.register, self.query
        total = self._count if keep_count else None
        log.info("queue: reading %s again%s", query, " (a re-sort: the count is kept)" if keep_count else "")
        self._submit_latest(gen, lambda stale: _with_records(queue.fetch_rows(reg, query, 0, PAGE_SIZE,
                                                                             cancelled=stale)),
                            lambda result: self._on_first(gen, result, total))

    def _submit_latest(self, gen: int, read: Any, done: Any) -> None:
        """Run ``read(stale)`` on the worker unless generation ``gen`` is stale by then;
        ``done(result)`` on the GUI thread only while ``gen`` is still current."""
        def stale() -> bool:
            return gen != self._generation

        def job() -> Any:
            try:
                return read(stale)
            except queue.QueryCancelled:
                return _STALE

        self.ctx.worker.submit(job, lambda result: None if stale() or result is _STALE else done(result),
                               owner=self)

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
        self._cells[at // PAGE_SIZE][at % PAGE_SIZE] = row_records([row])[0]
        log.info("queue: row %s (case %s) refreshed", at, case_id)
        self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
        self.row_refreshed.emit(case_id)

    def _on_first(self, gen: int, result: tuple[list[CaseRow], list[Record]], total: int | None = None) -> None:
        """The first page: shown at once. ``total``: the count kept from before (a
        re-sort); else, when the page is full, the count is read after it."""
        if gen != self._generation:
            return
        rows, cells = result
        if total is not None and len(rows) != min(total, PAGE_SIZE):
            total = None  # the rows changed meanwhile after all: count them again
        self.beginResetModel()
        self._count = len(rows) if total is None else total
        self.count_known = total is not None or len(rows) < PAGE_SIZE  # a page not full holds the whole query
        self._counted = self.query if self.count_known else None
        self._pages.clear()
        self._cells.clear()
        self._pending.clear()
        if rows:
            self._pages[0], self._cells[0] = rows, cells
        self.endResetModel()
        self.first_page_shown.emit(len(rows))
        if self.count_known:
            self.loaded.emit(self._count)
            return
        reg, query = self.ctx.register, self.query
        self._submit_latest(gen, lambda stale: queue.count(reg, query, cancelled=stale),
                            lambda total: self._on_count(gen, total))

    def _on_count(self, gen: int, total: int) -> None:
        """The count after the first page: the rows below it are inserted (or, if cases
        left the query between the two reads, removed)."""
        if gen != self._generation:
            return
        if total > self._count:
            self.beginInsertRows(QtCore.QModelIndex(), self._count, total - 1)
            self._count = total
            self.endInsertRows()
        elif total < self._count:
            self.beginRemoveRows(QtCore.QModelIndex(), total, self._count - 1)
            self._count = total
            if 0 in self._pages:
                del self._pages[0][total:]
                del self._cells[0][total:]
            self.endRemoveRows()
        self.count_known = True
        self._counted = self.query
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
        self._submit_latest(gen, lambda stale: _with_records(queue.fetch_rows(
                                reg, query, offset, PAGE_SIZE, total=total, after=after, before=before,
                                cancelled=stale)),
                            lambda result: self._on_page(gen, page, result))

    def _on_page(self, gen: int, page: int, result: tuple[list[CaseRow], list[Record]]) -> None:
        if gen != self._generation:
            return
        rows, cells = result
        self._pending.discard(page)
        self._pages[page], self._cells[page] = rows, cells
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_PAGES:
            self._cells.pop(self._pages.popitem(last=False)[0], None)
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

    def record(self, row: int) -> Record | None:
        """The row's record (what ``QueueDelegate`` paints); for a row not read yet the
        placeholder, and its page is asked for (as ``data()`` does); None outside."""
        if not 0 <= row < self._count:
            return None
        page, i = divmod(row, PAGE_SIZE)
        cells = self._cells.get(page)
        if cells is None or i >= len(cells):
            self._request(page)
            return PLACEHOLDER
        return cells[i]

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
        return header_data(section, orientation, role)

    def flags(self, index: QtCore.QModelIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QtCore.QModelIndex, role: int = _DISPLAY) -> Any:
        """A look-up in the row's record (made on the worker), nothing made per call: a
        paint asks ~8 roles of every visible cell."""
        slot = ROLE_SLOTS.get(role)
        if slot is None:
            return None
        at = index.row()
        if at < 0 or at >= self._count:
            return None
        page, i = divmod(at, PAGE_SIZE)
        cells = self._cells.get(page)
        if cells is None or i >= len(cells):
            if role == _DISPLAY and 0 <= index.column() < _NCOLS:
                self._request(page)
                return "…"
            return None
        return record_data(cells[i], index.column(), slot)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.set_query(replace(self.query, sort=COLUMNS[column].key,
                               descending=order == Qt.SortOrder.DescendingOrder))

__all__ = ["COLUMNS", "CUE_OVERDUE", "CUE_SOON", "CUE_TODAY", "QueueModel", "column", "days_left_cue",
           "days_left_text", "rights_text", "status_text"]
