"""Engine set-up: which database, how to connect, and bringing its schema up to date.

SQLite (one agent) lives in the platform's user data folder with WAL and foreign keys
on; PostgreSQL (a team) is reached by URL. ``--db URL`` or ``MUSE_CARE_DB`` choose.
Before migrations touch an existing SQLite file it is copied beside itself.

Files: the SQLite file is created 0600 in a 0700 folder before SQLite first opens it
(its -wal and -shm files take the same mode); backups and the copies made before a
migration or a restore go through ``domain/private_files.py``'s rules (an unpredictable
temporary name in the destination folder, never through a symlink, renamed when
complete). See docs/security.md, "Files on disk".
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from muse_care.domain.errors import StorageUnavailable, ValidationError
from muse_care.domain.private_files import (
    PARTIAL_SUFFIX, check_destination, make_private, private_dir, sweep_partials,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

# SQLAlchemy is imported inside the functions that need it: the window's start resolves
# a SQLite URL, finds its file and reads the stored revision without it (docs/performance.md,
# "Start-up"). A URL that is not a plain ``sqlite:///FILE`` goes to SQLAlchemy's parser.

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
    plain = _plain_sqlite_database(value)
    if plain is not None:  # as make_url(value).render_as_string() has it
        return "sqlite:///" + quote(plain, safe=" +/")
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(value)
    except ArgumentError:
        raise ValidationError("db", f"'{redact(value)}' is not a database URL") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValidationError("db", f"{url.get_backend_name()} is not supported; use SQLite or PostgreSQL")
    return url.render_as_string(hide_password=False)


_SQLITE_PREFIX = "sqlite:///"
_SCHEME = re.compile(r"^([\w+]+)://")


def _plain_sqlite_database(url: str) -> str | None:
    """The database part of a plain ``sqlite:///FILE`` URL (no query string), decoded as
    SQLAlchemy's ``make_url`` decodes it; None for any other URL."""
    if not url.startswith(_SQLITE_PREFIX) or "?" in url:
        return None
    return unquote(url[len(_SQLITE_PREFIX):])


def redact(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def is_sqlite(url: str) -> bool:
    scheme = _SCHEME.match(url)
    if scheme is not None:
        return scheme.group(1).split("+")[0] == "sqlite"
    from sqlalchemy.engine import make_url

    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path | None:
    plain = _plain_sqlite_database(url)
    if plain is not None:
        return None if not plain or plain == ":memory:" else Path(plain)
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


WRITE = "muse_write"
"""Execution option: this transaction will write. On SQLite it begins IMMEDIATE, taking
the write lock before its first read, so a read-then-write unit of work waits for
another writer (busy_timeout) instead of failing half-way with a stale snapshot."""


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    from muse_care.store.history_sql import register_sqlite_functions

    register_sqlite_functions(dbapi_connection, record.info.setdefault("muse", {}))
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


def prepare_sqlite_file(path: Path) -> None:
    """The folder 0700 (when we make it), the database file created 0600 before SQLite
    opens it (an empty file is an empty database) and tightened if it exists; partial
    files a killed copy left in the folder are removed."""
    if not path.parent.exists():
        private_dir(path.parent)
    sweep_partials(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError:
        return  # a read-only folder: SQLite says so when it opens the file
    for suffix in ("", "-wal", "-shm"):
        f = Path(str(path) + suffix)
        try:
            if f.exists() and not f.is_symlink() and f.stat().st_uid == getattr(os, "getuid", lambda: -1)():
                make_private(f)
        except OSError:
            pass


def begin_unit(conn: Any, actor: str, at: datetime) -> None:
    """Tell the database's history triggers who is acting, and when (SQLite: the
    connection's state; PostgreSQL takes ``session_user`` and the server's clock)."""
    if conn.dialect.name == "sqlite":
        import uuid

        from muse_care.store.history_sql import sqlite_state

        sqlite_state(conn).update(actor=actor, at=at, txn=uuid.uuid4().hex)


def end_unit(conn: Any) -> None:
    if conn.dialect.name == "sqlite":
        from muse_care.store.history_sql import sqlite_state

        state = sqlite_state(conn)
        for key in ("actor", "at", "txn"):
            state.pop(key, None)


def current_txn(conn: Any) -> str:
    """An identifier of the current transaction, stored with each history entry so the
    window can tell which row entries have a word entry beside them."""
    if conn.dialect.name == "sqlite":
        from muse_care.store.history_sql import sqlite_state

        return str(sqlite_state(conn).get("txn") or "")
    return str(conn.exec_driver_sql("SELECT txid_current()::text").scalar_one())


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; for SQLite the folder is created and pragmas set."""
    from sqlalchemy import create_engine, event

    if is_sqlite(url):
        path = sqlite_file(url)
        if path is not None:
            prepare_sqlite_file(path)
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
    from sqlalchemy import inspect

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    if len(rows) == 1:
        return str(rows[0][0])
    from alembic.runtime.migration import MigrationContext  # none or several heads: Alembic decides

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


_REV = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*['"]?([\w-]+|None)['"]?""", re.M)


def head_from_files() -> str | None:
    """The head read from the migration files' ``revision``/``down_revision`` lines, so
    a start on a database already at the head does not load Alembic (about 200 ms of
    the start path); None when the files do not name exactly one head."""
    revisions, parents = set(), set()
    for f in MIGRATIONS.joinpath("versions").glob("*.py"):
        found = dict((k, v) for k, v in _REV.findall(f.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revisions.add(found["revision"])
        parents.add(found.get("down_revision"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def head_revision() -> str:
    quick = head_from_files()
    if quick is not None:
        return quick
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def backup_sqlite(url: str, dest: Path) -> Path:
    """A consistent copy of a SQLite database (the online backup API, safe under WAL),
    written privately (0600) and atomically; ``dest`` must not be a folder."""
    path = sqlite_file(url)
    if path is None or not path.exists():
        raise ValidationError("db", "there is no SQLite file to back up")
    dest = Path(dest)
    if not dest.parent.exists():
        private_dir(dest.parent)
    check_destination(dest, "file")
    _copy_sqlite(path, dest)
    return dest


def _copy_sqlite(source: Path, dest: Path) -> None:
    """Copy with SQLite's online backup API (consistent under WAL), into a temporary
    file made by ``mkstemp`` in the destination folder (an unpredictable name, created
    0600 with O_EXCL, so a planted symlink is never followed) and renamed into place: a
    crash leaves the old ``dest`` or the new, never half; on failure the temporary file
    is removed."""
    import tempfile

    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=PARTIAL_SUFFIX)
    os.close(fd)
    tmp = Path(name)
    try:
        src = sqlite3.connect(source)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
            finally:
                out.close()
        finally:
            src.close()
        make_private(tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + "-journal").unlink(missing_ok=True)
        raise


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to the newest revision. Returns the path of the safety copy made
    of an existing SQLite file, if one was made. At the head it returns before Alembic
    is imported (docs/performance.md, "Start-up")."""
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
    from alembic import command
    from sqlalchemy import inspect

    with storage_errors(), engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
        if inspect(conn).has_table("history_seal"):
            # a migration that rebuilt a table (SQLite batch mode) dropped its triggers
            from muse_care.store.history_sql import install

            install(conn)
    return copy


class DriverStatement:
    """A statement compiled once for a dialect, run on the driver's own connection with
    the columns' result processors applied by hand: for the hottest statements of a
    team (take-next), where SQLAlchemy's execution layer costs more client time than
    the server spends running them (docs/performance.md, "Take-next toward its floor").
    The rows have the columns' names as attributes, typed as SQLAlchemy would type them."""

    def __init__(self, statement: Any, dialect: Any) -> None:
        from collections import namedtuple

        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.params = dict(compiled.params)
        cols = compiled._result_columns  # (key, name, objects, type) in the SELECT's order
        self.processors = [c[3].result_processor(dialect, None) for c in cols]
        # a textual statement has no result columns: its rows stay plain tuples
        self.row: Any = namedtuple("DriverRow", [c[0] for c in cols], rename=True) if cols else None

    def rows(self, conn: Any, **params: Any) -> list[Any]:
        """Run on ``conn``, a SQLAlchemy Connection with ``isolation_level="AUTOCOMMIT"``
        (the statement is its own transaction; SQLAlchemy begins none it does not see);
        a driver error comes out as SQLAlchemy's wrapper of it (``classify`` and
        ``storage_errors`` read those), and a connection the error broke is invalidated."""
        from sqlalchemy.exc import DBAPIError

        driver = conn.connection.driver_connection
        if not getattr(driver, "autocommit", True):
            raise ValueError("DriverStatement.rows needs an AUTOCOMMIT connection")
        values = {**self.params, **params}
        try:
            fetched = driver.execute(self.sql, values).fetchall()
        except Exception as exc:
            if getattr(driver, "broken", False) or getattr(driver, "closed", False):
                conn.invalidate()
            dbapi = conn.dialect.loaded_dbapi
            if isinstance(exc, dbapi.Error):
                raise DBAPIError.instance(self.sql, values, exc, dbapi.Error) from exc
            raise
        if self.row is None:
            return list(fetched)
        processors, make = self.processors, self.row._make
        if not any(processors):
            return [make(r) for r in fetched]
        return [make(v if p is None else p(v) for p, v in zip(processors, r)) for r in fetched]


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
    import sqlite3

    from sqlalchemy.exc import DatabaseError, OperationalError, InterfaceError

    orig = getattr(exc, "orig", exc)
    if isinstance(exc, (DatabaseError, sqlite3.DatabaseError)) and isinstance(orig, sqlite3.DatabaseError) \
            and "file is not a database" in str(orig):
        return StorageUnavailable("the --db file is not a SQLite database (it holds something else); "
                                  "give the path of a MUSE Care register")
    if isinstance(exc, (OperationalError, InterfaceError)):
        text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
        if "locked" in text:
            return StorageUnavailable(f"the database is busy (locked by another program): {text}; try again")
        return StorageUnavailable(f"cannot reach the database: {text}")
    return exc


def has_schema(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return inspect(engine).has_table("cases")


def other_processes_using(path: Path) -> list[str]:
    """Other processes that have ``path`` (or its -wal/-shm) open, as "NAME (pid N)",
    where the system says (Linux /proc); empty where it cannot tell."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    targets = {str(path.resolve()), str(path.resolve()) + "-wal", str(path.resolve()) + "-shm"}
    found: list[str] = []
    me = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in targets:
                    name = (entry / "comm").read_text(encoding="utf-8", errors="replace").strip()
                    found.append(f"{name} (pid {entry.name})")
                    break
            except OSError:
                continue
    return found


def restore_sqlite(url: str, source: Path) -> Path | None:
    """Replace the SQLite database's contents with ``source`` (checked to be a MUSE Care
    database first); the current contents are kept beside it. Returns where.

    Refuses while another process has the database open (naming it where the system
    says). The copy goes through SQLite's backup API *into the live file*, under
    SQLite's own locks, so a connection the check could not see reads the restored
    register and writes into it, never into a file that was replaced under it."""
    path = sqlite_file(url)
    if path is None:
        raise ValidationError("db", "restore works on a SQLite database; on PostgreSQL use the "
                              "server's own tools (pg_dump and pg_restore, or point-in-time recovery)")
    try:
        probe = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            probe.execute("SELECT count(*) FROM cases").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError:
        raise ValidationError("file", f"{source} is not a MUSE Care database") from None
    users = other_processes_using(path) if path.exists() else []
    if users:
        raise StorageUnavailable(f"the database is open in {', '.join(users)}; close MUSE Care "
                                 "there first, then restore")
    kept: Path | None = None
    if path.exists():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S-%f")
        kept = backup_sqlite(url, path.with_name(f"{path.name}.before-restore-{stamp}.bak"))
    else:
        prepare_sqlite_file(path)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        live = sqlite3.connect(path, timeout=5)
        try:
            try:
                src.backup(live)
            except sqlite3.OperationalError as exc:
                raise StorageUnavailable(f"the database is busy ({exc}); close MUSE Care elsewhere "
                                         "and try again") from None
        finally:
            live.close()
    finally:
        src.close()
    return kept
