"""Finding 2: an agent's login could edit any case behind the history's back. Now every
change is recorded by the database, only the agent's own (or free) cases can change,
notes, letters and retrievals cannot be deleted, and the decision needs a lead."""

from __future__ import annotations

import pytest
from psycopg import errors

from muse_care.services import cases, history, team
from support import raw, some_cases, verify

pytestmark = pytest.mark.pg


def _history_count(c) -> int:  # noqa: ANN001
    return c.execute("SELECT count(*) FROM history").fetchone()[0]


def test_agent_raw_sql_never_changes_a_record_without_its_entry(team_url, make_login, client) -> None:
    agent = make_login("agent")
    reg = client(agent)
    ids = some_cases(reg, 2)
    cases.assign(reg, ids[0], agent)
    with raw(team_url, agent) as c:
        for sql in (
            f"UPDATE cases SET due_date = '2027-01-31', status = 'in-progress' WHERE id = {ids[0]}",
            f"UPDATE identity_checks SET result = 'waived' WHERE case_id = {ids[0]}",
            f"UPDATE notes SET text = 'rewritten' WHERE case_id = {ids[0]}",
            f"INSERT INTO clock_events (case_id, kind, on_date, reason, recorded_by, recorded_at) "
            f"VALUES ({ids[0]}, 'id-requested', '2026-11-20', '', '{agent}', now())",
        ):
            before = _history_count(c)
            assert c.execute(sql).rowcount >= 1
            entries = c.execute("SELECT actor, what FROM history WHERE id > "
                                "(SELECT max(id) FROM history) - %s ORDER BY id",
                                (_history_count(c) - before,)).fetchall()
            assert entries and all(a == agent and w.startswith("row:") for a, w in entries), sql
    # the entries explain every change, and the audit names each as made outside MUSE
    # Care (and the due date as not the law's); the window shows them
    problems = "\n".join(verify(reg).problems)
    assert f"changed outside MUSE Care by {agent}" in problems and "due_date" in problems
    assert "but its clock events give" in problems
    shown = [h.what for h in cases.get_case(reg, ids[0]).history]
    assert "cases changed (no MUSE Care entry)" in shown


def test_agent_cannot_change_a_case_that_is_not_theirs(team_url, make_login, client) -> None:
    agent, other, lead = make_login("agent"), make_login("agent"), make_login("lead")
    ids = some_cases(client(agent), 3)
    cases.assign(client(lead), ids[0], other)   # someone else's
    with raw(team_url, agent) as c:
        assert c.execute("UPDATE cases SET status = 'closed'").rowcount == 2  # free ones only
        assert c.execute(f"UPDATE cases SET assignee = '{agent}' WHERE id = {ids[0]}").rowcount == 0
        assert c.execute(f"UPDATE identity_checks SET result = 'waived' WHERE case_id = {ids[0]}").rowcount == 0
        assert c.execute(f"UPDATE notes SET text = 'x' WHERE case_id = {ids[0]}").rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege):  # nor hand a case to someone else
            c.execute(f"UPDATE cases SET assignee = 'mallory' WHERE id = {ids[1]}")
        with pytest.raises(errors.InsufficientPrivilege):
            c.execute(f"INSERT INTO notes (case_id, text, written_by, written_at) "
                      f"VALUES ({ids[0]}, 'x', '{agent}', now())")
    # a lead may
    with raw(team_url, lead) as c:
        assert c.execute(f"UPDATE cases SET assignee = '{agent}' WHERE id = {ids[0]}").rowcount == 1


def test_nobody_deletes_notes_letters_or_retrievals(team_url, make_login, client) -> None:
    agent, admin = make_login("agent"), make_login("admin")
    ids = some_cases(client(agent), 1)
    for login in (agent, admin):
        with raw(team_url, login) as c:
            with pytest.raises(errors.InsufficientPrivilege, match="cannot be deleted"):
                c.execute(f"DELETE FROM notes WHERE case_id = {ids[0]}")
    with raw(team_url, agent) as c:
        assert c.execute(f"SELECT count(*) FROM notes WHERE case_id = {ids[0]}").fetchone()[0] == 1
        # the same row trigger guards letters and retrievals
        guarded = {r[0] for r in c.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'muse_row_%'")}
        assert {"notes", "letters", "retrievals"} <= guarded


def test_agent_cannot_extend_or_refuse_by_sql(team_url, make_login, client) -> None:
    agent = make_login("agent")
    ids = some_cases(client(agent), 1)
    with raw(team_url, agent) as c:
        with pytest.raises(errors.InsufficientPrivilege, match="four eyes"):
            c.execute(f"INSERT INTO clock_events (case_id, kind, on_date, reason, recorded_by, recorded_at) "
                      f"VALUES ({ids[0]}, 'extended', '2026-11-20', 'x', '{agent}', now())")
        with pytest.raises(errors.InsufficientPrivilege, match="four eyes"):
            c.execute(f"UPDATE cases SET status = 'refused' WHERE id = {ids[0]}")
        with pytest.raises(errors.InsufficientPrivilege, match="four eyes"):
            c.execute(f"UPDATE cases SET extended = true, due_date = '2027-03-02' WHERE id = {ids[0]}")


def test_extension_by_an_agent_waits_for_a_lead(team_url, make_login, client) -> None:
    agent, lead = make_login("agent"), make_login("lead")
    a, lead_reg = client(agent), client(lead)
    case_id = some_cases(a, 1)[0]
    before = cases.get_case(a, case_id)
    view = cases.record_event(a, case_id, "extended", a.today(), "complex: 12 years of orders")
    assert view.status.value == "awaiting-approval"
    assert (view.due_date, view.extended) == (before.due_date, False)
    req = team.approval_queue(lead_reg)[0]
    assert (req.kind, req.requested_by) == ("extension", agent)
    team.decide_approval(lead_reg, req.id, "approved", "agreed")
    after = cases.get_case(a, case_id)
    assert after.extended and after.extended_to > before.due_date == after.due_date  # once told
    assert after.status.value == before.status.value
    # a refusal too, and a rejected one changes nothing
    view = cases.change_status(a, case_id, "refused", "manifestly excessive: the 9th this month")
    assert view.status.value == "awaiting-approval"
    req = team.approval_queue(lead_reg)[0]
    team.decide_approval(lead_reg, req.id, "rejected", "answer it")
    assert cases.get_case(a, case_id).status.value == before.status.value
    with a.read() as s:
        assert history.audit(s).ok


def test_sqlite_four_eyes_when_switched_on(sqlite_register) -> None:
    from muse_care.services.settings import set_setting

    case_id = some_cases(sqlite_register, 1)[0]
    set_setting(sqlite_register, "four_eyes", True)
    view = cases.change_status(sqlite_register, case_id, "refused", "manifestly unfounded")
    assert view.status.value == "awaiting-approval"
