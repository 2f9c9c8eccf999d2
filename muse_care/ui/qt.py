"""The one place MUSE Care imports Qt from (qutebrowser's chokepoint): the rest of
``muse_care.ui`` writes ``from muse_care.ui.qt import QtCore, QtGui, QtWidgets``.
An upgrade, or a switch of binding, touches this file only."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot

__all__ = ["QtCore", "QtGui", "QtWidgets", "Qt", "Signal", "Slot"]
