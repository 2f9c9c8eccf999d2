"""The one place MUSE Care imports Qt from (qutebrowser's chokepoint): the rest of
``muse_care.ui`` writes ``from muse_care.ui.qt import QtCore, QtGui, QtWidgets``.
An upgrade, or a switch of binding, touches this file only.

The add-on modules (QtCharts, QtPdf, QtPdfWidgets, QtPrintSupport, QtSvg) are imported
on first use (``from muse_care.ui.qt import QtCharts``), so a window that shows no
chart or PDF does not pay for them at start. The generated forms import from here
too: ``tools/compile_forms.py`` rewrites their ``from PySide6...`` lines. The
import-linter contract "Only muse_care.ui.qt imports PySide6" in pyproject.toml fails
the build otherwise.

``Qt`` (the namespace of Qt's own enums) is bound on first use too: PySide6 builds every
one of its 93 enums as a Python ``enum`` the moment it is looked up, 12-25 ms of CPU,
and the window's first paint needs none of them (docs/performance.md, "Start-up"). The
modules on the start path write ``QtCore.Qt`` inside functions that run after that
paint and give item roles as the ints in :class:`Role`; ``tests/test_start_path.py``
checks that nothing builds ``Qt`` before the first queue page is on screen.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Signal, Slot
from shiboken6 import isValid


def _no_source_scan() -> None:
    """PySide6's ``__feature__`` support asks of every module imported after it whether
    it uses PySide by reading the module's whole source (``inspect.getsource``), which
    also keeps every source read in ``linecache``: at our start 330 modules, 43 ms of
    CPU (4 ms of it before the first paint) and the sources' lines held for the life of
    the window (docs/performance.md, "Start-up"). It matters only to a module that
    selects a feature (``from __feature__ import snake_case``); none of ours or of our
    libraries does, so a module counts as using PySide by its name instead. Should a
    PySide6 release move that function, this does nothing."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _uses_pyside


def _uses_pyside(module: Any) -> bool:
    return str(getattr(module, "__name__", "")).startswith(("PySide6", "shiboken6", __name__))


_no_source_scan()

_LAZY = ("QtCharts", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtSvg")

_BOUND_ON_FIRST_USE = ("Qt", *_LAZY)

__all__ = ["QtCore", "QtGui", "QtWidgets", "Role", "Signal", "Slot", "isValid", *_BOUND_ON_FIRST_USE]


class Role:
    """The item data roles the start path asks for, as the ints Qt defines them
    (``Qt.ItemDataRole``; a test compares), so that using one builds no enum."""

    DISPLAY = 0
    TOOLTIP = 3
    BACKGROUND = 8
    FOREGROUND = 9
    ACCESSIBLE_TEXT = 11
    USER = 256


def __getattr__(name: str) -> Any:
    if name == "Qt":
        globals()["Qt"] = QtCore.Qt
        return QtCore.Qt
    if name in _LAZY:
        module = importlib.import_module(f"PySide6.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
