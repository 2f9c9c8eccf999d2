"""Help ▸ Getting started (the README's "A first day with MUSE Care", inside the app)
and Help ▸ Keyboard shortcuts (read from the window's own actions, so the list is
never out of step with the menus)."""

from __future__ import annotations

import sys
from pathlib import Path

from muse_care.ui.qt import QtGui, QtWidgets

FIRST_DAY = "## A first day with MUSE Care"
# Keys that belong to no menu action.
OTHER_KEYS = (
    ("Alt+Down / Alt+Up", "Next / previous case in the queue"),
    ("Escape (in Find)", "Clear the search and go back to the selected view"),
    ("Space (in the rights list)", "Tick or untick the focused right"),
    ("Enter (in a dialog)", "Save; in a one-line form (assignee, reason): submit it"),
    ("Escape (in New case)", "Close; asks first when you have typed something"),
    ("Escape or Ctrl+W (in a window of its own)", "Close the print run, records, Team audit, dashboard or approvals"),
    ("Alt + underlined letter", "Go to that field, tab or button"),
)


def readme_path() -> Path:
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
    return base / "README.md"


def first_day_text(readme: str) -> str:
    """The README's first-day section, up to its screenshots or the next section."""
    start = readme.find(FIRST_DAY)
    if start < 0:
        return "The README's first day is not available in this build."
    body = readme[start:]
    ends = [i for i in (body.find("\n## ", 3), body.find("\n| ", 3)) if i > 0]
    return body[:min(ends)].strip() if ends else body.strip()


def shortcut_rows(window: QtWidgets.QMainWindow) -> list[tuple[str, str]]:
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        title = menu_action.text().replace("&", "")
        for action in menu.actions():
            keys = [k.toString(QtGui.QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            if keys and action.text():
                rows.append((" / ".join(keys), f"{title} ▸ {action.text().replace('&', '').rstrip('…')}"))
    return rows + list(OTHER_KEYS)


class ShortcutsDialog(QtWidgets.QDialog):
    def __init__(self, window: QtWidgets.QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QtWidgets.QVBoxLayout(self)
        self.table = QtWidgets.QTableWidget(0, 2, self)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What they do"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        for keys, what in shortcut_rows(window):
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QtWidgets.QTableWidgetItem(keys))
            self.table.setItem(row, 1, QtWidgets.QTableWidgetItem(what))
        self.table.resizeColumnToContents(0)
        layout.addWidget(self.table)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 480)


class GettingStartedDialog(QtWidgets.QDialog):
    """The first day, read from the README on the output thread (it is a file)."""

    def __init__(self, ctx: object, window: QtWidgets.QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Getting started")
        layout = QtWidgets.QVBoxLayout(self)
        self.text = QtWidgets.QTextBrowser(self)
        self.text.setAccessibleName("Getting started")
        self.text.setOpenExternalLinks(False)
        self.text.setPlainText("Loading…")
        layout.addWidget(self.text)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 560)
        path = readme_path()
        ctx.worker.submit_output(  # type: ignore[attr-defined]
            lambda _task: first_day_text(path.read_text(encoding="utf-8")) if path.exists()
            else "The README's first day is not available in this build.",
            self._show, lambda exc: self.text.setPlainText(f"Could not read the guide: {exc}"), owner=self,
            label="Opening the guide")

    def _show(self, markdown: str) -> None:
        self.text.setMarkdown(markdown)
        self.loaded = True


__all__ = ["GettingStartedDialog", "ShortcutsDialog", "first_day_text", "shortcut_rows"]

