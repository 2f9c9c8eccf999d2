"""Keys a window of its own closes on: Escape and the platform's Close (Ctrl+W, Ctrl+F4
on Windows, Cmd+W on macOS), as the print run and the records window do. A popup open in
the window (a combo box's list) takes Escape first, as everywhere in Qt."""

from __future__ import annotations

from muse_care.ui.qt import QtCore, QtGui, QtWidgets


def close_on_keys(window: QtWidgets.QWidget) -> None:
    for keys in (QtGui.QKeySequence(QtCore.Qt.Key.Key_Escape), QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Close)):
        shortcut = QtGui.QShortcut(keys, window)
        shortcut.setContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(window.close)
