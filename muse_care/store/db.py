"""Engine set-up: which database, how to connect, and bringing its schema up to date.

SQLite (one agent) lives in the platform's user data folder with WAL and foreign keys
on; PostgreSQL (a team) is reached by URL. ``--db URL`` or ``MUSE_CARE_DB`` choose.
Before migrations touch an existing SQLite file it is copied beside itself.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from muse_care.domain.errors import StorageUnavailable, ValidationError

ENV_VAR = "MUSE_CARE_DB"
MIGRATIONS = Path(__file__).with_name("migrations")


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("MUSE Care", "THE MUSE-LVM"))


def default_sqlite_path() -> Path:
    return default_data_dir() / "muse-care.sqlite3"


def resolve_url(cli_value: str | None = None) -> str:
    """The database URL: ``--db``, else ``MUSE_CARE_DB``, else the user's SQLite file.

    A bare file path is taken as a SQLite file. ``postgresql://`` gets the psycopg 3
    driver.
    """
    value = (cli_value or os.environ.get(ENV_VAR) or "").strip()
    if not value:
        return f"sqlite:///{default_sqlite_path()}"
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValidationError("db", f"'{redact(value)}' is not a database URL") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValidationError("db", f"{url.get_backend_name()} is not supported; use SQLite or PostgreSQL")
    return url.render_as_string(hide_password=False)


def redact(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


WRITE = "muse_write"
"""Execution option: this transaction will write. On SQLite it begins IMMEDIATE, taking
the write lock before its first read, so a read-then-write unit of work waits for
another writer (busy_timeout) instead of failing half-way with a stale snapshot."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, say when transactions begin (the
    # module's own handling begins them late and breaks SAVEPOINT): see _sqlite_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted and overwritten content is zeroed, whatever SQLite was compiled with
    # (anonymisation must not leave names in free pages; docs/retention.md).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; for SQLite the folder is created and pragmas set."""
    if is_sqlite(url):
        path = sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    return create_engine(url, **kwargs)


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def backup_sqlite(url: str, dest: Path) -> Path:
    """A consistent copy of a SQLite database (the online backup API, safe under WAL)."""
    path = sqlite_file(url)
    if path is None or not path.exists():
        raise ValidationError("db", "there is no SQLite file to back up")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    _copy_sqlite(path, dest)
    return dest


def _copy_sqlite(source: Path, dest: Path) -> None:
    """Copy with SQLite's online backup API (consistent under WAL), into a temporary
    file renamed into place: a crash leaves the old ``dest`` or the new, never half."""
    tmp = dest.with_name(dest.name + ".partial")
    src = sqlite3.connect(source)
    try:
        out = sqlite3.connect(tmp)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    os.replace(tmp, dest)


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to the newest revision. Returns the path of the safety copy made
    of an existing SQLite file, if one was made."""
    from alembic import command

    url = engine.url.render_as_string(hide_password=False)
    before = current_revision_safe(engine)
    head = head_revision()
    copy: str | None = None
    path = sqlite_file(url)
    if before != head and path is not None and path.exists() and before is not None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        copy = str(backup_sqlite(url, path.with_name(f"{path.name}.before-{head}-{stamp}.bak")))
    if before == head:
        return None
    with storage_errors(), engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    return copy


def current_revision_safe(engine: Engine) -> str | None:
    with storage_errors():
        return current_revision(engine)


@contextmanager
def storage_errors() -> Iterator[None]:
    """Driver errors the user can act on (locked, unreachable) come out as
    :class:`StorageUnavailable`; everything else passes unchanged."""
    try:
        yield
    except Exception as exc:
        classified = classify(exc)
        if classified is exc:
            raise
        raise classified from exc


def classify(exc: BaseException) -> BaseException:
    """Turn a driver error the user can act on into :class:`StorageUnavailable`."""
    from sqlalchemy.exc import OperationalError, InterfaceError

    if isinstance(exc, (OperationalError, InterfaceError)):
        text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
        if "locked" in text:
            return StorageUnavailable(f"the database is busy (locked by another program): {text}; try again")
        return StorageUnavailable(f"cannot reach the database: {text}")
    return exc


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("cases")


def restore_sqlite(url: str, source: Path) -> Path | None:
    """Replace the SQLite database with ``source`` (checked to be a MUSE Care database
    first); the current file is kept beside it. Returns where it was kept."""
    path = sqlite_file(url)
    if path is None:
        raise ValidationError("db", "restore works on a SQLite database; use PostgreSQL's own tools")
    try:
        probe = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            probe.execute("SELECT count(*) FROM cases").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError:
        raise ValidationError("file", f"{source} is not a MUSE Care database") from None
    kept: Path | None = None
    if path.exists():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        kept = backup_sqlite(url, path.with_name(f"{path.name}.before-restore-{stamp}.bak"))
    restored = path.with_name(path.name + ".restored")
    _copy_sqlite(source, restored)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(restored, path)
    return kept
