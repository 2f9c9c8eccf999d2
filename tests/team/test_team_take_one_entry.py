"""A take-next is one history entry (migration 0024): the row entry of its UPDATE carries
the word. With real login roles: eight agents at once leave one entry a take, the case's
history and the lead's audit log show it in words, ``audit verify`` passes, and what an
agent could do to pass another change off as a take is caught: the trigger writes a
plain row entry for anything but a take, and the audit names a take entry that is not
one. Agents still cannot write the history or run the row-entry function. Downgrade and
upgrade keep one chain."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text

from muse_care.services import team
from muse_care.services.history import audit
from muse_care.services.team_reports import AuditFilter, audit_entries
from muse_care.store import db
from muse_care.store.history_sql import TAKE_WHAT
from team_support import add_cases, url_for

pytestmark = pytest.mark.pg

AGENTS = 8


def _dsn(url: str, login: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url_for(url, login) if login else url)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def _entries_of(admin_register, case_id: int) -> list:  # noqa: ANN001
    with admin_register.read() as s:
        return s.execute(text("SELECT id, what, tbl, actor, old_value, new_value, txn FROM history "
                              "WHERE case_id = :c ORDER BY id"), {"c": case_id}).all()


def test_eight_agents_at_once_each_take_is_one_entry_shown_in_words(
        make_login, client, admin_register, team_url) -> None:
    ids = add_cases(admin_register, 3 * AGENTS)
    logins = [make_login("agent") for _ in range(AGENTS)]
    regs = [client(x) for x in logins]
    lead = client(make_login("lead"))
    before = {cid: len(_entries_of(admin_register, cid)) for cid in ids}
    barrier = threading.Barrier(AGENTS)

    def take_all(reg):  # noqa: ANN001, ANN202
        barrier.wait(10)
        got = []
        for _ in range(3):
            view = team.take_next_case(reg)
            assert view is not None and view.assignee == reg.actor.login
            # the window shows the take in words, in the agent's name
            assert [(h.what, h.actor, h.old, h.new) for h in view.history if h.what == "assignee"] == [
                ("assignee", reg.actor.login, "", f"{reg.actor.login} {team.TAKE_NOTE}")]
            got.append(view.id)
        return got

    with ThreadPoolExecutor(AGENTS) as pool:
        results = [f.result(120) for f in [pool.submit(take_all, r) for r in regs]]
    taken = [i for r in results for i in r]
    assert sorted(taken) == sorted(ids)
    login_of = {cid: reg.actor.login for reg, got in zip(regs, results) for cid in got}
    for cid in ids:
        entries = _entries_of(admin_register, cid)
        assert len(entries) == before[cid] + 1  # one entry a take
        last = entries[-1]
        assert (last.what, last.tbl, last.actor, last.old_value, last.new_value) == (
            TAKE_WHAT, "cases", login_of[cid], "", f"{login_of[cid]} {team.TAKE_NOTE}")
    with admin_register.read() as s:
        report = audit(s)
    assert report.ok, report.problems
    # the lead's audit log: the take in words, found by the "assignee" filter
    shown = audit_entries(lead, AuditFilter(kind="assignee"))
    assert {(e.actor, e.what, e.new) for e in shown} == {
        (login_of[c], "assignee", f"{login_of[c]} {team.TAKE_NOTE}") for c in ids}
    # what an agent's login may not do, it still may not
    with psycopg.connect(_dsn(team_url, logins[0]), autocommit=True) as c:
        for sql in ("INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash) "
                    "VALUES (%s, now(), 'x', 'row:cases:take', '', '', '', '')",
                    "SELECT muse_history_append(%s, 'cases', 1, 'take', '{}')"):
            with pytest.raises(errors.InsufficientPrivilege):
                c.execute(sql, (ids[0],))


def test_only_a_take_is_written_as_one_and_the_audit_names_any_other(
        make_login, client, admin_register, team_url) -> None:
    free, other, forged = add_cases(admin_register, 3)
    agent = make_login("agent")
    with psycopg.connect(_dsn(team_url, agent)) as c:
        # an agent asking for a take entry while changing more than a take changes: the
        # trigger writes a plain row entry, and with no word entry the audit names it
        c.execute("SELECT set_config('muse.take', 'on', true)")
        c.execute("UPDATE cases SET assignee = %s, city = 'Leeds' WHERE id = %s", (agent, free))
        c.commit()
        # the flag is for one row: a second UPDATE in the same transaction is a plain one
        c.execute("SELECT set_config('muse.take', 'on', true)")
        c.execute("UPDATE cases SET assignee = %s WHERE id = %s", (agent, other))
        c.execute("UPDATE cases SET city = 'York' WHERE id = %s", (other,))
        c.commit()
    whats = [e.what for e in _entries_of(admin_register, free)]
    assert whats[-1] == "row:cases:update" and TAKE_WHAT not in whats
    assert [e.what for e in _entries_of(admin_register, other)][-2:] == [TAKE_WHAT, "row:cases:update"]
    with admin_register.read() as s:
        problems = audit(s).problems
    assert any("changed outside MUSE Care" in p and "city" in p and "Leeds" in p for p in problems), problems
    assert any("changed outside MUSE Care" in p and "York" in p for p in problems), problems
    # a take entry written around the trigger (only a superuser can: the function is the
    # owner's) whose image changes more than a take: the audit names it as no take
    with psycopg.connect(_dsn(team_url)) as c:
        image = c.execute("SELECT muse_row_image('cases', to_jsonb(c) || jsonb_build_object("
                          "'assignee', 'mallory', 'status', 'closed'))::text FROM cases c WHERE id = %s",
                          (forged,)).fetchone()[0]
        c.execute("SELECT muse_history_append(%s, 'cases', %s, 'take', %s)", (forged, forged, image))
        c.commit()
    with admin_register.read() as s:
        problems = audit(s).problems
    assert any("is named a take by" in p and "also changes status" in p for p in problems), problems


def test_migration_0024_down_and_up_keeps_one_chain(make_login, client, admin_register, team_url) -> None:
    from alembic import command

    ids = add_cases(admin_register, 3)
    reg = client(make_login("agent"))
    assert team.take_next_case(reg) is not None
    assert _entries_of(admin_register, ids[0])[-1].what == TAKE_WHAT
    with admin_register.engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0023")
    with psycopg.connect(_dsn(team_url)) as c:  # the 0023 trigger knows no take: a plain row entry
        c.execute("SELECT set_config('muse.take', 'on', true)")
        c.execute("UPDATE cases SET assignee = 'someone' WHERE id = %s", (ids[1],))
        c.commit()
    assert _entries_of(admin_register, ids[1])[-1].what == "row:cases:update"
    with admin_register.engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), "head")
    assert db.current_revision(admin_register.engine) == db.head_revision()
    view = team.take_next_case(reg)
    assert view is not None and view.id == ids[2]
    assert _entries_of(admin_register, ids[2])[-1].what == TAKE_WHAT
    with admin_register.read() as s:
        report = audit(s)
    # the chain verifies across entries of both; the one change made with no word entry
    # (the raw UPDATE at 0023) is named, and nothing else
    assert report.entries > 0 and all("changed outside MUSE Care" in p for p in report.problems), report.problems
    assert len(report.problems) == 1 and "assignee  -> someone" in report.problems[0], report.problems


def test_the_take_on_the_driver_raises_what_sqlalchemy_raises(admin_register) -> None:
    """Take-next runs on the driver itself (``db.DriverStatement``): a driver error comes
    out wrapped as SQLAlchemy wraps it (what ``db.classify`` and the window read), rows
    are typed as SQLAlchemy types them, and the connection stays usable."""
    from datetime import datetime, timezone

    from sqlalchemy import column, func, select
    from sqlalchemy.exc import DataError

    from muse_care.store.models import UTCDateTime

    engine = admin_register.engine
    bad = db.DriverStatement(select(func.sqrt(-1).label("x")), engine.dialect)
    stamp = db.DriverStatement(select(column("t", UTCDateTime()).label("t")).select_from(
        text("(SELECT timestamptz '2026-11-25 11:00+01' AS t) s")), engine.dialect)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        with pytest.raises(DataError):
            bad.rows(conn)
        (row,) = stamp.rows(conn)
        assert row.t == datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc) and row.t.tzinfo is timezone.utc
