"""The queue as a lazy table model: a row count from COUNT(*), rows fetched in pages of
``PAGE_SIZE`` (80) on the worker into a small LRU cache (docs/machine.md, "Speed
measurements"). Sorting asks the database.
Nothing here blocks the GUI thread: a row not yet fetched shows "…" until its page
arrives.

The first page comes before the count (docs/performance.md, "Queue and search"): the
model shows it at once, and only when it is full asks for the count, whose rows are
inserted after it. A re-sort (the same rows in another order) keeps the count and
reads only the first page. Each read carries the model's generation; a read made stale by a
newer query (the next keystroke, another view) is skipped before it starts and, on
SQLite, interrupted while it runs, and its result is never shown.

Each page is kept as the service's queue lines (plain tuples, ``queue.fetch_lines``,
read on the worker) and each row's record (``line_record``: every cell's text, tooltip
and cue colours) is made once, when the row is first shown; ``data()`` and the table's
``QueueDelegate`` then only look it up, and a :class:`CaseRow` is made only for a row
asked for (``row_at``)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from muse_care.domain.case import CaseRow, Status
from muse_care.services import queue
from muse_care.services.queue import (
    L_AT_RISK, L_ASSIGNEE, L_CHANNEL, L_DAYS_LEFT, L_DUE, L_ID, L_RECEIVED, L_REFERENCE, L_REQUESTER, L_RIGHTS,
    L_STATUS, PAGE_SIZE, QUEUE_COLUMNS, Line, QueueQuery, days_left_text, rights_text, status_text,
)
from muse_care.ui.context import AppContext
from muse_care.ui.qt import QtCore, Qt, Signal
from muse_care.ui.queue_look import (  # declared there
    _CUE_CELLS, _DAYS_LEFT, _NONE, _REFERENCE, _RISK, CUE_OVERDUE, CUE_SOON, CUE_TODAY, PLACEHOLDER, ROLE_SLOTS,
    ROW_FLAGS, Record, _due_tip, days_left_cue, header_data, record_data,
)

log = logging.getLogger("muse_care.ui.queue")
COLUMNS = QUEUE_COLUMNS  # declared once, in the queue service
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
MAX_PAGES = 8_000 // PAGE_SIZE  # 8,000 rows cached at most
COUNT_WAIT_MS = 20  # the longest a full first page's count waits for the page's paint


def column(key: str) -> int:
    """The position of the column ``key`` in the queue."""
    return COLUMN_KEYS.index(key)


_STALE = object()  # what a read returns once a newer query has made it stale
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_NCOLS = len(COLUMNS)


# --- a line's record, made on the worker ---------------------------------------------------
#
# The same record ``queue_look.row_record`` makes of the line's CaseRow (a test compares
# them), without making the CaseRow: every text that many rows share (a status, a date,
# the days left) is made once and looked up after.
_COLUMN_ORDER = ("reference", "requester", "due", "days_left", "status", "rights", "channel", "received",
                 "assignee")
assert COLUMN_KEYS == _COLUMN_ORDER, "line_record makes the cells in this order: change it with the columns"
_SHARED: dict[Any, Any] = {}  # (kind, value) -> its text (or days-left text and cue cells, or tooltips)
_SHARED_LIMIT = 50_000


class _Open:
    """What ``days_left_text`` and ``days_left_cue`` read of a row."""

    __slots__ = ("status", "days_left")

    def __init__(self, status: Status, days_left: int | None) -> None:
        self.status, self.days_left = status, days_left


def _shared(key: tuple[Any, ...]) -> Any:
    kind, value = key[0], key[1]
    if kind == "date":
        made: Any = value.isoformat() if value is not None else "—"
    elif kind == "status":
        made = status_text(Status(value))
    elif kind == "rights":
        made = rights_text(_Rights(queue._rights_of(value)))
    elif kind == "channel":
        made = value.replace("-", " ")
    elif kind == "days":  # (status, days left): the text and the cue's cells
        row = _Open(Status(value), key[2])
        cue = days_left_cue(row)
        made = (days_left_text(row), *(_CUE_CELLS[id(cue)] if cue is not None else (_NONE, _NONE)))
    else:  # "tips": (due date, days-left text, at risk)
        some: list[str | None] = list(_NONE)
        if value is not None:
            some[_DAYS_LEFT] = f"{_due_tip(value)}: {key[2]}"
        if key[3]:
            some[_REFERENCE] = _RISK
        made = tuple(some)
    if len(_SHARED) >= _SHARED_LIMIT:
        _SHARED.clear()
    _SHARED[key] = made
    return made


class _Rights:
    __slots__ = ("rights",)

    def __init__(self, rights: Any) -> None:
        self.rights = rights


def line_record(line: Line) -> Record:
    """Everything a queue line shows, per role and column (``queue_look.Record``)."""
    get = _SHARED.get
    due, status, risk = line[L_DUE], line[L_STATUS], line[L_AT_RISK]
    key = ("days", status, line[L_DAYS_LEFT])
    days = get(key) or _shared(key)
    days_text = days[0]
    texts = (line[L_REFERENCE] + " ⚠" if risk else line[L_REFERENCE], line[L_REQUESTER],
             get(("date", due)) or _shared(("date", due)), days_text,
             get(("status", status)) or _shared(("status", status)),
             get(("rights", line[L_RIGHTS])) or _shared(("rights", line[L_RIGHTS])),
             get(("channel", line[L_CHANNEL])) or _shared(("channel", line[L_CHANNEL])),
             get(("date", line[L_RECEIVED])) or _shared(("date", line[L_RECEIVED])),
             line[L_ASSIGNEE] or "—")
    if due is None and not risk:
        tips = _NONE
    else:
        key = ("tips", due, days_text, risk)
        tips = get(key) or _shared(key)
    return texts, tips, days[1], days[2], line[L_ID]


def _with_records(lines: list[Line]) -> tuple[list[Line], list[Record | None]]:
    """A page's lines and room for their records, each made when its row is first shown
    (``_record_of``): a first paint shows ~30 of the page's rows, and making all of a
    200-row page on the worker held up the page by a tenth."""
    return lines, [None] * len(lines)


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
        self._pages: OrderedDict[int, list[Line]] = OrderedDict()  # each cached page's queue lines
        self._cells: dict[int, list[Record | None]] = {}  # each cached page's records (None: not made yet)
        self._pending: set[int] = set()
        self._generation = 0
        self.count_known = True
        self._counted: QueueQuery | None = None  # the query whose rows _count counts
        self._start_count: Any = None  # starts the count waiting for the first page's paint

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
        self._count_now()  # a count still waiting is stale now: the worker skips it
        gen, reg, query = self._generation, self.ctx.register, self.query
        total = self._count if keep_count else None
        log.info("queue: reading %s again%s", query, " (a re-sort: the count is kept)" if keep_count else "")
        self._submit_latest(gen, lambda stale: _with_records(queue.fetch_lines(reg, query, 0, PAGE_SIZE,
                                                                              cancelled=stale)),
                            lambda result: self._on_first(gen, result, total))

    def _submit_latest(self, gen: int, read: Any, done: Any, soon: bool = False) -> Any:
        """Run ``read(stale)`` on the worker unless generation ``gen`` is stale by then;
        ``done(result)`` on the GUI thread only while ``gen`` is still current. ``soon``:
        submitted with ``worker.submit_soon``; returns its ``start``."""
        def stale() -> bool:
            return gen != self._generation

        def job() -> Any:
            try:
                return read(stale)
            except queue.QueryCancelled:
                return _STALE

        def deliver(result: Any) -> None:
            if not stale() and result is not _STALE:
                done(result)

        if soon:
            return self.ctx.worker.submit_soon(job, deliver, owner=self, within_ms=COUNT_WAIT_MS)
        return self.ctx.worker.submit(job, deliver, owner=self)

    def _count_now(self) -> None:
        start, self._start_count = self._start_count, None
        if start is not None:
            start()

    def _painted(self) -> None:
        """The view has asked for the first page's cells (it is painting them): the count
        starts once that paint is over, so that its query does not hold the GIL from it."""
        start, self._start_count = self._start_count, None
        QtCore.QTimer.singleShot(0, self, start)  # (if the model goes first, the worker's own timer starts it)

    def refresh_case(self, case_id: int) -> None:
        """After a write to one case: replace its row where it is, or, when the case
        may have moved (its sort value changed) or joined or left the view, read the
        queue again. Nothing else is re-read."""
        if self.ctx.register is None:
            return
        gen, reg, query = self._generation, self.ctx.register, self.query
        self.ctx.worker.submit(lambda: _with_records([line] if (line := queue.case_line(reg, query, case_id))
                                                     else []),
                               lambda found: self._on_case_row(gen, case_id, found), owner=self)

    def _on_case_row(self, gen: int, case_id: int, found: tuple[list[Line], list[Record | None]]) -> None:
        if gen != self._generation:
            return
        at = self.row_of_case(case_id)
        line = found[0][0] if found[0] else None
        if at is None and line is None:
            log.info("queue: case %s is not in this view; nothing to refresh", case_id)
            return
        old = self.row_at(at) if at is not None else None
        if old is None or line is None or \
                queue.sort_key(old, self.query.sort) != queue.sort_key(queue.row_of(line), self.query.sort):
            log.info("queue: case %s moved, joined or left the view; reloading the queue", case_id)
            self.reload()
            return
        self._pages[at // PAGE_SIZE][at % PAGE_SIZE] = line
        self._cells[at // PAGE_SIZE][at % PAGE_SIZE] = found[1][0]
        log.info("queue: row %s (case %s) refreshed", at, case_id)
        self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
        self.row_refreshed.emit(case_id)

    def _on_first(self, gen: int, result: tuple[list[Line], list[Record | None]], total: int | None = None) -> None:
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
        # The count waits for the first page's paint (``_painted``; at most COUNT_WAIT_MS):
        # started at once, its Python ran beside the paint's delegate calls and slowed the
        # first paint by a quarter (docs/performance.md, "Queue paint toward its floor").
        reg, query = self.ctx.register, self.query
        self._start_count = self._submit_latest(gen, lambda stale: queue.count(reg, query, cancelled=stale),
                                                lambda total: self._on_count(gen, total), soon=True)

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
            after = queue.sort_key(queue.row_of(self._pages[page - 1][-1]), self.query.sort)
        elif page + 1 in self._pages and self._pages[page + 1]:
            before = queue.sort_key(queue.row_of(self._pages[page + 1][0]), self.query.sort)
        gen, reg, query, total = self._generation, self.ctx.register, self.query, self._count
        self._submit_latest(gen, lambda stale: _with_records(queue.fetch_lines(
                                reg, query, offset, PAGE_SIZE, total=total, after=after, before=before,
                                cancelled=stale)),
                            lambda result: self._on_page(gen, page, result))

    def _on_page(self, gen: int, page: int, result: tuple[list[Line], list[Record | None]]) -> None:
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
        """The loaded row ``row`` (made from its line when asked for), else None."""
        page = self._pages.get(row // PAGE_SIZE)
        if page is None:
            return None
        i = row % PAGE_SIZE
        return queue.row_of(page[i]) if i < len(page) else None

    def record(self, row: int) -> Record | None:
        """The row's record (what ``QueueDelegate`` paints); for a row not read yet the
        placeholder, and its page is asked for (as ``data()`` does); None outside."""
        if not 0 <= row < self._count:
            return None
        page, i = divmod(row, PAGE_SIZE)
        cells = self._cells.get(page)
        if self._start_count is not None:
            self._painted()
        if cells is None or i >= len(cells):
            self._request(page)
            return PLACEHOLDER
        return cells[i] or self._record_of(page, i)

    def _record_of(self, page: int, i: int) -> Record:
        """The record of row ``i`` of a cached page, made now (once) from its line."""
        made = self._cells[page][i] = line_record(self._pages[page][i])
        return made

    def ask_rows(self, first: int, last: int) -> bool:
        """Ask for the pages of rows ``first .. last`` not read yet (as a paint of them
        would); True while one of them is still on its way (``QueueDelegate`` holds the
        table's paint for it)."""
        waiting = False
        for page in range(max(first, 0) // PAGE_SIZE, min(last, self._count - 1) // PAGE_SIZE + 1):
            if page not in self._cells:
                self._request(page)
                waiting = waiting or page in self._pending
        return waiting

    def row_of_case(self, case_id: int) -> int | None:
        for page, lines in self._pages.items():
            for i, line in enumerate(lines):
                if line[L_ID] == case_id:
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
        """A look-up in the row's record (made once, when the row is first shown), nothing
        made per call: a paint asks ~8 roles of every visible cell."""
        slot = ROLE_SLOTS.get(role)
        if slot is None:
            return None
        at = index.row()
        if at < 0 or at >= self._count:
            return None
        if self._start_count is not None:
            self._painted()
        page, i = divmod(at, PAGE_SIZE)
        cells = self._cells.get(page)
        if cells is None or i >= len(cells):
            if role == _DISPLAY and 0 <= index.column() < _NCOLS:
                self._request(page)
                return "…"
            return None
        return record_data(cells[i] or self._record_of(page, i), index.column(), slot)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.set_query(replace(self.query, sort=COLUMNS[column].key,
                               descending=order == Qt.SortOrder.DescendingOrder))

__all__ = ["COLUMNS", "CUE_OVERDUE", "CUE_SOON", "CUE_TODAY", "QueueModel", "column", "days_left_cue",
           "days_left_text", "line_record", "rights_text", "status_text"]
