"""The one way the case tabs' tables hold their rows: plain frozen views, one a line,
under columns named once in ``COLUMNS``. A model says only how a row shows in a
column (``data``); counting, headers and replacing the rows are written here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from muse_care.ui.qt import QtCore, Qt

Index = QtCore.QModelIndex | QtCore.QPersistentModelIndex


class RowsModel(QtCore.QAbstractTableModel):
    """A table of plain rows. Subclasses set ``COLUMNS`` and implement ``data``."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> Any:
        return self._rows[index]

    def cell(self, index: Index) -> tuple[Any, str] | None:
        """The row and the column name at ``index``, or None for an index outside the table."""
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self.COLUMNS)):
            return None
        return self._rows[index.row()], self.COLUMNS[index.column()]

    def rowCount(self, parent: Index = QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QtCore.QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None
