"""Guard against the PySide6 6.12.0 bug (docs/machine.md, "PySide6 6.11.x"): on Python 3.11 every call of a
void C++ method dropped a reference to None, and a long-running app aborted with
``Fatal Python error: none_dealloc``. If an upgrade brings it back, this fails."""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.gui


def test_void_calls_do_not_leak_references_to_none(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    calls = 200_000
    for _ in range(1000):  # warm up caches
        w.setWindowTitle("x")
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(calls):
        w.setWindowTitle("x")
        w.setEnabled(True)
    drift_none = abs(sys.getrefcount(None) - before_none)
    drift_true = abs(sys.getrefcount(True) - before_true)
    # A handful of references may move with unrelated allocations; the bug moved
    # one per call (hundreds of thousands here).
    assert drift_none < 1000, f"None's refcount moved by {drift_none} over {calls} void calls"
    assert drift_true < 1000, f"True's refcount moved by {drift_true} over {calls} calls"


def test_pyside_is_pinned_below_612() -> None:
    import PySide6

    major, minor = (int(x) for x in PySide6.__version__.split(".")[:2])
    assert (major, minor) < (6, 12), f"PySide6 {PySide6.__version__}: 6.12.0 aborts long-running apps"
