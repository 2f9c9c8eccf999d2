"""Growing up: move a single agent's SQLite register into an empty team server.

The target gets the same migrations, then every table is copied with Core in id order
keeping the ids (so the history's hash chain and all references stay as they are), the
PostgreSQL sequences are moved past the copied ids, and the result is checked: row
counts per table, and the hash chain verified on the target. It all happens in one
transaction on the target: a failure leaves it empty.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import Table, func, insert, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from muse_care.domain.errors import MuseCareError, ValidationError
from muse_care.services.history import verify_chain
from muse_care.store import db
from muse_care.store import team_sql  # noqa: F401 - registers the approvals table
from muse_care.store.models import Base

BATCH = 5000
# SQLite's full-text search tables are rebuilt differently on PostgreSQL (a GIN index).
SKIP_PREFIXES = ("case_search", "sqlite_")
SKIP_TABLES = {"alembic_version", "history_seal"}
# (the target's own seal is moved on by its trigger as the history is copied in)


class TargetNotEmpty(MuseCareError):
    """The team database already holds a register."""


class MigrationFailed(MuseCareError):
    """The copy did not check out; nothing was kept on the target."""


@dataclass(frozen=True)
class MigrationReport:
    tables: dict[str, int] = field(default_factory=dict)
    history_entries: int = 0
    seconds: float = 0.0


def _tables(source_tables: set[str]) -> list[Table]:
    known = [t for t in Base.metadata.sorted_tables if t.name in source_tables and t.name not in SKIP_TABLES]
    unknown = sorted(n for n in source_tables - {t.name for t in known}
                     if n not in SKIP_TABLES and not n.startswith(SKIP_PREFIXES))
    if unknown:
        raise ValidationError("source", "the register holds tables this version does not know how to "
                              f"move ({', '.join(unknown)}); upgrade MUSE Care first")
    return known


def migrate_to(source_url: str, target_url: str) -> MigrationReport:
    started = time.perf_counter()
    if not db.is_sqlite(source_url):
        raise ValidationError("source", "migrate-to moves a SQLite register; the source is "
                              f"{db.redact(source_url)}")
    if db.is_sqlite(target_url):
        raise ValidationError("target", "the target must be a PostgreSQL URL (postgresql://…)")
    path = db.sqlite_file(source_url)
    if path is None or not path.exists():
        raise ValidationError("source", f"there is no SQLite register at {path}")
    source = db.make_engine(source_url)
    target = db.make_engine(target_url)
    try:
        db.upgrade(source)
        _refuse_non_empty(target)
        db.upgrade(target)
        source_tables = set(inspect(source).get_table_names())
        tables = _tables(source_tables)
        counts: dict[str, int] = {}
        with source.connect() as src, target.begin() as dst:
            # the copied history already holds the row entries: the target's triggers
            # must not add their own (store/history_sql.py)
            from muse_care.store import history_sql

            history_sql.set_bulk(dst, True)
            kept, team_logins = _make_room(src, dst)
            for table in tables:
                cols = [c for c in table.columns if c.computed is None]
                pk = list(table.primary_key.columns)
                stmt = select(*cols).order_by(*pk)
                batch: list[dict[str, object]] = []
                n = 0
                for row in src.execute(stmt.execution_options(yield_per=BATCH)):
                    if table.name == "users" and row._mapping["login"] in team_logins:
                        continue  # the admin's add-user row for this login is the one kept
                    batch.append(dict(row._mapping))
                    if len(batch) >= BATCH:
                        dst.execute(insert(table), batch)
                        n += len(batch)
                        batch.clear()
                if batch:
                    dst.execute(insert(table), batch)
                    n += len(batch)
                counts[table.name] = n
            for table in tables:
                if "id" in table.c and table.c.id.primary_key:
                    dst.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))
            # check inside the transaction: a mismatch rolls everything back
            for table in tables:
                got = dst.execute(select(func.count()).select_from(table)).scalar_one()
                expected = src.execute(select(func.count()).select_from(table)).scalar_one()
                expected -= kept.get(f"{table.name}:skipped", 0)
                got -= kept.get(table.name, 0)
                if got != expected or got != counts[table.name]:
                    raise MigrationFailed(f"{table.name}: {expected} rows in the register, {got} on "
                                          "the server; nothing was kept")
            from muse_care.services.team import _create_defaults

            _create_defaults(dst)  # the default sources, if the register had none
            with Session(bind=dst) as session:
                report = verify_chain(session)
            if not report.ok:
                raise MigrationFailed(f"the history does not verify on the server ({report.problem}); "
                                      "nothing was kept")
        return MigrationReport(counts, report.entries, time.perf_counter() - started)
    except Exception as exc:
        classified = db.classify(exc)
        if classified is exc:
            raise
        raise classified from exc
    finally:
        source.dispose()
        target.dispose()


def _make_room(src: Connection, dst: Connection) -> tuple[dict[str, int], set[str]]:
    """What ``team init`` and ``team add-user`` put on the server before the move stays or
    is replaced: the team's ``users`` rows stay (the register's own rows for the same
    logins are not copied; others get new ids), the default sources and any setting the
    register also holds are replaced by the register's. Returns rows kept per table (and
    ``<table>:skipped`` for source rows deliberately not copied)."""
    kept: dict[str, int] = {}
    users = Base.metadata.tables["users"]
    team_logins = set(dst.execute(select(users.c.login)).scalars())
    src_tables = set(inspect(src).get_table_names())
    if "users" in src_tables:
        mine = list(src.execute(select(users.c.login)).scalars())
        kept["users:skipped"] = sum(1 for x in mine if x in team_logins)
        # the team's rows move out of the way of the register's ids
        top = src.execute(select(func.coalesce(func.max(users.c.id), 0))).scalar_one()
        for i, login in enumerate(sorted(team_logins), start=1):
            dst.execute(users.update().where(users.c.login == login).values(id=-i))
        for i, login in enumerate(sorted(team_logins), start=1):
            dst.execute(users.update().where(users.c.login == login).values(id=top + i))
    kept["users"] = len(team_logins)
    sources = Base.metadata.tables["sources"]
    dst.execute(sources.delete())  # nothing refers to them yet: the server holds no cases
    settings = Base.metadata.tables["settings"]
    if "settings" in src_tables:
        keys = list(src.execute(select(settings.c.key)).scalars())
        if keys:
            dst.execute(settings.delete().where(settings.c.key.in_(keys)))
    kept["settings"] = dst.execute(select(func.count()).select_from(settings)).scalar_one()
    return kept, team_logins


def require_admin_target(target_url: str) -> None:
    """PermissionDenied unless the target login is an admin (or a superuser): moving a
    register in is an admin's job, and an agent's login could not finish it anyway."""
    from muse_care.domain.errors import PermissionDenied

    engine = db.make_engine(target_url)
    try:
        with engine.connect() as conn:
            from muse_care.services.team import whoami

            me = whoami(conn)
    except Exception as exc:
        classified = db.classify(exc)
        if classified is exc:
            raise
        raise classified from exc
    finally:
        engine.dispose()
    if not (me.superuser or me.role == "admin"):
        raise PermissionDenied(f"db migrate-to needs an admin login; {me.login} is "
                               f"{'an ' + me.role if me.role == 'agent' else 'a ' + me.role if me.role else 'no team member'}. "
                               "An admin runs `muse-care db migrate-to postgresql://ADMIN@server/musecare` "
                               "on this computer")


def _refuse_non_empty(target: object) -> None:
    from sqlalchemy import Engine

    assert isinstance(target, Engine)
    if not db.has_schema(target):
        return
    with target.connect() as conn:
        names = set(inspect(conn).get_table_names())
        held = {}
        for table in ("cases", "history", "approvals", "letters", "retrievals"):
            if table in names:
                n = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                if n:
                    held[table] = n
    if held:
        what = ", ".join(f"{n} {t}" for t, n in held.items())
        raise TargetNotEmpty(f"the server's database {target.url.database} already holds a register "
                             f"({what}); migrate-to only fills an empty one. Create a new database "
                             "for it, or ask an admin")
