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
from muse_care.services.queue_columns import COLUMN_LOOKS, days_left_text
from muse_care.ui.qt import QtCore, QtGui, Qt

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


def cell(row: CaseRow, column: int, role: int) -> Any:
    """What a loaded row shows in ``column`` for ``role`` (as ``QueueModel.data``)."""
    key = COLUMN_LOOKS[column].key
    if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
        return COLUMN_LOOKS[column].text(row)
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


def header_data(section: int, orientation: Qt.Orientation, role: int) -> Any:
    """The queue's header, for both its models: the column's name, and its tooltip."""
    if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMN_LOOKS):
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMN_LOOKS[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Sort by {COLUMN_LOOKS[section].header.lower()}"
    return None


ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
"""A queue cell's flags (both models): selectable, never edited, never a tree."""


class FirstPageModel(QtCore.QAbstractTableModel):
    """The queue while the database opens: the row count and the first page of the
    default view (All open, by due date), nothing else. Rows past the first page show
    "…" (the real model fetches them once it takes over). ``clear()`` when the window
    asks for something this page cannot answer (another view, a search, a sort)."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.total = 0
        self.rows: list[CaseRow] = []
        self.shown = False

    def show_page(self, total: int, rows: list[CaseRow]) -> None:
        self.beginResetModel()
        self.total, self.rows, self.shown = total, list(rows), True
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.total, self.rows, self.shown = 0, [], False
        self.endResetModel()

    def row_at(self, row: int) -> CaseRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_LOOKS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_data(section, orientation, role)

    def flags(self, index: QtCore.QModelIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QtCore.QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.total) or \
                not (0 <= index.column() < len(COLUMN_LOOKS)):
            return None
        row = self.row_at(index.row())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        return cell(row, index.column(), role)
