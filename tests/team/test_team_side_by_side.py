"""Two agents on one server: saving the same case, taking the next case, and seeing each
other's changes through LISTEN/NOTIFY."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from muse_care.domain.case_views import Requester
from muse_care.domain.errors import StaleRecord
from muse_care.services import cases, team
from muse_care.services.team_live import ChangeListener
from team_support import add_cases

pytestmark = pytest.mark.pg


def test_two_agents_save_the_same_case_one_is_told_who_and_when(make_login, client) -> None:
    a, b = make_login("agent", "Aisha Khan"), make_login("agent", "Tom Reid")
    reg_a, reg_b = client(a), client(b)
    case_id = add_cases(reg_a, 1)[0]
    seen_a, seen_b = cases.get_case(reg_a, case_id), cases.get_case(reg_b, case_id)
    assert seen_a.version == seen_b.version
    barrier = threading.Barrier(2)

    def save(reg, seen, name):  # noqa: ANN001, ANN202
        barrier.wait(5)
        edited = Requester(**{**seen.requester.__dict__, "name": name})
        return cases.update_requester(reg, case_id, edited, expected_version=seen.version)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(save, reg_a, seen_a, "Ann Lee-Smith"),
                   pool.submit(save, reg_b, seen_b, "Anne Lee")]
        outcomes = []
        for f in futures:
            try:
                outcomes.append(f.result(30))
            except StaleRecord as exc:
                outcomes.append(exc)
    stale = [o for o in outcomes if isinstance(o, StaleRecord)]
    saved = [o for o in outcomes if not isinstance(o, StaleRecord)]
    assert len(stale) == 1 and len(saved) == 1
    winner = saved[0].updated_by
    assert stale[0].changed_by == winner and winner in (a, b)
    assert stale[0].changed_at is not None and winner in str(stale[0])
    assert cases.get_case(reg_a, case_id).version > seen_a.version


def test_take_next_never_hands_the_same_case_to_two_agents(make_login, client, admin_register) -> None:
    ids = add_cases(admin_register, 12)
    cases.assign(admin_register, ids[0], "someone")  # already assigned: never handed out
    agents = [make_login("agent") for _ in range(3)]
    regs = [client(x) for x in agents]
    barrier = threading.Barrier(len(regs))

    def take_all(reg):  # noqa: ANN001, ANN202
        barrier.wait(5)
        got = []
        while (view := team.take_next_case(reg)) is not None:
            assert view.assignee == reg.actor.login
            # the view shown has the take's own word entry, in the agent's name
            assert [(h.actor, h.new) for h in view.history if h.what == "assignee"] == \
                [(reg.actor.login, f"{reg.actor.login} (took next case)")]
            got.append(view.id)
        return got

    with ThreadPoolExecutor(len(regs)) as pool:
        results = [f.result(60) for f in [pool.submit(take_all, r) for r in regs]]
    taken = [i for r in results for i in r]
    assert len(taken) == len(set(taken)) == 11
    assert set(taken) == set(ids[1:])
    for reg, got in zip(regs, results):
        for cid in got:
            assert cases.get_case(reg, cid).assignee == reg.actor.login
    # every take wrote one entry, its own transaction's only one, on the one chain, in
    # the agent's name: the row entry carrying the word (migration 0024; docs/security.md,
    # "History the database writes")
    from muse_care.services.history import audit

    with admin_register.read() as s:
        assert audit(s).ok
        rows = s.execute(text("SELECT h.case_id, h.actor, h.tbl, h.what, h.new_value, "
                              "(SELECT count(*) FROM history o WHERE o.txn = h.txn) AS in_txn FROM history h "
                              "WHERE h.case_id = ANY(:ids) AND (h.what = 'assignee' OR h.what LIKE 'row:cases:%') "
                              "AND h.id > (SELECT max(id) FROM history WHERE case_id = :first) ORDER BY h.id"),
                         {"ids": taken, "first": ids[0]}).all()
    login_of = {cid: reg.actor.login for reg, got in zip(regs, results) for cid in got}
    assert sorted(r.case_id for r in rows) == sorted(taken)
    for r in rows:
        who = login_of[r.case_id]
        assert (r.tbl, r.what, r.actor, r.new_value, r.in_txn) == (
            "cases", "row:cases:take", who, f"{who} (took next case)", 1)


def test_take_next_gives_the_oldest_due_first(sqlite_register) -> None:
    new = cases.add_case(sqlite_register, _draft(received="2026-11-20"))
    old = cases.add_case(sqlite_register, _draft(received="2026-10-02"))
    first = team.take_next_case(sqlite_register)
    assert first is not None and first.id == old.id and first.assignee == "aisha"
    second = team.take_next_case(sqlite_register)
    assert second is not None and second.id == new.id
    assert team.take_next_case(sqlite_register) is None
    assert any(h.what == "assignee" for h in cases.get_case(sqlite_register, old.id).history)


def test_the_cli_take_next_says_when_there_is_nothing_to_take(sqlite_register, sqlite_url, capsys) -> None:
    """Found using it: with no free case, ``team take-next --json`` printed the words "no
    unassigned open case" where JSON was promised, and exited 0 as if it had taken one.
    Now a script can tell: JSON null, the reason on stderr, exit 1 (README, "Exit status")."""
    import json

    from muse_care.cli.main import main as cli_main

    free = cases.add_case(sqlite_register, _draft(received="2026-11-20"))
    assert cli_main(["--db", sqlite_url, "--as-user", "aisha", "team", "take-next", "--json"]) == 0
    taken = json.loads(capsys.readouterr().out)
    assert taken["reference"] == free.reference and taken["assignee"] == "aisha"
    for extra in (["--json"], []):
        assert cli_main(["--db", sqlite_url, "--as-user", "aisha", "team", "take-next", *extra]) == 1
        out = capsys.readouterr()
        assert (json.loads(out.out) if extra else out.out) == (None if extra else "")
        assert "no unassigned open case to take" in out.err


def _draft(received: str):  # noqa: ANN202
    from datetime import date

    from team_support import draft

    return draft(received=date.fromisoformat(received))


def test_a_change_reaches_another_clients_listener(make_login, client) -> None:
    a, b = make_login("agent"), make_login("agent")
    reg_a, reg_b = client(a), client(b)
    case_id = add_cases(reg_a, 1)[0]
    got: queue.Queue = queue.Queue()
    approvals_seen: queue.Queue = queue.Queue()
    listener = ChangeListener.for_register(reg_b, lambda cid, ver: got.put((cid, ver)),
                                           on_approval=lambda aid, cid: approvals_seen.put((aid, cid)))
    listener.start()
    try:
        assert listener.connected.wait(10)
        view = cases.assign(reg_a, case_id, a)  # takes it (only a lead hands cases to others)
        assert got.get(timeout=5) == (case_id, view.version)
        req = team.request_approval(reg_a, case_id, "extension", "complex")
        assert approvals_seen.get(timeout=5) == (req.id, case_id)
    finally:
        listener.stop()


def test_take_next_reads_the_oldest_due_free_case_off_its_index(admin_register) -> None:
    """The candidate is the first entry of the free cases' own index (no sort of every
    free case, and no walk past the open cases already taken, which sit in front of it
    in every other index on due date): take-next stays fast at a million cases however
    many cases the team has taken (docs/performance.md, "Team take-next")."""
    import json
    from datetime import datetime, timezone

    from muse_care.store import history_sql
    from muse_care.store.models import CaseRecord

    ids = add_cases(admin_register, 28)  # one received each day, 1 to 28 October
    cols = [c.name for c in CaseRecord.__table__.c if c.name not in ("id", "is_open")]
    copied = ", ".join(f"{c} || '-' || g" if c == "reference" else
                       f"{c} + (g %% 60)" if c in ("due_date", "received_date") else c for c in cols)
    with admin_register.engine.begin() as conn:  # 6,000 more like them (a superuser's bulk load)
        history_sql.set_bulk(conn, True)
        conn.exec_driver_sql(f"INSERT INTO cases ({', '.join(cols)}) SELECT {copied} "
                             "FROM cases, generate_series(1, 215) g")
        conn.exec_driver_sql("UPDATE cases SET assignee = '' WHERE is_open")
    with admin_register.engine.begin() as conn:  # the planner's statistics, every open case free
        conn.exec_driver_sql("ANALYZE cases")
    with admin_register.engine.begin() as conn:  # then the team takes the 600 oldest-due (fewer
        history_sql.set_bulk(conn, True)  # than make autovacuum analyze the table again)
        conn.exec_driver_sql("UPDATE cases SET assignee = 'someone' WHERE id IN "
                             "(SELECT id FROM cases WHERE is_open ORDER BY due_date, id LIMIT 600)")
    stmt = team.take_next_statement()
    sql = str(stmt.compile(admin_register.engine))
    params = {**stmt.compile(admin_register.engine).params, "login": "postgres",
              "now": datetime(2026, 11, 2, tzinfo=timezone.utc)}
    with admin_register.engine.connect() as conn:  # run and rolled back: the plan as it ran
        conn.exec_driver_sql("SET enable_seqscan = off")  # as the planner does at a million rows
        raw = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).scalar_one()
        conn.rollback()
    plan = raw if isinstance(raw, list) else json.loads(raw)

    def nodes(node):  # noqa: ANN001, ANN202
        yield node
        for child in node.get("Plans", ()):
            yield from nodes(child)

    found = [n for n in nodes(plan[0]["Plan"]) if n.get("Alias") == "free_case"]
    assert len(found) == 1, plan
    scan = found[0]
    assert scan["Actual Rows"] == 1 and scan.get("Rows Removed by Filter", 0) == 0, scan
    assert not any(n["Node Type"] == "Sort" for n in nodes(plan[0]["Plan"])), plan
    assert "SKIP LOCKED" in sql.upper()
    assert len(ids) == 28


def test_the_case_take_next_hands_out_is_the_case_as_opened(make_login, client, admin_register) -> None:
    """Take-next reads the case it hands out in one statement (``to_view_in_one_read``):
    the same view as opening the case, with its checks, clock events, notes and history,
    a change made outside MUSE Care included."""
    from datetime import date

    case_id = add_cases(admin_register, 1, received=date(2026, 11, 20))[0]
    view = cases.get_case(admin_register, case_id)
    cases.record_check(admin_register, case_id, view.checks[0].step, "passed")
    cases.record_event(admin_register, case_id, "clarification-requested", date(2026, 11, 24), "which account?")
    cases.add_note(admin_register, case_id, "called back: ünïcode, 'quotes' and \\\\ too")
    with admin_register.engine.begin() as conn:  # outside MUSE Care: a row entry, no word entry
        conn.exec_driver_sql("UPDATE cases SET city = 'Leeds' WHERE id = %(i)s", {"i": case_id})
    agent = client(make_login("agent"))
    taken = team.take_next_case(agent)
    assert taken is not None and taken.id == case_id
    assert taken.events and taken.checks and taken.notes
    assert any(h.what == "cases changed (no MUSE Care entry)" for h in taken.history)
    assert taken.history[-1].what == "assignee"
    assert taken == cases.get_case(agent, case_id)
