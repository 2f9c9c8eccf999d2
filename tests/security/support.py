"""Helpers of the security suite."""

from __future__ import annotations

import sqlite3
from datetime import date

import psycopg
from sqlalchemy.engine import make_url

from muse_care.services import cases
from muse_care.services.cases import CaseDraft
from muse_care.services.register import Register


def draft(**kw: object) -> CaseDraft:
    base = dict(name="Ann Lee", rights=["access"], channel="email", received=date(2026, 11, 2),
                regime="uk-gdpr", email="ann@example.com")
    base.update(kw)
    return CaseDraft(**base)  # type: ignore[arg-type]


def some_cases(reg: Register, n: int = 3) -> list[int]:
    ids = []
    for i in range(n):
        v = cases.add_case(reg, draft(name=f"Customer {i}", note=f"note {i}"))
        cases.record_check(reg, v.id, v.checks[0].step, "passed")
        ids.append(v.id)
    return ids


def verify(reg: Register, seal=None):  # noqa: ANN001, ANN201
    from muse_care.services.history import audit

    with reg.read() as s:
        return audit(s, seal)


def superuser(url: str) -> psycopg.Connection:
    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


def raw(url: str, login: str) -> psycopg.Connection:
    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port or 5432, dbname=u.database, user=login,
                           autocommit=True, connect_timeout=5)


def tamper(reg: Register, *statements: str) -> None:
    """Change the database behind MUSE Care's back, as its file's owner or the server's
    superuser can: triggers off (SQLite: dropped for the statement, then put back)."""
    if reg.dialect == "sqlite":
        path = make_url(reg.url).database
        conn = sqlite3.connect(path)
        try:
            triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND name LIKE 'muse_%'").fetchall()
            for name, _sql in triggers:
                conn.execute(f'DROP TRIGGER "{name}"')
            for sql in statements:
                conn.execute(sql)
            for _name, sql in triggers:
                conn.execute(sql)
            conn.commit()
        finally:
            conn.close()
    else:
        with superuser(reg.url) as c:
            c.execute("SET session_replication_role = replica")
            for sql in statements:
                c.execute(sql)
