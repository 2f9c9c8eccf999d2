"""Real windows on the real server, as a team works them: approvals arriving and resolving
live, the conflict dialog, bulk actions, the assignee picker and the lead's windows."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from muse_care.services import cases, team
from muse_care.services.register import Register
from team_support import add_cases

pytestmark = [pytest.mark.pg, pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def open_window(qtbot, tmp_path):  # noqa: ANN001, ANN201
    from muse_care.ui.context import AppContext
    from muse_care.ui.main_window import MainWindow
    from muse_care.ui.qt import QtCore

    windows = []

    def make(reg: Register):  # noqa: ANN202
        settings = QtCore.QSettings(str(tmp_path / f"{reg.actor.login}.ini"), QtCore.QSettings.Format.IniFormat)
        ctx = AppContext(reg, reg.actor, settings=settings)
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        win.resize(1300, 800)
        win.show()
        win.start()
        windows.append(win)
        qtbot.waitUntil(lambda: win.live is not None and win.live.listener.connected.is_set(), timeout=10000)
        qtbot.waitUntil(lambda: ctx.worker.idle, timeout=10000)
        return win

    yield make
    for win in windows:
        win.case_view._set_dirty(False)
        if win.live is not None:
            win.live.stop()
        win.ctx.worker.shutdown()
        win.close()


def test_approvals_appear_and_resolve_live(make_login, client, open_window, qtbot) -> None:
    agent, lead = make_login("agent", "Aisha Khan"), make_login("lead", "Sam Okoro")
    reg_a, reg_l = client(agent), client(lead)
    case_id = add_cases(reg_a, 1)[0]
    aisha, sam = open_window(reg_a), open_window(reg_l)
    assert "Aisha Khan" in aisha.server_label.text()
    approvals = sam.open_approvals()
    qtbot.waitUntil(lambda: sam.ctx.worker.idle, timeout=5000)
    assert approvals.queue.model.rowCount() == 0
    aisha.open_case(case_id)
    tab = aisha.case_view._extra["Approvals"]
    qtbot.waitUntil(lambda: tab.list.count() == 1, timeout=5000)  # "No approval requested"
    tab.reason.setPlainText("Twelve years of orders")
    tab.request_button.click()
    # the lead's queue fills by itself (no Refresh): LISTEN/NOTIFY
    qtbot.waitUntil(lambda: approvals.queue.model.rowCount() == 1, timeout=3000)
    item = approvals.queue.model.items[0]
    approvals.queue.approveRequested.emit(item.id, "Agreed")
    # and the agent's tab shows the decision by itself
    qtbot.waitUntil(lambda: "approved by" in tab.list.item(0).text(), timeout=3000)
    qtbot.waitUntil(lambda: approvals.queue.model.rowCount() == 0, timeout=3000)


def test_conflict_dialog_merges_fields_and_asks_about_the_same_field(
        make_login, client, open_window, qtbot) -> None:
    tom, aisha = make_login("agent", "Tom Reid"), make_login("agent", "Aisha Khan")
    reg_t, reg_a = client(tom), client(aisha)
    from team_support import draft

    case_id = cases.add_case(reg_t, draft(country="GB", city="Leeds", postcode="LS1 4DY",
                                          address_lines=["1 Park Row"], phone="+44 20 7946 0000")).id
    win = open_window(reg_t)
    cv = win.case_view
    win.open_case(case_id)
    qtbot.waitUntil(lambda: cv.view is not None and cv.view.id == case_id, timeout=5000)
    cv.ui.rq_city_edit.setText("York")
    cv.ui.rq_city_edit.textEdited.emit("York")
    seen = cases.get_case(reg_a, case_id)
    cases.update_requester(reg_a, case_id, replace(seen.requester, phone="+44 20 7946 0999"),
                           seen.version, base=seen.requester)
    cv.save_requester()
    qtbot.waitUntil(lambda: not cv.dirty, timeout=5000)
    now = cases.get_case(reg_a, case_id).requester
    assert (now.city, now.phone) == ("York", "+442079460999")
    assert not cv.ui.conflict_frame.isVisible()
    # the same field: asked, with both values
    cv.ui.rq_city_edit.setText("Harrogate")
    cv.ui.rq_city_edit.textEdited.emit("Harrogate")
    seen = cases.get_case(reg_a, case_id)
    cases.update_requester(reg_a, case_id, replace(seen.requester, city="Ripon"), seen.version,
                           base=seen.requester)
    cv.save_requester()
    qtbot.waitUntil(lambda: cv.ui.conflict_frame.isVisible(), timeout=5000)
    text = cv.ui.conflict_label.text()
    assert "City" in text and "Harrogate" in text and "Ripon" in text and aisha in text
    assert cv.ui.keep_mine_button.text() == "&Keep mine"
    cv.keep_mine()
    qtbot.waitUntil(lambda: not cv.dirty, timeout=5000)
    assert cases.get_case(reg_a, case_id).requester.city == "Harrogate"


def test_bulk_actions_picker_and_the_leads_windows(make_login, client, open_window, qtbot,
                                                   tmp_path: Path) -> None:
    from muse_care.ui.qt import QtCore

    agent, lead = make_login("agent", "Aisha Khan"), make_login("lead", "Sam Okoro")
    reg_a, reg_l = client(agent), client(lead)
    ids = add_cases(reg_l, 3)
    sam = open_window(reg_l)
    qtbot.waitUntil(lambda: sam.model.rowCount() == 3, timeout=5000)
    # multi-select two rows and assign them to Aisha from the right-click menu
    table = sam.ui.queue_table
    sel = table.selectionModel()
    flags = QtCore.QItemSelectionModel.SelectionFlag.Select | QtCore.QItemSelectionModel.SelectionFlag.Rows
    sel.select(sam.model.index(0, 0), flags)
    sel.select(sam.model.index(1, 0), flags)
    qtbot.waitUntil(lambda: bool(sam.bulk_actions.members), timeout=5000)
    menu = sam.bulk_actions.build_menu()
    assign = next(a for a in menu.actions() if a.text().startswith("&Assign 2 cases"))
    target = next(a for a in assign.menu().actions() if a.data() == agent)
    target.trigger()
    qtbot.waitUntil(lambda: sum(cases.get_case(reg_l, i).assignee == agent for i in ids) == 2, timeout=5000)
    # the agent filter shows Aisha's queue
    qtbot.waitUntil(lambda: sam.team_tools.agent_filter.findData(agent) >= 0, timeout=5000)
    sam.team_tools.agent_filter.choose(agent)
    qtbot.waitUntil(lambda: sam.model.rowCount() == 2, timeout=5000)
    # release them again, one history entry each
    sel.select(sam.model.index(0, 0), flags)
    sel.select(sam.model.index(1, 0), flags)
    release = next(a for a in sam.bulk_actions.build_menu().actions() if a.text().startswith("&Release"))
    release.trigger()
    qtbot.waitUntil(lambda: all(cases.get_case(reg_l, i).assignee == "" for i in ids), timeout=5000)
    # the picker: members only
    sam.team_tools.agent_filter.choose(None)
    sam.open_case(ids[2])
    qtbot.waitUntil(lambda: sam.case_view.view is not None, timeout=5000)
    picker = sam.case_view.member_picker
    qtbot.waitUntil(lambda: picker.findData(agent) >= 0, timeout=5000)
    assert sam.case_view.ui.assignee_edit.isHidden() and not picker.isHidden()
    picker.set_login(agent)
    sam.case_view.ui.assign_button.click()
    qtbot.waitUntil(lambda: cases.get_case(reg_l, ids[2]).assignee == agent, timeout=5000)
    # team members and the audit window
    members = sam.team_tools.open_members()
    qtbot.waitUntil(lambda: members.table.rowCount() >= 2, timeout=5000)
    logins = {members.table.item(r, 0).text() for r in range(members.table.rowCount())}
    assert {agent, lead} <= logins
    audit = sam.team_tools.open_audit()
    qtbot.waitUntil(lambda: audit.table.rowCount() > 0, timeout=5000)
    assert audit.verify.text().startswith("✔ history intact")
    audit.person.setCurrentIndex(audit.person.findData(lead))
    audit.kind.setCurrentIndex(audit.kind.findData("assignee"))
    audit.reload()
    qtbot.waitUntil(lambda: audit.status.text().startswith("5 changes"), timeout=5000)
    audit.export_path = str(tmp_path / "audit.csv")
    audit.export()
    qtbot.waitUntil(lambda: (tmp_path / "audit.csv").exists(), timeout=5000)
    with (tmp_path / "audit.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 1 + 5 + 1 and all(r[2] == lead for r in rows[1:-1])
    # an agent's window: no lead tools; warnings only for their own cases
    aisha = open_window(reg_a)
    assert not aisha.team_tools.action_audit.isEnabled()
    assert team.team_members(reg_a)


def test_a_save_during_an_outage_goes_in_by_itself_when_the_server_is_back(
        team_url, make_login, open_window, qtbot) -> None:
    from sqlalchemy.engine import make_url

    from muse_care.services.register import Actor
    from team_support import TcpProxy, draft, fixed_now

    agent = make_login("agent", "Aisha Khan")
    u = make_url(team_url)
    proxy = TcpProxy(u.host or "127.0.0.1", u.port or 5432)
    proxy.start()
    via = u.set(username=agent, port=proxy.port).render_as_string(hide_password=False)
    reg = Register.open(via, Actor(agent, agent, "agent"), migrate=False, now=fixed_now)
    reg = Register(reg.engine, team.actor_from_database(reg), fixed_now)
    try:
        case_id = cases.add_case(reg, draft(country="GB", city="Leeds")).id
        win = open_window(reg)
        cv = win.case_view
        win.open_case(case_id)
        qtbot.waitUntil(lambda: cv.view is not None and cv.view.id == case_id, timeout=5000)
        proxy.stop()  # the server goes away
        cv.ui.rq_city_edit.setText("York")
        cv.ui.rq_city_edit.textEdited.emit("York")
        cv.save_requester()
        qtbot.waitUntil(lambda: cv.save_pending, timeout=20000)
        assert "saved by itself" in cv.ui.requester_general_error.text()
        assert cv.dirty and cv.ui.rq_city_edit.text() == "York"  # nothing typed is lost
        qtbot.waitUntil(lambda: not win.live.monitor.is_up, timeout=20000)
        proxy.start()  # back
        qtbot.waitUntil(lambda: not cv.dirty, timeout=30000)
        assert not cv.save_pending
    finally:
        proxy.stop()
        win.live.stop() if win.live is not None else None
    direct = Register.open(team_url, Actor("postgres", "Admin", "admin"), migrate=False, now=fixed_now)
    try:
        assert cases.get_case(direct, case_id).requester.city == "York"
    finally:
        direct.dispose()
        reg.dispose()
