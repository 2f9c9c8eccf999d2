"""The one place MUSE Care imports Qt from (qutebrowser's chokepoint): the rest of
``muse_care.ui`` writes ``from muse_care.ui.qt import QtCore, QtGui, QtWidgets``.
An upgrade, or a switch of binding, touches this file only.

The add-on modules (QtCharts, QtPdf, QtPdfWidgets, QtPrintSupport, QtSvg) are imported
on first use (``from muse_care.ui.qt import QtCharts``), so a window that shows no
chart or PDF does not pay for them at start. The generated forms import from here
too: ``tools/compile_forms.py`` rewrites their ``from PySide6...`` lines. The
import-linter contract "Only muse_care.ui.qt imports PySide6" in pyproject.toml fails
the build otherwise.
"""

from __future__ import annotations

import importlib
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot
from shiboken6 import isValid

_LAZY = ("QtCharts", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtSvg")

__all__ = ["QtCore", "QtGui", "QtWidgets", "Qt", "Signal", "Slot", "isValid", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"PySide6.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
