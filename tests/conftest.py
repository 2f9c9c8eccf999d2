"""Shared fixtures: a fresh database per test, on SQLite and on the real PostgreSQL
server, copied from a migrated template; a fixed clock; an in-memory keyring.

PostgreSQL is found at ``MUSE_CARE_TEST_PG`` (default: the local server, see docs/machine.md,
"PostgreSQL"). When it cannot be reached the PostgreSQL tests FAIL: they never skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_ADMIN_URL = os.environ.get("MUSE_CARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FIXED_NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


class MemoryKeyring(KeyringBackend):
    """Tests never touch the OS keychain."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    monkeypatch.setenv("MUSE_CARE_CONFIG_DIR", str(config))
    monkeypatch.delenv("MUSE_CARE_DB", raising=False)
    monkeypatch.setenv("MUSE_CARE_USER", "aisha")
    return config


# --- database templates ------------------------------------------------------------------

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from muse_care.store import db

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _pg_admin():  # noqa: ANN202
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated template database on the real server; fails loudly if unreachable."""
    from sqlalchemy.engine import make_url

    from muse_care.store import db

    name = f"muse_tpl_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL at {db.redact(PG_ADMIN_URL)} is unreachable: {exc}. "
                    "Start it (see README) or set MUSE_CARE_TEST_PG.", pytrace=False)
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def fresh_sqlite_url(template: Path, tmp_path: Path) -> str:
    path = tmp_path / "muse-care.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    from sqlalchemy.engine import make_url

    name = f"muse_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def empty_pg_url(pg_template: str) -> Iterator[str]:
    """A fresh, completely empty database on the server (no schema): for first
    connections and migrations from an old revision. Fails as ``pg_template`` does when
    the server is unreachable."""
    from sqlalchemy.engine import make_url

    name = f"muse_e_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return fresh_sqlite_url(sqlite_template, tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated database: once on SQLite, once on the real PostgreSQL server."""
    if request.param == "sqlite":
        return fresh_sqlite_url(sqlite_template, tmp_path)
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def register(db_url: str):  # noqa: ANN201
    """A register on a fresh database, acting as agent 'aisha', at a fixed 'now'."""
    from muse_care.services.register import Actor, Register

    reg = Register.open(db_url, Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: FIXED_NOW)
    yield reg
    reg.dispose()


def add_case_as_then(register, draft):  # noqa: ANN001, ANN201
    """A case written into a register of an older revision (a migration test's), as
    MUSE Care wrote one then: today's service writes today's columns, so the case is made
    by it on a scratch register in a temporary folder, and its row and identity checks
    are copied with the columns the older register has, with the word entry that names
    it. Returns the case's view on the scratch register, with the id it has here."""
    import tempfile
    from dataclasses import replace

    from sqlalchemy import insert, inspect

    from muse_care.services import cases
    from muse_care.services.history import HistoryWriter
    from muse_care.services.register import Register
    from muse_care.store.models import CaseRecord, IdentityCheckRecord

    with tempfile.TemporaryDirectory() as folder:
        scratch = Register.open(f"sqlite:///{folder}/scratch.sqlite3", register.actor, now=register.now)
        try:
            view = cases.add_case(scratch, draft)
            with scratch.read() as s:
                rec = s.get(CaseRecord, view.id)
                row = {c.name: getattr(rec, c.key) for c in CaseRecord.__table__.columns}
                checks = [{c.name: getattr(x, c.key) for c in IdentityCheckRecord.__table__.columns}
                          for x in rec.checks]
        finally:
            scratch.dispose()
    def kept(table_name: str, values: dict) -> dict:  # noqa: E306
        have = {c["name"] for c in inspect(register.engine).get_columns(table_name)}
        return {k: x for k, x in values.items() if k in have and k not in ("id", "is_open")}

    with register.unit_of_work() as s:
        case_id = s.execute(insert(CaseRecord.__table__).values(**kept("cases", row))
                            .returning(CaseRecord.__table__.c.id)).scalar_one()
        for check in checks:
            s.execute(insert(IdentityCheckRecord.__table__).values(**{**kept("identity_checks", check),
                                                                     "case_id": case_id}))
        HistoryWriter(s, register.actor.login, register.now()).add(case_id, "created", "", view.reference)
    return replace(view, id=case_id)


@pytest.fixture
def cli_on_fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line, run in this process, on FIXED_NOW rather than the real clock
    (every register it opens, as the service tests' registers are): a scenario written
    with fixed dates (a letter promising a day, a recording kept six months) then reads
    the same on any day the suite runs. A command run in a child process is not pinned."""
    from muse_care.services.register import Register

    real_open = Register.open.__func__  # type: ignore[attr-defined]

    def open_on_fixed_now(cls, url, actor, *, migrate=True, now=lambda: FIXED_NOW):  # noqa: ANN001, ANN202
        return real_open(cls, url, actor, migrate=migrate, now=now)

    monkeypatch.setattr(Register, "open", classmethod(open_on_fixed_now))


@pytest.fixture
def sqlite_register(sqlite_url: str):  # noqa: ANN201
    from muse_care.services.register import Actor, Register

    reg = Register.open(sqlite_url, Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: FIXED_NOW)
    yield reg
    reg.dispose()
