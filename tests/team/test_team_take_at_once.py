"""Eight agents taking the next case at the same moment, on eight real connections, and
the history's append functions that hash before they take the chain's lock (migration
0023): distinct cases, one chain that verifies, each take recorded as before, and the
functions' owner and grants as ``team init`` left them."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text

from muse_care.services import team
from muse_care.services.history import audit
from muse_care.store import db
from team_support import add_cases, url_for

pytestmark = pytest.mark.pg

AGENTS = 8


def _dsn(url: str, login: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url_for(url, login) if login else url)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def _take_at_once(regs: list, each: int) -> list[list[int]]:  # noqa: ANN001
    """Each register takes ``each`` cases, all at once: every take must get one (never
    "no case" while free cases are left)."""
    barrier = threading.Barrier(len(regs))

    def take_all(reg):  # noqa: ANN001, ANN202
        barrier.wait(10)
        got = []
        for _ in range(each):
            view = team.take_next_case(reg)
            assert view is not None and view.assignee == reg.actor.login
            got.append(view.id)
        return got

    with ThreadPoolExecutor(len(regs)) as pool:
        return [f.result(120) for f in [pool.submit(take_all, r) for r in regs]]


def test_eight_agents_at_once_get_distinct_cases_on_one_chain_recorded_as_before(
        make_login, client, admin_register, team_url) -> None:
    ids = add_cases(admin_register, 10 * AGENTS)
    logins = [make_login("agent") for _ in range(AGENTS)]
    regs = [client(x) for x in logins]
    results = _take_at_once(regs, 10)
    assert all(team.take_next_case(r) is None for r in regs)  # none left
    taken = [i for r in results for i in r]
    assert len(taken) == len(set(taken)) == len(ids)  # never one case to two agents
    assert set(taken) == set(ids)
    login_of = {cid: reg.actor.login for reg, got in zip(regs, results) for cid in got}
    with admin_register.read() as s:
        report = audit(s)
        assert report.ok, report.problems
        rows = s.execute(text(
            "SELECT case_id, actor, what, old_value, new_value, tbl, txn, at FROM history "
            "WHERE case_id = ANY(:ids) AND (what = 'assignee' OR what LIKE 'row:cases:%') "
            "AND txn IN (SELECT txn FROM history WHERE what = 'row:cases:take') ORDER BY id"),
            {"ids": taken}).all()
        server_now = s.execute(text("SELECT now()")).scalar_one()
    by_txn: dict[str, list] = {}
    for row in rows:
        by_txn.setdefault(row.txn, []).append(row)
    assert len(by_txn) == len(taken)  # each take its own transaction
    for entries in by_txn.values():
        case_id = entries[0].case_id
        who = login_of[case_id]
        # who took which case, when: one entry, the database's row entry of the change
        # carrying the word, in the agent's name at the server's time (migration 0024)
        assert [(e.tbl, e.what, e.old_value, e.new_value) for e in entries] == [
            ("cases", "row:cases:take", "", f"{who} {team.TAKE_NOTE}")]
        assert entries[0].actor == who
        assert abs((server_now - entries[0].at).total_seconds()) < 600
    # what an agent's login may not do, it still may not: write the history itself, run
    # the row entries' function, write a word entry in another's name, move the seal
    with psycopg.connect(_dsn(team_url, logins[0]), autocommit=True) as c:
        case_id = results[0][0] if results[0] else taken[0]
        for sql in ("INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash) "
                    "VALUES (%s, now(), 'x', 'note', '', '', '', '')",
                    "SELECT muse_history_append(%s, 'cases', 1, 'update', '{}')",
                    "UPDATE history_seal SET entries = entries WHERE %s > 0"):
            with pytest.raises(errors.InsufficientPrivilege):
                c.execute(sql, (case_id,))
        c.execute("SELECT muse_history_word(%s, 'note', '', 'called back', %s, now() - interval '9 days')",
                  (case_id, logins[1]))
        assert c.execute("SELECT actor, at > now() - interval '1 day' FROM history ORDER BY id DESC LIMIT 1"
                         ).fetchone() == (logins[0], True)
    with admin_register.read() as s:
        assert audit(s).ok


def _definition(url: str, name: str) -> tuple[str, str]:
    with psycopg.connect(_dsn(url)) as c:
        return c.execute("SELECT pg_get_functiondef(p.oid), pg_get_userbyid(p.proowner) FROM pg_proc p "
                         "WHERE p.proname = %s", (name,)).fetchone()


def _hashes_before_the_lock(definition: str) -> bool:
    body = definition[definition.index("BEGIN"):]
    return "muse_digest(" not in body and body.index("v_rest :=") < body.index("pg_advisory_xact_lock")


def test_migration_0023_hashes_before_the_lock_and_both_ways_keep_one_chain(
        make_login, client, admin_register, team_url) -> None:
    from alembic import command

    agent = make_login("agent")
    ids = add_cases(admin_register, 6)
    reg = client(agent)
    for name in ("muse_history_word", "muse_history_append"):
        definition, owner = _definition(team_url, name)
        assert _hashes_before_the_lock(definition) and owner == "muse_owner", name
    assert team.take_next_case(reg) is not None
    with admin_register.engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0022")
    for name in ("muse_history_word", "muse_history_append"):
        definition, owner = _definition(team_url, name)
        assert not _hashes_before_the_lock(definition) and owner == "muse_owner", name
    # the agent still writes through them: a note and its word entry, as MUSE Care writes
    # them (today's case service reads clock_events columns 0022 has not: migration 0026)
    from muse_care.services.history import HistoryWriter

    with reg.unit_of_work() as s:
        s.execute(text("INSERT INTO notes (case_id, text, written_by, written_at) VALUES (:c, :t, :a, now())"),
                  {"c": ids[-1], "t": "written through the old functions", "a": agent})
        HistoryWriter(s, agent, reg.now()).add(ids[-1], "note", "", "written through the old functions")
    with admin_register.engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), "head")
    assert db.current_revision(admin_register.engine) == db.head_revision()
    for name in ("muse_history_word", "muse_history_append"):
        definition, owner = _definition(team_url, name)
        assert _hashes_before_the_lock(definition) and owner == "muse_owner", name
    assert team.take_next_case(reg) is not None
    # entries of the old functions and of the new ones, interleaved, on one chain
    with admin_register.read() as s:
        report = audit(s)
        assert report.ok, report.problems
        assert s.execute(text("SELECT count(*) FROM history WHERE what = 'row:cases:take' AND actor = :a"),
                         {"a": agent}).scalar_one() == 2
        assert s.execute(text("SELECT count(*) FROM history WHERE what = 'note' AND actor = :a"),
                         {"a": agent}).scalar_one() == 1
    assert len(ids) == 6
