"""Finding 3: agents could delete a case's clock events and identity checks
(``DELETE FROM clock_events WHERE kind = 'id-requested'`` succeeded), rewriting when
the clock paused. They are now rows nobody deletes except anonymisation, like notes,
letters and retrievals, on PostgreSQL and SQLite."""

from __future__ import annotations

import sqlite3

import pytest
from psycopg import errors
from sqlalchemy.engine import make_url

from muse_care.services import cases
from support import raw, some_cases


@pytest.mark.pg
def test_agent_cannot_delete_clock_events_or_identity_checks(team_url, make_login, client) -> None:
    agent = make_login("agent")
    reg = client(agent)
    case_id = some_cases(reg, 1)[0]
    cases.assign(reg, case_id, agent)
    cases.record_event(reg, case_id, "id-requested", reg.today(), "photo ID")
    with raw(team_url, agent) as c:
        for sql in ("DELETE FROM clock_events WHERE kind = 'id-requested'",
                    f"DELETE FROM identity_checks WHERE case_id = {case_id}"):
            with pytest.raises(errors.InsufficientPrivilege, match="cannot be deleted"):
                c.execute(sql)
        assert c.execute("SELECT count(*) FROM clock_events WHERE kind = 'id-requested'").fetchone()[0] == 1


def test_nobody_deletes_clock_events_or_identity_checks_on_sqlite(sqlite_register) -> None:
    case_id = some_cases(sqlite_register, 1)[0]
    cases.record_event(sqlite_register, case_id, "id-requested", sqlite_register.today(), "photo ID")
    from muse_care.store.history_sql import register_sqlite_functions

    conn = sqlite3.connect(make_url(sqlite_register.url).database)
    register_sqlite_functions(conn, {})  # a client with MUSE Care's functions, as the app is
    try:
        for table in ("clock_events", "identity_checks"):
            with pytest.raises(sqlite3.DatabaseError, match="cannot be deleted"):
                conn.execute(f"DELETE FROM {table} WHERE case_id = ?", (case_id,))
    finally:
        conn.close()
