"""Helpers for the team-mode tests (imported by the test modules)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy.engine import make_url

from muse_care.services import cases
from muse_care.services.cases import CaseDraft
from muse_care.services.register import Register

FIXED_NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)  # as in tests/conftest.py


def fixed_now() -> datetime:
    return FIXED_NOW


def draft(**kw: object) -> CaseDraft:
    base = dict(name="Ann Lee", rights=["access"], channel="email", received=date(2026, 11, 2),
                regime="uk-gdpr", email="ann@example.com")
    base.update(kw)
    return CaseDraft(**base)  # type: ignore[arg-type]


def url_for(url: str, login: str) -> str:
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def add_cases(reg: Register, n: int, **kw: object) -> list[int]:
    out = []
    for i in range(n):
        values = {"received": date(2026, 10, 1 + (i % 28)), "name": f"Customer {i}", **kw}
        out.append(cases.add_case(reg, draft(**values)).id)
    return out


def _ping_on_checkout(dbapi_connection, _record, _proxy) -> None:  # noqa: ANN001
    import psycopg
    from sqlalchemy.exc import DisconnectionError

    if isinstance(dbapi_connection, psycopg.Connection):
        try:
            dbapi_connection.execute("SELECT 1")
            if not dbapi_connection.autocommit:
                dbapi_connection.rollback()
        except psycopg.Error as exc:
            raise DisconnectionError() from exc


def ping_pooled_connections_from_now_on() -> None:
    """After a server restart every engine's pooled connections are dead, including
    those of the shared fixtures (tests/conftest.py), which do not pre-ping. From now on
    each PostgreSQL checkout is pinged and a dead connection replaced (SQLAlchemy's
    pessimistic disconnect handling), for the rest of this test session."""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    if not event.contains(Pool, "checkout", _ping_on_checkout):
        event.listen(Pool, "checkout", _ping_on_checkout)
