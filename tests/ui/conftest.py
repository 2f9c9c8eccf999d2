"""GUI fixtures: a window on a fresh SQLite database, offscreen, at the fixed 'now'.
Wait on the worker with ``wait_idle``/``qtbot.waitUntil``; never sleep."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest



def add_case(register, name: str = "Margaret Jones", **kw):
    from muse_care.services import cases

    values = dict(name=name, rights=["access"], channel="phone", received=date(2026, 11, 20),
                  email="margaret.jones@example.org", phone="020 7946 0958", postcode="SW1A 2AA",
                  country="GB", address_lines=["10 Downing Street"], city="London", assignee="aisha")
    values.update(kw)
    return cases.add_case(register, cases.CaseDraft(**values))


@pytest.fixture
def ctx(qtbot, sqlite_register, tmp_path: Path):
    from muse_care.services.register import Actor
    from muse_care.ui.context import AppContext
    from muse_care.ui.qt import QtCore

    settings = QtCore.QSettings(str(tmp_path / "layout.ini"), QtCore.QSettings.Format.IniFormat)
    context = AppContext(sqlite_register, Actor("aisha", "Aisha Khan"), settings=settings)
    yield context
    context.worker.shutdown()
    for box in context.open_boxes:
        try:
            box.close()
        except RuntimeError:
            pass


def wait_idle(qtbot, ctx, timeout: int = 15000) -> None:
    qtbot.waitUntil(lambda: ctx.worker.idle, timeout=timeout)


@pytest.fixture
def window(qtbot, ctx):
    from muse_care.ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1280, 860)
    win.show()
    with qtbot.waitSignal(win.model.loaded, timeout=15000):
        win.start()
    wait_idle(qtbot, ctx)
    yield win
    win.case_view._set_dirty(False)
    wait_idle(qtbot, ctx)
