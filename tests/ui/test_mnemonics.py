"""Mnemonics (issue 11): no two controls that can be reached at once (one tab of the
case pane with the window around it, or one dialog) share an Alt key; Enter in a
single-field form submits it."""

from __future__ import annotations

import re

import pytest

from tests.ui.conftest import add_case, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def _key(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _controls(root, skip=()) -> list[tuple[str, str]]:
    """(Alt key, text) of every control under ``root`` with a mnemonic, outside ``skip``."""
    from muse_care.ui.qt import QtWidgets

    out = []
    for w in [root, *root.findChildren(QtWidgets.QWidget)]:
        if any(s is w or s.isAncestorOf(w) for s in skip):
            continue
        texts = []
        if isinstance(w, QtWidgets.QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QtWidgets.QLabel) and w.buddy() is not None:
            texts.append(w.text())
        elif isinstance(w, QtWidgets.QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QtWidgets.QTabWidget):
            texts += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QtWidgets.QMenuBar):
            texts += [a.text() for a in w.actions()]
        for t in texts:
            k = _key(t)
            if k:
                out.append((k, t))
    return out


def _clashes(controls: list[tuple[str, str]]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for k, t in controls:
        seen.setdefault(k, []).append(t)
    return {k: v for k, v in seen.items() if len(v) > 1}


def test_no_two_controls_share_an_alt_key(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.ui.qt import QtWidgets

    case = add_case(sqlite_register)
    window.open_case(case.id)
    qtbot.waitUntil(lambda: window.case_view.view is not None, timeout=10000)
    wait_idle(qtbot, ctx)
    tabs = window.case_view.ui.tabs
    pages = [tabs.widget(i) for i in range(tabs.count())]
    around = _controls(window, skip=pages)
    problems = {}
    for i, page in enumerate(pages):
        clash = _clashes(around + _controls(page))
        if clash:
            problems[tabs.tabText(i)] = clash
    dialogs = {"intake": window.new_case(), "settings": window.open_settings()}
    wait_idle(qtbot, ctx)
    status = window.case_view.ask_status(next(iter(__import__("muse_care.domain.case", fromlist=["x"]).TRANSITIONS[case.status])))
    dialogs["status"] = status
    for name, dialog in dialogs.items():
        tab_widgets = dialog.findChildren(QtWidgets.QTabWidget)
        dialog_pages = [t.widget(i) for t in tab_widgets for i in range(t.count())]
        outside = _controls(dialog, skip=dialog_pages)
        for scope, page in [(name, None)] + [(f"{name}: {p.objectName() or i}", p) for i, p in enumerate(dialog_pages)]:
            clash = _clashes(outside + (_controls(page) if page is not None else []))
            if clash:
                problems[scope] = clash
        dialog.close() if not hasattr(dialog, "discard_box") else QtWidgets.QDialog.reject(dialog)
    assert problems == {}


def test_enter_in_a_one_field_form_submits_it(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.services import cases
    from muse_care.ui.qt import Qt

    case = add_case(sqlite_register)
    window.open_case(case.id)
    qtbot.waitUntil(lambda: window.case_view.view is not None, timeout=10000)
    wait_idle(qtbot, ctx)
    cv = window.case_view
    cv.ui.assignee_edit.setText("giulia")
    qtbot.keyClick(cv.ui.assignee_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cv.view.assignee == "giulia", timeout=10000)
    wait_idle(qtbot, ctx)
    assert cases.get_case(sqlite_register, case.id).assignee == "giulia"
