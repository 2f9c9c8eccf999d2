"""How a queue row looks on screen (the days-left cues, the cell of a role) and the
model of the queue's first page, painted before SQLAlchemy has loaded.

Nothing here imports SQLAlchemy or the queue service: the window shows the first page
read through ``sqlite3`` (``muse_care.store.first_page``) with :class:`FirstPageModel`
while the database opens on the worker, then hands over to ``QueueModel``
(docs/performance.md, "Start-up"). ``ui/queue_model.py`` re-exports the cues.
"""

from __future__ import annotations

from typing import Any

from muse_care.domain.case import OPEN_STATUSES, CaseRow
from muse_care.services.queue_columns import COLUMN_LOOKS
from muse_care.ui.qt import QtCore, QtGui, QtWidgets, Role

# The days-left cues: a background AND its own text colour, so they read the same in
# light and dark mode; the text says it too ("5 days overdue"), never colour alone.
CUE_OVERDUE = (QtGui.QColor("#b3261e"), QtGui.QColor("#ffffff"))
CUE_TODAY = (QtGui.QColor("#e8a317"), QtGui.QColor("#000000"))
CUE_SOON = (QtGui.QColor("#fbe7a1"), QtGui.QColor("#000000"))


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


# A cell's cue is its colours as they are (views take a colour for a brush): the first
# QBrush made builds the Qt namespace's enums, which the first paint does without
# (docs/performance.md, "Start-up").

_KEYS = tuple(c.key for c in COLUMN_LOOKS)
_TEXTS = tuple(c.text for c in COLUMN_LOOKS)
_DAYS_LEFT = _KEYS.index("days_left")
_REFERENCE = _KEYS.index("reference")
_NONE = (None,) * len(COLUMN_LOOKS)  # the tooltips or cue colours of a row that has none

# A row's record: for each role a queue cell answers, a tuple of its columns' values
# (``slot`` below), and the case id (the user role, in every column).
TEXT_SLOT, TOOLTIP_SLOT, BACKGROUND_SLOT, FOREGROUND_SLOT, ID_SLOT = range(5)
Record = tuple[tuple[str, ...], tuple[str | None, ...], tuple[Any, ...], tuple[Any, ...], int]
ROLE_SLOTS: dict[int, int] = {
    Role.DISPLAY: TEXT_SLOT, Role.ACCESSIBLE_TEXT: TEXT_SLOT, Role.TOOLTIP: TOOLTIP_SLOT,
    Role.BACKGROUND: BACKGROUND_SLOT, Role.FOREGROUND: FOREGROUND_SLOT, Role.USER: ID_SLOT}
"""The roles a queue cell answers, each with its slot in a :data:`Record`; a view asks
~8 roles of every visible cell at each paint, and the others are turned away first."""


PLACEHOLDER: Record = (("…",) * len(COLUMN_LOOKS), _NONE, _NONE, _NONE, 0)
"""What a row not read yet shows (its page is on its way): "…" in every column."""


def _one(column: int, value: Any) -> tuple[Any, ...]:
    return tuple([value if i == column else None for i in range(len(COLUMN_LOOKS))])


# Each cue's background and text colour as the days-left column's cells of a record
_CUE_CELLS = {id(cue): (_one(_DAYS_LEFT, cue[0]), _one(_DAYS_LEFT, cue[1])) for cue in (CUE_OVERDUE, CUE_TODAY, CUE_SOON)}
_RISK = "A recording or chat for this case is purged within 30 days"
_DUE_TIPS: dict[Any, str] = {}  # a due date's "Due Wed 25 Nov 2026": thousands of rows share one


def _due_tip(due: Any) -> str:
    tip = _DUE_TIPS.get(due)
    if tip is None:
        if len(_DUE_TIPS) > 10_000:
            _DUE_TIPS.clear()
        tip = _DUE_TIPS[due] = f"Due {due:%a %d %b %Y}"
    return tip


def row_record(row: CaseRow | Any) -> Record:
    """Everything a loaded row shows, per role and column (made on the worker with the
    page, so that ``data()`` is a look-up: docs/performance.md, "Queue and search")."""
    texts = tuple([text(row) for text in _TEXTS])
    tips: tuple[str | None, ...] = _NONE
    if row.due_date is not None or row.retention_at_risk:
        some: list[str | None] = list(_NONE)
        if row.due_date is not None:
            some[_DAYS_LEFT] = f"{_due_tip(row.due_date)}: {texts[_DAYS_LEFT]}"  # (the days-left text)
        if row.retention_at_risk:
            some[_REFERENCE] = _RISK
        tips = tuple(some)
    cue = days_left_cue(row)
    if cue is None:
        return texts, tips, _NONE, _NONE, row.id
    background, foreground = _CUE_CELLS[id(cue)]
    return texts, tips, background, foreground, row.id


def row_records(rows: list[CaseRow] | list[Any]) -> list[Record]:
    return [row_record(r) for r in rows]


def record_data(record: Record, column: int, slot: int) -> Any:
    """What ``record`` answers in ``column`` for the role of ``slot``."""
    if slot == ID_SLOT:
        return record[ID_SLOT]
    return record[slot][column] if 0 <= column < len(COLUMN_LOOKS) else None


def cell(row: CaseRow, column: int, role: int) -> Any:
    """What a loaded row shows in ``column`` for ``role`` (as ``QueueModel.data``)."""
    slot = ROLE_SLOTS.get(int(role))
    return None if slot is None else record_data(row_record(row), column, slot)


def header_tip(section: int) -> str:
    return f"Sort by {COLUMN_LOOKS[section].header.lower()}"


def header_data(section: int, orientation: Any, role: int) -> Any:
    """The queue model's header: the column's name, and its tooltip."""
    if orientation == QtCore.Qt.Orientation.Horizontal and 0 <= section < len(COLUMN_LOOKS):
        if role == Role.DISPLAY:
            return COLUMN_LOOKS[section].header
        if role == Role.TOOLTIP:
            return header_tip(section)
    return None


def header_labels(parent: QtCore.QObject | None = None) -> QtGui.QStandardItemModel:
    """The same header for the start's page, as a model of Qt's own: a Python
    ``headerData`` is handed a ``Qt.Orientation``, and building that enum builds all
    of ``Qt`` before the first paint (docs/performance.md, "Start-up")."""
    model = QtGui.QStandardItemModel(0, len(COLUMN_LOOKS), parent)
    for i, look in enumerate(COLUMN_LOOKS):
        item = QtGui.QStandardItem(look.header)
        item.setToolTip(header_tip(i))
        model.setHorizontalHeaderItem(i, item)
    return model


def __getattr__(name: str) -> Any:
    if name == "ROW_FLAGS":  # built on first use: it needs the Qt namespace
        flag = QtCore.Qt.ItemFlag
        globals()["ROW_FLAGS"] = flags = flag.ItemIsEnabled | flag.ItemIsSelectable | flag.ItemNeverHasChildren
        return flags
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ROW_FLAGS: a queue cell's flags (the queue model): selectable, never edited, never a
# tree; Qt's own default for a table model, which the start's page keeps.


class FirstPageModel(QtCore.QAbstractTableModel):
    """The queue while the database opens: the row count and the first page of the
    default view (All open, by due date), nothing else. Rows past the first page show
    "…" (the real model fetches them once it takes over). ``clear()`` when the window
    asks for something this page cannot answer (another view, a search, a sort)."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.total = 0
        self.rows: list[CaseRow] = []
        self._records: list[Record] = []
        self.shown = False

    def show_page(self, total: int, rows: list[CaseRow]) -> None:
        self.beginResetModel()
        self.total, self.rows, self.shown = total, list(rows), True
        self._records = row_records(self.rows)
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.total, self.rows, self.shown = 0, [], False
        self._records = []
        self.endResetModel()

    def row_at(self, row: int) -> CaseRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def record(self, row: int) -> Record | None:
        """The row's record (what ``QueueDelegate`` paints): the placeholder past the
        page; None outside the table."""
        if 0 <= row < len(self._records):
            return self._records[row]
        return PLACEHOLDER if 0 <= row < self.total else None

    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_LOOKS)

    # No headerData and no flags of its own: its header is ``header_labels()`` on the
    # table's header, and Qt's default flags are the queue's (selectable, enabled, no
    # children), so nothing Qt calls here is handed an enum before the first paint.

    def data(self, index: QtCore.QModelIndex, role: int = Role.DISPLAY) -> Any:
        slot = ROLE_SLOTS.get(role)
        if slot is None or not index.isValid():
            return None
        at = index.row()
        if at < len(self._records):
            return record_data(self._records[at], index.column(), slot)
        return "…" if role == _DISPLAY and at < self.total else None


_DISPLAY = Role.DISPLAY


def configure_queue_table(table: QtWidgets.QTableView, *, start: bool = False) -> None:
    """The queue table as the window shows it (and the benchmark measures it): columns
    sized from their declared samples, rows of one height (no row is measured), no row
    numbers, sorted by the database (the sort indicator on the due date).

    ``start``: the table as it holds the start's first page, with nothing that builds
    an enum of the Qt namespace or of QStyle before its first paint: Qt's own delegate
    (``QueueDelegate`` reads the style's state flags), and no sort indicator yet; the
    window adds both after that paint (``finish_queue_table``)."""
    header = table.horizontalHeader()
    header.setSectionsMovable(True)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
    width = table.fontMetrics().horizontalAdvance
    for i, col in enumerate(COLUMN_LOOKS):
        table.setColumnWidth(i, max(width(col.width_sample), width(col.header)) + width("MMM"))
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().lineSpacing() + 8)
    table.setWordWrap(False)
    table.setSortingEnabled(False)
    # hidden until it is set (finish_queue_table) or restored with the layout: a header's
    # own indicator is on its first column, which is not the queue's order
    header.setSortIndicatorShown(False)
    header.setSectionsClickable(True)
    if not start:
        finish_queue_table(table, sort_indicator=True)


def finish_queue_table(table: QtWidgets.QTableView, *, sort_indicator: bool) -> None:
    """What ``configure_queue_table(start=True)`` left for after the first paint: the
    queue's delegate, and (``sort_indicator``) the indicator on the due date,
    ascending, the queue's default order."""
    if not isinstance(table.itemDelegate(), QueueDelegate):
        table.setItemDelegate(QueueDelegate(table))
    header = table.horizontalHeader()
    if sort_indicator:
        header.setSortIndicator(_KEYS.index("due"), QtCore.Qt.SortOrder.AscendingOrder)
    header.setSortIndicatorShown(True)


class QueueDelegate(QtWidgets.QStyledItemDelegate):
    """Paints a queue cell from its row's record, its text laid out once: a paint of the
    visible rows was mostly Qt shaping each cell's text again (HarfBuzz) and asking
    the model ~8 roles of it through Python (docs/performance.md, "Queue and search").

    A cell of a selected row, of the current cell or of a disabled table is painted by
    the style as before; any other cell (a row not read yet too) gets the days-left
    cue's background (the alternating rows are the view's) and its text in the cue's
    colour or the palette's, elided at the right as the style does, from a cache of
    laid-out texts. The table's font, palette and style are read once, and again when
    they change."""

    CACHE_LIMIT = 20_000  # laid-out texts kept (a text at a width); then the cache starts again
    HOLD_MS = 25  # the longest a scroll into rows not read yet waits for them before it paints "…"

    def __init__(self, table: QtWidgets.QAbstractItemView) -> None:
        super().__init__(table)
        _read_style_flags()
        self._table = table
        self._texts: dict[tuple[str, int], QtGui.QStaticText] = {}
        self._ready = False
        self._held: Any = None  # the model whose rows a scroll waits for, while it waits
        self._hold_timer: QtCore.QTimer | None = None
        table.installEventFilter(self)
        self._viewport = table.viewport()
        self._viewport.installEventFilter(self)
        table.verticalScrollBar().valueChanged.connect(self._scrolled)

    # --- a scroll into rows not read yet --------------------------------------------
    # A jump (End, a drag of the scroll bar) to rows not read yet used to paint them as
    # "…" at once, ask for their page from that paint and paint again when it came: two
    # paints, the page asked for only after the first. Now the scroll asks for the pages
    # before any paint and holds the table's paint until they are in (HOLD_MS at most;
    # then the "…" rows are painted as before and filled in when their page comes).
    def _scrolled(self, _value: int) -> None:
        table = self._table
        model = table.model()
        ask = getattr(model, "ask_rows", None)
        if ask is None:
            return
        if table.verticalScrollBar().isSliderDown():
            # dragging the scroll bar: each step is painted at once, its rows as "…" until
            # they come (held, a drag showed an empty table for 20-110 ms at each step: an
            # outside tester); the rows are asked for by that paint
            return
        first = table.rowAt(0)
        if first < 0:
            return
        last = table.rowAt(table.viewport().height() - 1)
        if not ask(first, last if last >= 0 else model.rowCount() - 1) or self._held is not None:
            return  # every row shown is read: paint now (or already held: its timer bounds the wait)
        self._held = model  # the paint the scroll has asked for is skipped (eventFilter)
        model.dataChanged.connect(self._maybe_release)
        model.modelReset.connect(self._release)
        if self._hold_timer is None:
            self._hold_timer = QtCore.QTimer(self, singleShot=True, interval=self.HOLD_MS)
            self._hold_timer.timeout.connect(self._release)
        self._hold_timer.start()

    def _maybe_release(self, *_args: Any) -> None:
        table, model = self._table, self._held
        if model is None:
            return
        first, last = table.rowAt(0), table.rowAt(table.viewport().height() - 1)
        if first < 0 or not model.ask_rows(first, last if last >= 0 else model.rowCount() - 1):
            self._release()

    def _release(self) -> None:
        model, self._held = self._held, None
        if model is None:
            return
        if self._hold_timer is not None:
            self._hold_timer.stop()
        model.dataChanged.disconnect(self._maybe_release)
        model.modelReset.disconnect(self._release)
        self._table.viewport().update()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == _PAINT:  # the rows' paint is held while their pages are on their way (_scrolled)
            return self._held is not None and watched is self._viewport
        if kind in _LOOK_CHANGES:
            self._ready = False
        return False

    def _prepare(self) -> None:
        table = self._table
        self._font = table.font()
        self._metrics = QtGui.QFontMetrics(self._font)
        self._height = self._metrics.height()
        self._margin = table.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
        palette = table.palette()
        self._colours = (palette.color(QtGui.QPalette.ColorGroup.Inactive, QtGui.QPalette.ColorRole.Text),
                         palette.color(QtGui.QPalette.ColorGroup.Active, QtGui.QPalette.ColorRole.Text))
        self._texts = {}
        self._ready = True

    def paint(self, painter: QtGui.QPainter, option: QtWidgets.QStyleOptionViewItem,
              index: QtCore.QModelIndex) -> None:
        record = getattr(index.model(), "record", _no_record)(index.row())
        state = option.state.value
        if record is None or state & _PLAIN_MASK != _PLAIN:
            super().paint(painter, option, index)
            return
        if not self._ready:
            self._prepare()
        col = index.column()
        background = record[BACKGROUND_SLOT][col]
        if background is not None:
            painter.fillRect(option.rect, background)
        text = record[TEXT_SLOT][col]
        if not text:
            return
        x, y, width, height = option.rect.getRect()
        laid = self._texts.get((text, width))
        if laid is None:
            laid = self._lay_out(text, width)
        foreground = record[FOREGROUND_SLOT][col]
        painter.setPen(foreground if foreground is not None else self._colours[bool(state & _ACTIVE)])
        painter.drawStaticText(x + self._margin, y + (height - self._height) // 2, laid)

    def _lay_out(self, text: str, width: int) -> QtGui.QStaticText:
        room = max(width - 2 * self._margin, 0)
        metrics = self._metrics
        shown = text if metrics.horizontalAdvance(text) <= room else \
            metrics.elidedText(text, QtCore.Qt.TextElideMode.ElideRight, room)
        laid = QtGui.QStaticText(shown)
        laid.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        laid.prepare(QtGui.QTransform(), self._font)
        if len(self._texts) >= self.CACHE_LIMIT:
            self._texts = {}
        self._texts[(text, width)] = laid
        return laid


def _no_record(_row: int) -> None:
    return None


_PLAIN_MASK = _PLAIN = _ACTIVE = 0
_PAINT: Any = None
_LOOK_CHANGES: frozenset[Any] = frozenset()


def _read_style_flags() -> None:
    """The style's state flags and the events that change a table's look, read when the
    first ``QueueDelegate`` is made: looking ``QStyle`` up builds its 11 enums, which
    the start's first paint does without (``configure_queue_table(start=True)``)."""
    global _PLAIN_MASK, _PLAIN, _ACTIVE, _PAINT, _LOOK_CHANGES
    if _LOOK_CHANGES:
        return
    state = QtWidgets.QStyle.StateFlag
    _PLAIN_MASK = (state.State_Selected | state.State_HasFocus | state.State_Enabled).value
    _PLAIN = state.State_Enabled.value  # enabled, neither selected nor the current cell
    _ACTIVE = state.State_Active.value
    kind = QtCore.QEvent.Type
    _PAINT = kind.Paint
    _LOOK_CHANGES = frozenset({kind.FontChange, kind.PaletteChange, kind.StyleChange})
