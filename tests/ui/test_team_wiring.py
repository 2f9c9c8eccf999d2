"""The team and mailroom parts wired into the main window: the case's extra tabs, take
next case, the approval queue, the dashboard, and live updates from the shared server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.ui.conftest import add_case, wait_idle

pytestmark = pytest.mark.gui


def test_case_view_has_letters_retrieval_and_approvals_tabs(qtbot, window, ctx) -> None:
    view = add_case(ctx.register)
    window.open_case(view.id)
    wait_idle(qtbot, ctx)
    tabs = window.case_view.ui.tabs
    names = [tabs.tabText(i).replace("&", "") for i in range(tabs.count())]
    assert {"Letters", "Retrieval log", "Approvals"} <= set(names)
    letters_tab = window.case_view._extra["Letters"]
    assert letters_tab.view is not None and letters_tab.view.id == view.id


def test_take_next_case_assigns_the_oldest_due_unassigned_one(qtbot, window, ctx) -> None:
    from muse_care.services import cases

    add_case(ctx.register, "Already Mine", assignee="aisha", received=date(2026, 10, 1))
    later = add_case(ctx.register, "Later One", assignee="", received=date(2026, 11, 10))
    first = add_case(ctx.register, "First One", assignee="", received=date(2026, 11, 2))
    window.ui.action_take_next.trigger()
    qtbot.waitUntil(lambda: window.case_view.view is not None and window.case_view.view.id == first.id,
                    timeout=15000)
    assert cases.get_case(ctx.register, first.id).assignee == "aisha"
    assert cases.get_case(ctx.register, later.id).assignee == ""


def test_lead_approves_from_the_approvals_window(qtbot, window, ctx) -> None:
    from muse_care.services import team
    from muse_care.services.register import Actor, Register

    view = add_case(ctx.register, rights=["access"])
    tom = Register(ctx.register.engine, Actor("tom", "Tom Agent"), ctx.register.now)
    request = team.request_approval(tom, view.reference, "disclosure", "14 pages of order history")
    win = window.open_approvals()
    qtbot.waitUntil(lambda: win.queue.model.rowCount() == 1, timeout=15000)
    win.queue.table.selectRow(0)
    win.queue.approveRequested.emit(request.id, "enclosures checked")
    qtbot.waitUntil(lambda: team.case_approvals(ctx.register, view.id)[0].decision == "approved", timeout=15000)
    wait_idle(qtbot, ctx)
    decided = team.case_approvals(ctx.register, view.id)[0]
    assert (decided.decided_by, decided.note) == ("aisha", "enclosures checked")
    assert win.queue.model.rowCount() == 0
    win.close()


def test_asking_for_approval_from_the_case_keeps_text_on_failure(qtbot, window, ctx) -> None:
    from muse_care.services import team

    view = add_case(ctx.register, rights=["access"])
    window.open_case(view.id)
    wait_idle(qtbot, ctx)
    tab = window.case_view._extra["Approvals"]
    tab.kind.setCurrentIndex(tab.kind.findData("extension"))
    tab.reason.setPlainText("")
    tab.request()
    wait_idle(qtbot, ctx)
    assert not tab.error.isHidden() and "reason" in tab.error.text()
    tab.reason.setPlainText("Twelve years of orders across three brands")
    tab.request()
    wait_idle(qtbot, ctx)
    assert [a.kind for a in team.case_approvals(ctx.register, view.id)] == ["extension"]
    assert tab.reason.toPlainText() == ""
    assert "waiting for a team lead" in tab.list.item(0).text()


def test_dashboard_window_shows_the_register(qtbot, window, ctx) -> None:
    for i in range(5):
        add_case(ctx.register, f"Customer {i}", received=date(2026, 10, 1 + i))
    win = window.open_dashboard()
    qtbot.waitUntil(lambda: win.dashboard.data is not None, timeout=15000)
    assert win.dashboard.data.open_total == 5
    win.close()


def test_print_run_window_opens_from_the_menu(qtbot, window, ctx) -> None:
    win = window.open_print_run()
    qtbot.addWidget(win)
    wait_idle(qtbot, ctx)
    assert win.isVisible()
    win.close()


@pytest.mark.pg
def test_a_change_by_someone_else_reaches_the_open_window(qtbot, pg_url, tmp_path: Path) -> None:
    """Two clients on the real server: the other one's save shows up without polling."""
    from muse_care.services import cases
    from muse_care.services.register import Actor, Register
    from muse_care.ui.context import AppContext
    from muse_care.ui.main_window import MainWindow
    from muse_care.ui.qt import QtCore

    mine = Register.open(pg_url, Actor("aisha", "Aisha Khan", role="agent"), migrate=False)
    # a lead: an agent may not reassign a case another agent holds (the case is Aisha's)
    theirs = Register.open(pg_url, Actor("tom", "Tom Lead", role="lead"), migrate=False)
    view = add_case(theirs, "Margaret Jones")
    settings = QtCore.QSettings(str(tmp_path / "layout.ini"), QtCore.QSettings.Format.IniFormat)
    ctx = AppContext(mine, mine.actor, settings=settings)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.model.loaded, timeout=15000):
        win.start()
    try:
        qtbot.waitUntil(lambda: win.live is not None and win.live.listener.connected.is_set(), timeout=15000)
        win.open_case(view.id)
        qtbot.waitUntil(lambda: win.case_view.view is not None, timeout=15000)
        cases.assign(theirs, view.reference, "tom")
        qtbot.waitUntil(lambda: win.case_view.view.assignee == "tom", timeout=15000)
    finally:
        win.live.stop()
        ctx.worker.shutdown()
        mine.dispose()
        theirs.dispose()


@pytest.mark.pg
def test_the_window_takes_who_you_are_from_the_server(pg_url) -> None:
    from muse_care.services.register import Actor
    from muse_care.ui.app import open_register

    reg = open_register(pg_url, Actor("someone-else", "Typed In Config"))
    try:
        assert reg.actor.login == "postgres"  # the login the server saw, not the config's
        assert reg.actor.role in ("admin", "lead", "agent")
    finally:
        reg.dispose()


def test_a_sqlite_register_keeps_the_local_actor(sqlite_url) -> None:
    from muse_care.services.register import Actor
    from muse_care.ui.app import open_register

    reg = open_register(sqlite_url, Actor("aisha", "Aisha Khan"))
    try:
        assert reg.actor.login == "aisha"
    finally:
        reg.dispose()
