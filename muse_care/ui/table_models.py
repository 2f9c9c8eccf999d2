"""The one way the window's in-memory tables hold their rows: plain frozen views, one a
line, under columns declared once in ``COLUMNS`` (key, header, tooltip, alignment; these
tables are short, so the view sizes them to their contents). A model says only how a row shows in a column (``text``, and
``role_data`` for colours, check boxes and the like); counting, headers, tooltips,
alignment, finding a row by id and replacing the rows are written here once.

The queue, which pages from the database, declares its columns the same way with a
database sort key on each (``services/queue.py``, ``QUEUE_COLUMNS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from muse_care.ui.qt import QtCore, Qt

Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: ``key`` names it in code, ``header`` and ``tip`` are what the agent
    sees, ``numeric`` right-aligns it."""

    key: str
    header: str
    tip: str = ""
    numeric: bool = False


class RowsModel(QtCore.QAbstractTableModel):
    """A table of plain rows. Subclasses set ``COLUMNS`` and implement ``text`` (and
    ``role_data`` for any other role); a plain string in ``COLUMNS`` is a column whose
    key and header are that string."""

    COLUMNS: tuple[Column | str, ...] = ()
    ID_ROLE = Qt.ItemDataRole.UserRole + 1
    """The row's ``id`` (the views it holds have one), for the view's selection."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self.columns: tuple[Column, ...] = tuple(c if isinstance(c, Column) else Column(c, c)
                                                 for c in self.COLUMNS)

    # --- rows ------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row(self, index: int) -> Any:
        return self._rows[index]

    def row_at(self, index: int) -> Any | None:
        """The row at ``index``, or None outside the table."""
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def row_of(self, row_id: int) -> int | None:
        """The position of the row whose ``id`` is ``row_id``, or None."""
        return next((i for i, r in enumerate(self._rows) if r.id == row_id), None)

    def replace_rows(self, updated: Iterable[Any]) -> None:
        """Put fresh copies in place of the rows with the same ``id`` (others stay)."""
        fresh = {u.id: u for u in updated}
        for i, current in enumerate(self._rows):
            if current.id in fresh:
                self._rows[i] = fresh[current.id]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def cell(self, index: Index) -> tuple[Any, str] | None:
        """The row and the column key at ``index``, or None for an index outside the table."""
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self.columns)):
            return None
        return self._rows[index.row()], self.columns[index.column()].key

    # --- what a subclass says ----------------------------------------------------------------
    def text(self, row: Any, key: str) -> str:
        """The text of ``row`` in the column ``key``."""
        return ""

    def role_data(self, row: Any, key: str, role: int) -> Any:
        """Anything else a role asks of a cell (tooltip, colours, check state); None if nothing."""
        return None

    # --- Qt ----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].tip:
            return self.columns[section].tip
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        found = self.cell(index)
        if found is None:
            return None
        row, key = found
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, key)
        if role == self.ID_ROLE:
            return getattr(row, "id", None)
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[index.column()].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.role_data(row, key, role)
