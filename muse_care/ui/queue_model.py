"""The queue as a lazy table model: a row count from COUNT(*), rows fetched in pages of
200 on the worker into a small LRU cache (docs/machine.md, "Speed measurements"). Sorting asks the
database.
Nothing here blocks the GUI thread: a row not yet fetched shows "…" until its page
arrives.

The first page comes before the count (docs/performance.md, "Queue and search"): the
model shows it at once, and only when it is full asks for the count, whose rows are
inserted after it. Each read carries the model's generation; a read made stale by a
newer query (the next keystroke, another view) is skipped before it starts and, on
SQLite, interrupted while it runs, and its result is never shown."""

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
from muse_care.ui.queue_look import (  # declared there
    CUE_OVERDUE, CUE_SOON, CUE_TODAY, ROW_FLAGS, days_left_cue, header_data,
)

log = logging.getLogger("muse_care.ui.queue")
COLUMNS = QUEUE_COLUMNS  # declared once, in the queue service
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
MAX_PAGES = 40  # 8,000 rows cached at most


def column(key: str) -> int:
    """The position of the column ``key`` in the queue."""
    return COLUMN_KEYS.index(key)


_STALE = object()  # what a read returns once a newer query has made it stale

# The roles data() answers, as plain ints: a view asks ~8 roles of every visible cell at
# each paint, so the roles it does not answer are turned away first, cheaply.
_DISPLAY, _ACCESSIBLE, _TOOLTIP, _BACKGROUND, _FOREGROUND, _USER = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.UserRole))
_ANSWERED = frozenset({_DISPLAY, _ACCESSIBLE, _TOOLTIP, _BACKGROUND, _FOREGROUND, _USER})
_DAYS_LEFT = COLUMN_KEYS.index("days_left")
_REFERENCE = COLUMN_KEYS.index("reference")
_TEXTS = tuple(c.text for c in COLUMNS)


def row_texts(rows: list[CaseRow]) -> list[tuple[str, ...]]:
    """Each row's cells as the queue shows them (made on the worker, with the page)."""
    return [tuple(text(r) for text in _TEXTS) for r in rows]


def _with_texts(rows: list[CaseRow]) -> tuple[list[CaseRow], list[tuple[str, ...]]]:
    return rows, row_texts(rows)


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
        self._texts: dict[int, list[tuple[str, ...]]] = {}  # each cached page's cells
        self._pending: set[int] = set()
        self._generation = 0
        self.count_known = True

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
        self._submit_latest(gen, lambda stale: _with_texts(queue.fetch_rows(reg, query, 0, PAGE_SIZE,
                                                                           cancelled=stale)),
                            lambda result: self._on_first(gen, result))

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
        self._texts[at // PAGE_SIZE][at % PAGE_SIZE] = row_texts([row])[0]
        log.info("queue: row %s (case %s) refreshed", at, case_id)
        self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
        self.row_refreshed.emit(case_id)

    def _on_first(self, gen: int, result: tuple[list[CaseRow], list[tuple[str, ...]]]) -> None:
        if gen != self._generation:
            return
        rows, texts = result
        self.beginResetModel()
        self._count = len(rows)
        self.count_known = len(rows) < PAGE_SIZE  # a page not full holds the whole query
        self._pages.clear()
        self._texts.clear()
        self._pending.clear()
        if rows:
            self._pages[0], self._texts[0] = rows, texts
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
                del self._texts[0][total:]
            self.endRemoveRows()
        self.count_known = True
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
        self._submit_latest(gen, lambda stale: _with_texts(queue.fetch_rows(
                                reg, query, offset, PAGE_SIZE, total=total, after=after, before=before,
                                cancelled=stale)),
                            lambda result: self._on_page(gen, page, result))

    def _on_page(self, gen: int, page: int, result: tuple[list[CaseRow], list[tuple[str, ...]]]) -> None:
        if gen != self._generation:
            return
        rows, texts = result
        self._pending.discard(page)
        self._pages[page], self._texts[page] = rows, texts
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_PAGES:
            self._texts.pop(self._pages.popitem(last=False)[0], None)
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
        return header_data(section, orientation, role)

    def flags(self, index: QtCore.QModelIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QtCore.QModelIndex, role: int = _DISPLAY) -> Any:
        if role not in _ANSWERED or not index.isValid():
            return None
        at, col = index.row(), index.column()
        if not (0 <= at < self._count and 0 <= col < len(COLUMNS)):
            return None
        page, i = divmod(at, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None or i >= len(rows):
            if role == _DISPLAY:
                self._request(page)
                return "…"
            return None
        if role == _DISPLAY or role == _ACCESSIBLE:
            return self._texts[page][i][col]
        row = rows[i]
        if role == _USER:
            return row.id
        if role == _TOOLTIP:
            if col == _DAYS_LEFT and row.due_date is not None:
                return f"Due {row.due_date:%a %d %b %Y}: {days_left_text(row)}"
            if col == _REFERENCE and row.retention_at_risk:
                return "A recording or chat for this case is purged within 30 days"
            return None
        if col == _DAYS_LEFT:  # the background or text colour of the days-left cue
            cue = days_left_cue(row)
            if cue is None:
                return None
            return QtGui.QBrush(cue[0] if role == _BACKGROUND else cue[1])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.set_query(replace(self.query, sort=COLUMNS[column].key,
                               descending=order == Qt.SortOrder.DescendingOrder))

__all__ = ["COLUMNS", "CUE_OVERDUE", "CUE_SOON", "CUE_TODAY", "QueueModel", "column", "days_left_cue",
           "days_left_text", "rights_text", "status_text"]
