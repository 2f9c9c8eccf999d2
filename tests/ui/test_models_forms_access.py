"""Models under qtmodeltester, forms that regenerate to the same code, accessible names
on every control, the smoke test, and the PySide6 reference-count guard."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.conftest import add_case, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
ROOT = Path(__file__).resolve().parents[2]


def test_queue_model_passes_qtmodeltester(qtbot, qtmodeltester, ctx, sqlite_register) -> None:
    from muse_care.services.demo import generate
    from muse_care.ui.queue_model import QueueModel

    generate(sqlite_register, 450, seed=2)
    model = QueueModel(ctx)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.reload()
    wait_idle(qtbot, ctx)
    qtmodeltester.check(model, force_py=True)  # stays connected: checks every later signal
    wait_idle(qtbot, ctx)  # the pages the tester asked for arrive (dataChanged)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.sort(1)  # a reset
    for row in range(0, model.rowCount(), 50):
        model.index(row, 0).data()
    wait_idle(qtbot, ctx)
    assert model.row_at(model.rowCount() - 1) is not None


def test_empty_queue_model_passes_qtmodeltester(qtbot, qtmodeltester, ctx) -> None:
    from muse_care.ui.queue_model import QueueModel

    model = QueueModel(ctx)
    qtmodeltester.check(model, force_py=True)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.reload()
    assert model.rowCount() == 0


def test_regenerating_the_forms_changes_nothing(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import compile_forms
    finally:
        sys.path.pop(0)
    compile_forms.compile_all(tmp_path)
    shipped = ROOT / "muse_care" / "ui" / "forms"
    generated = sorted(p.name for p in tmp_path.glob("*.py"))
    assert generated == sorted(p.name for p in shipped.glob("*.py"))
    for name in generated:
        assert (tmp_path / name).read_text(encoding="utf-8") == (shipped / name).read_text(encoding="utf-8"), \
            f"{name} differs from what forms/ compiles to: run python tools/compile_forms.py"
    assert len(list((ROOT / "forms").glob("*.ui"))) >= 4


def test_forms_bind_only_the_qt_classes_they_use() -> None:
    """uic imports every class a form might need; PySide6 builds a class and all its
    enums the first time it is looked up (QGradient's 169 presets, QIcon's 151 theme
    icons), so a shipped form that bound them all would pay for that at every start
    (docs/performance.md, "Start-up")."""
    import ast

    for path in sorted((ROOT / "muse_care" / "ui" / "forms").glob("ui_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = {t.id for node in tree.body if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Attribute) and isinstance(node.value.value, ast.Name)
                 and node.value.value.id in {"QtCore", "QtGui", "QtWidgets"} for t in node.targets
                 if isinstance(t, ast.Name)}
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        assert bound, path.name
        assert bound <= used, f"{path.name} binds Qt classes it never uses: {sorted(bound - used)}"


def _unnamed_controls(root) -> list[str]:
    from muse_care.ui.qt import QtWidgets

    controls = (QtWidgets.QAbstractButton, QtWidgets.QLineEdit, QtWidgets.QComboBox,
                QtWidgets.QAbstractSpinBox, QtWidgets.QPlainTextEdit, QtWidgets.QTextEdit,
                QtWidgets.QAbstractItemView, QtWidgets.QTabWidget, QtWidgets.QDialogButtonBox)
    buddies = {id(label.buddy()) for label in root.findChildren(QtWidgets.QLabel) if label.buddy() is not None}
    missing = []
    for w in [root, *root.findChildren(QtWidgets.QWidget)]:
        if not isinstance(w, controls):
            continue
        parent = w.parentWidget()
        # parts Qt makes inside a composite control are named through it
        if isinstance(parent, (QtWidgets.QAbstractSpinBox, QtWidgets.QComboBox, QtWidgets.QTabBar,
                               QtWidgets.QDialogButtonBox, QtWidgets.QAbstractScrollArea,
                               QtWidgets.QCalendarWidget, QtWidgets.QToolBar, QtWidgets.QLineEdit)) or \
                (parent is not None and isinstance(parent.parentWidget(), QtWidgets.QComboBox)) or \
                w.objectName().startswith("qt_") or (parent is not None and parent.objectName().startswith("qt_")):
            continue
        if w.accessibleName() or id(w) in buddies:
            continue
        if isinstance(w, QtWidgets.QAbstractButton) and w.text().replace("&", "").strip():
            continue  # a button's text is its accessible name
        missing.append(f"{type(w).__name__} {w.objectName()!r} in {type(parent).__name__} "
                       f"{parent.objectName() if parent else ''!r}")
    return missing


def test_every_control_has_an_accessible_name(qtbot, window, ctx, sqlite_register) -> None:
    case = add_case(sqlite_register)
    window.open_case(case.id)
    qtbot.waitUntil(lambda: window.case_view.view is not None, timeout=10000)
    assert _unnamed_controls(window) == []
    intake = window.new_case()
    assert _unnamed_controls(intake) == []
    intake.reject()
    settings = window.open_settings()
    qtbot.waitUntil(settings.isEnabled, timeout=10000)
    assert _unnamed_controls(settings) == []
    settings.reject()
    from muse_care.domain.case import Status

    dialog = window.case_view.ask_status(Status.WITHDRAWN)
    assert _unnamed_controls(dialog) == []
    dialog.reject()
    wait_idle(qtbot, ctx)


def test_intake_tab_order_follows_the_call(qtbot, window) -> None:
    dialog = window.new_case()
    ui = dialog.ui
    order = []
    w = ui.name_edit
    for _ in range(12):
        order.append(w.objectName())
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & w.focusPolicy().TabFocus) or w.objectName().startswith("qt_") \
                or w.objectName() in ("", "scroll", "fields"):
            w = w.nextInFocusChain()
    assert order[:8] == ["name_edit", "country_edit", "phone_edit", "email_edit", "duplicate_label",
                         "postcode_edit", "address_edit", "city_edit"][:8] or \
        order[:4] == ["name_edit", "country_edit", "phone_edit", "email_edit"]
    dialog.reject()


def test_smoke_test_starts_the_real_window_and_exits_0(tmp_path: Path) -> None:
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "MUSE_CARE_CONFIG_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "muse_care", "--smoke-test"], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "smoke test" in done.stdout and "ok" in done.stdout


def test_no_display_says_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["MUSE_CARE_CONFIG_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "muse_care", "--db", str(tmp_path / "x.sqlite3")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no display" in done.stderr and "--smoke-test" in done.stderr
