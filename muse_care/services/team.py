"""Team mode: one PostgreSQL register shared by agents, team leads and admins.

- Connecting: the server's settings live in the local config; the password lives in the
  operating system's keychain (service ``muse-care``, username
  ``<user>@<host>:<port>/<database>``) and is handed to the driver at each connect,
  never put in a URL, a file, the database or a log.
- Roles: who someone is comes from the database (their login role and its group), not
  from anything the client says; services check it too (:class:`PermissionDenied`).
- Take next case: the oldest-due unassigned open case, locked with SKIP LOCKED and
  assigned in the same transaction, so two agents never get the same case.
- Four eyes: extensions, refusals and replies that disclose data need a lead's
  approval before their letter is produced or dispatched (setting ``four_eyes``: on by
  default on PostgreSQL, off for a single agent on SQLite). The decision itself too: an
  agent's extension or refusal moves the case to *awaiting approval* and changes no
  date or status until a lead approves it (``defer_decision``, applied by
  ``decide_approval``); on a team database a trigger refuses an agent's direct write of
  either (``store/team_sql.py``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, event, func, insert, inspect, select, text, true, update
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DBAPIError

from muse_care.domain import validation as v
from muse_care.domain.case import OPEN_STATUSES
from muse_care.domain.case_views import CaseView
from muse_care.domain.errors import (
    MuseCareError, NotFound, PermissionDenied, StaleRecord, StorageUnavailable, ValidationError,
)
from muse_care.domain.grammar import a_or_an
from muse_care.domain.reference import normalise_reference
from muse_care.services import local_config
from muse_care.services.cases import defer_decision as defer_decision  # re-exported
from muse_care.services.four_eyes import LEAD_ROLES as LEAD_ROLES, four_eyes_enabled as four_eyes_enabled, \
    needs_lead as needs_lead  # re-exported
from muse_care.services.history import HistoryWriter
from muse_care.services.members import UserView, _members, check_assignee, team_members
from muse_care.services.register import Actor, Register, utc_now
from muse_care.store import db
from muse_care.store import history_sql, team_sql
from muse_care.store.models import CaseRecord, UserRecord
from muse_care.store.team_sql import approvals

KEYRING_SERVICE = "muse-care"
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
ROLES = ("agent", "lead", "admin")
_LOGIN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class KeychainUnavailable(MuseCareError):
    """No usable OS keychain: the password cannot be kept (and is never kept elsewhere)."""


class TeamNotReady(MuseCareError):
    """The server is reachable but its database is not set up for MUSE Care yet."""


# --- the declared setting --------------------------------------------------------------

# --- connecting ------------------------------------------------------------------------

@dataclass(frozen=True)
class ServerSettings:
    """Where the team's register is. Kept in the local config; no password here."""

    host: str
    database: str
    user: str
    port: int = 5432
    # "prefer": TLS when the server offers it, plain on a LAN server without a
    # certificate; "require"/"verify-full" for a server reached over other networks.
    sslmode: str = "prefer"

    def validated(self) -> ServerSettings:
        host = v.clean_text("host", self.host, max_len=253, required=True)
        if any(c.isspace() or c in "/@?#" for c in host):
            raise ValidationError("host", f"'{host}' is not a host name or address")
        database = v.clean_text("database", self.database, max_len=63, required=True)
        user = v.clean_text("user", self.user, max_len=63, required=True)
        if not isinstance(self.port, int) or not 0 < self.port < 65536:
            raise ValidationError("port", f"{self.port} is not a port number (1 to 65535)")
        if self.sslmode not in SSL_MODES:
            raise ValidationError("sslmode", f"unknown TLS mode '{self.sslmode}'; use one of: "
                                  + ", ".join(SSL_MODES))
        return ServerSettings(host, database, user, self.port, self.sslmode)

    @property
    def keyring_username(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self) -> str:
        """The SQLAlchemy URL, without a password."""
        return URL.create("postgresql+psycopg", username=self.user, host=self.host, port=self.port,
                          database=self.database).render_as_string(hide_password=False)


CONFIG_KEY = "team_server"


def save_server_settings(server: ServerSettings) -> ServerSettings:
    server = server.validated()
    local_config.save({CONFIG_KEY: asdict(server)})
    return server


def load_server_settings() -> ServerSettings | None:
    raw = local_config.load().get(CONFIG_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        return ServerSettings(**{k: raw[k] for k in ("host", "database", "user", "port", "sslmode")
                                 if k in raw}).validated()
    except (TypeError, ValidationError):
        return None


def _keyring_call(action: str, fn: Any, *args: Any) -> Any:
    import keyring.errors

    try:
        return fn(*args)
    except keyring.errors.KeyringError as exc:
        raise KeychainUnavailable(
            f"cannot {action}: no usable keychain on this computer ({type(exc).__name__}). "
            "MUSE Care keeps server passwords only in the system keychain (Windows Credential "
            "Manager, macOS Keychain, Secret Service on Linux); install or unlock one.") from None


def store_password(server: ServerSettings, password: str) -> None:
    import keyring

    from muse_care.store.history_sql import keychain_usable

    if not password:
        raise ValidationError("password", "is empty")
    if not keychain_usable():  # keyring's null or fail backend drops what it is given
        raise KeychainUnavailable(
            "cannot keep the password: no keychain on this computer (keyring has only its "
            f"{type(keyring.get_keyring()).__module__} backend). MUSE Care keeps server passwords "
            "only in the system keychain; install or unlock one (Windows Credential Manager, macOS "
            "Keychain, Secret Service on Linux).")
    _keyring_call("keep the password", keyring.set_password, KEYRING_SERVICE,
                  server.keyring_username, password)
    if _keyring_call("read the password back", keyring.get_password, KEYRING_SERVICE,
                     server.keyring_username) != password:
        raise KeychainUnavailable("cannot keep the password: no keychain kept it on this computer "
                                  "(it read back differently); install or unlock one")


def forget_password(server: ServerSettings) -> None:
    import keyring
    import keyring.errors

    try:
        _keyring_call("remove the password", keyring.delete_password, KEYRING_SERVICE,
                      server.keyring_username)
    except keyring.errors.PasswordDeleteError:
        pass


def load_password(server: ServerSettings) -> str | None:
    """The password from the keychain, or None when none is stored (trust or
    certificate authentication)."""
    import keyring

    value = _keyring_call("read the password", keyring.get_password, KEYRING_SERVICE,
                          server.keyring_username)
    return value if value else None


def engine_for(server: ServerSettings) -> Engine:
    """An engine that asks the keychain for the password each time it connects."""
    server = server.validated()
    engine = db.make_engine(server.url(), connect_args={
        "connect_timeout": 5, "sslmode": server.sslmode, "application_name": "MUSE Care"})

    @event.listens_for(engine, "do_connect")
    def _password(_dialect: Any, _rec: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        password = load_password(server)
        if password is not None:
            cparams["password"] = password

    return engine


def psycopg_connect_kwargs(engine: Engine, server: ServerSettings | None = None) -> dict[str, Any]:
    """Keyword arguments for ``psycopg.connect`` reaching the same database as ``engine``
    (for the change listener's own connection); the password, if any, is read from the
    keychain now and never put in the conninfo string."""
    u = engine.url
    kwargs: dict[str, Any] = {"host": u.host or "", "port": u.port or 5432, "dbname": u.database or "",
                              "user": u.username or "", "connect_timeout": 5,
                              "application_name": "MUSE Care listener"}
    if u.password:
        kwargs["password"] = u.password
    if server is not None:
        kwargs["sslmode"] = server.sslmode
        password = load_password(server)
        if password is not None:
            kwargs["password"] = password
    return kwargs


@dataclass(frozen=True)
class Identity:
    login: str
    role: str
    superuser: bool


def whoami(conn: Connection) -> Identity:
    """Who the database says this connection is, and their MUSE Care role."""
    row = conn.execute(text(
        "SELECT session_user, r.rolsuper, "
        "  pg_has_role(session_user, oid_admin, 'MEMBER'), "
        "  pg_has_role(session_user, oid_lead, 'MEMBER'), "
        "  pg_has_role(session_user, oid_agent, 'MEMBER') "
        "FROM pg_roles r, "
        "  (SELECT (SELECT oid FROM pg_roles WHERE rolname = 'muse_admin') AS oid_admin, "
        "          (SELECT oid FROM pg_roles WHERE rolname = 'muse_lead') AS oid_lead, "
        "          (SELECT oid FROM pg_roles WHERE rolname = 'muse_agent') AS oid_agent) g "
        "WHERE r.rolname = session_user")).one()
    login, superuser, is_admin, is_lead, is_agent = row
    role = ("admin" if superuser or is_admin else "lead" if is_lead else "agent" if is_agent else "")
    return Identity(login, role, bool(superuser))


def connect(server: ServerSettings | None = None, *, migrate: bool = True,
            display_name: str | None = None, now: Any = utc_now) -> Register:
    """Open the team's register as the person the keychain and server say we are.

    An empty database gets its schema from the same migrations as SQLite; when the
    connecting login may (a superuser), the team security model is applied too.
    """
    server = server or load_server_settings()
    if server is None:
        raise ValidationError("server", "no team server is set up; run `muse-care team connect`")
    engine = engine_for(server)
    try:
        with engine.connect() as conn:
            me = whoami(conn)
        revision = db.current_revision_safe(engine)
        if revision != db.head_revision():
            if not migrate or not me.superuser:
                raise TeamNotReady(
                    f"the database {server.database} on {server.host} is "
                    + ("empty" if revision is None else f"at revision {revision}")
                    + "; an admin sets it up with `muse-care --db <admin URL> team init`")
            db.upgrade(engine)
            apply_security(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise _connect_error(exc, server) from exc
    except Exception:
        engine.dispose()
        raise
    if not me.role:
        engine.dispose()
        raise PermissionDenied(f"the login {me.login} is not a MUSE Care agent, lead or admin; "
                               "an admin adds it with `muse-care team add-user`")
    name = display_name or _display_name(engine, me.login) or me.login
    return Register(engine, Actor(me.login, str(name), me.role), now)


def _display_name(engine: Engine, login: str) -> str:
    """The name an admin gave with ``team add-user`` (readable by every member through
    ``muse_team_members()``); "" when there is none."""
    try:
        with engine.connect() as conn:
            for m in _members(conn):
                if m.login == login:
                    return m.display_name
    except DBAPIError:
        return ""
    return ""


def _connect_error(exc: DBAPIError, server: ServerSettings) -> MuseCareError:
    message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if "password" in message and ("no password" in message or "authentication failed" in message):
        return StorageUnavailable(
            f"the server refused {server.keyring_username}: {message}. Store the right password "
            "with `muse-care team connect`")
    if "SSL" in message or "ssl" in message:
        return StorageUnavailable(f"TLS to {server.host} failed ({message}); check the TLS mode "
                                  f"(now {server.sslmode})")
    classified = db.classify(exc)
    return classified if isinstance(classified, MuseCareError) else StorageUnavailable(message)


def actor_from_database(register: Register) -> Actor:
    """The register's actor with login and role as the database sees them."""
    with register.engine.connect() as conn:
        me = whoami(conn)
    name = register.actor.display_name
    if not name or name == register.actor.login or name == me.login:
        name = _display_name(register.engine, me.login) or name or me.login
    return Actor(me.login, name, me.role or "agent")


# --- administration (run by an admin on a superuser or CREATEROLE connection) ---------

def _exec(conn: Connection, sql: str) -> None:
    """Run DDL as-is (no parameter parsing: PL/pgSQL bodies contain % and :)."""
    conn.connection.driver_connection.execute(sql)  # type: ignore[union-attr]


@dataclass(frozen=True)
class InitReport:
    database: str
    revision: str
    tables: int


def apply_security(engine: Engine) -> InitReport:
    """Create/update the group roles, grants, row-level security and the history guard
    (idempotent). Needs a superuser connection."""
    import time

    if engine.dialect.name != "postgresql":
        raise ValidationError("db", "team mode needs a PostgreSQL server")
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                for sql in team_sql.role_statements():
                    _exec(conn, sql)
            break
        except DBAPIError as exc:  # concurrent role DDL: "tuple concurrently updated"
            if attempt == 4:
                raise db.classify(exc) from exc
            time.sleep(0.2 * (attempt + 1))
    with engine.begin() as conn:
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        tables = sorted(inspect(conn).get_table_names(schema="public"))
        sequences = [r[0] for r in conn.execute(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1"))]
        for sql in team_sql.database_statements(database, tables, sequences):
            _exec(conn, sql)
        for fn in ("muse_notify_cases()", "muse_notify_approvals()"):
            _exec(conn, f"ALTER FUNCTION {fn} OWNER TO {team_sql.OWNER}")
        _exec(conn, MEMBERS_FUNCTION)
        _create_defaults(conn)
    return InitReport(database, db.current_revision(engine) or "", len(tables))


# Every member may see who is on the team (for the assignment picker and names on
# screen), never the users table itself: a SECURITY DEFINER function owned by the
# tables' owner returns login, name, role and active, nothing else.
MEMBERS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION muse_team_members()
RETURNS TABLE (login varchar, display_name varchar, role varchar, active boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT login, display_name, role, active FROM users ORDER BY login
$$;
ALTER FUNCTION muse_team_members() OWNER TO {team_sql.OWNER};
REVOKE ALL ON FUNCTION muse_team_members() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION muse_team_members() TO {team_sql.AGENT};
"""


def _create_defaults(conn: Connection) -> None:
    """What a register needs before anyone reads it: the default retrieval sources.
    Created here by the admin (``team init``, the first superuser connection, migrate-to),
    never by an agent opening a case (agents may not write ``sources``). No history entry:
    this is set-up, like the tables, and it keeps the history empty for ``migrate-to``."""
    from muse_care.services.retrieval import DEFAULT_SOURCES
    from muse_care.store.models import SourceRecord

    have = set(conn.execute(select(SourceRecord.code)).scalars())
    for code, name, months, kind in DEFAULT_SOURCES:
        if code not in have:
            conn.execute(insert(SourceRecord).values(code=code, name=name, retention_months=months,
                                                identifier_kind=getattr(kind, "value", kind),
                                                active=True))


def init_team_database(url: str) -> InitReport:
    """``muse-care team init``: migrate the database to the newest schema, then apply the
    security model."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            me = whoami(conn)
        if not me.superuser:
            raise PermissionDenied(f"{me.login} is not a superuser; team init needs one "
                                   "(it creates roles and changes table owners)")
        db.upgrade(engine)
        return apply_security(engine)
    except DBAPIError as exc:
        raise db.classify(exc) from exc
    finally:
        engine.dispose()


def validate_login(login: str) -> str:
    login = (login or "").strip()
    if not _LOGIN.match(login):
        raise ValidationError("login", f"'{login}' cannot be a login: use lower-case letters, digits "
                              "and _, starting with a letter (at most 63)")
    if login.startswith(("muse_", "pg_")) or login in ("postgres", "public"):
        raise ValidationError("login", f"'{login}' is reserved")
    return login


def encrypt_password(conn: Connection, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password``, computed by libpq on this computer
    (as psql's \\password does), so the password itself is never sent."""
    pgconn = conn.connection.driver_connection.pgconn  # type: ignore[union-attr]
    return bytes(pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"),
                                         b"scram-sha-256")).decode("ascii")


def _admin_engine(target: str | Engine | Register) -> tuple[Engine, bool]:
    """(engine, whether we made it and must dispose of it)."""
    if isinstance(target, Register):
        return target.engine, False
    if isinstance(target, Engine):
        return target, False
    return db.make_engine(target), True


def _require_role_admin(conn: Connection) -> None:
    row = conn.execute(text("SELECT rolsuper OR rolcreaterole, session_user FROM pg_roles "
                            "WHERE rolname = session_user")).one()
    if not row[0]:
        raise PermissionDenied(
            f"{row[1]} may not create or change logins; an admin does it with a superuser URL: "
            "`muse-care --db postgresql://admin@server/musecare team add-user …`")


def add_user(url: str | Engine | Register, login: str, role: str, display_name: str,
             password: str | None = None) -> UserView:
    """Create (or update) a person's login role in their group and their ``users`` row.
    Run with a superuser or CREATEROLE admin URL (or that admin's open register)."""
    login = validate_login(login)
    if role not in ROLES:
        raise ValidationError("role", f"unknown role '{role}'; use one of: {', '.join(ROLES)}")
    display_name = v.clean_text("name", display_name, max_len=200, required=True)
    engine, own = _admin_engine(url)
    try:
        with engine.begin() as conn:
            _require_role_admin(conn)
            verifier = encrypt_password(conn, login, password) if password else None
            for sql in team_sql.login_statements(login, team_sql.GROUP_OF_ROLE[role], verifier):
                _exec(conn, sql)
            users = UserRecord.__table__
            existing = conn.execute(select(users.c.id).where(users.c.login == login)).first()
            if existing is None:
                conn.execute(insert(UserRecord).values(login=login, display_name=display_name, role=role,
                                                   active=True))
            else:
                conn.execute(update(UserRecord).where(UserRecord.login == login)
                             .values(display_name=display_name, role=role, active=True))
    except DBAPIError as exc:
        raise db.classify(exc) from exc
    finally:
        if own:
            engine.dispose()
    return UserView(login, display_name, role, True)


def deactivate_user(url: str | Engine | Register, login: str) -> None:
    """The person can no longer log in; their name stays on everything they did."""
    login = validate_login(login)
    engine, own = _admin_engine(url)
    try:
        with engine.begin() as conn:
            _require_role_admin(conn)
            found = conn.execute(update(UserRecord).where(UserRecord.login == login)
                                 .values(active=False).returning(UserRecord.id)).first()
            if found is None:
                raise NotFound(f"no team member {login}")
            _exec(conn, f'ALTER ROLE "{login}" NOLOGIN')
    except DBAPIError as exc:
        raise db.classify(exc) from exc
    finally:
        if own:
            engine.dispose()


def list_users(register: Register) -> list[UserView]:
    require_role(register, *LEAD_ROLES)
    with register.read() as s:
        return [UserView(u.login, u.display_name, u.role, u.active)
                for u in s.scalars(select(UserRecord).order_by(UserRecord.login))]


def is_lead(register: Register | None) -> bool:
    """Who is a lead, said once: a lead or admin on a team server; the single user of a
    SQLite register is every role at once (there is nobody else). No register yet: the
    window shows everything until it knows."""
    return register is None or register.dialect == "sqlite" or register.actor.role in LEAD_ROLES


def require_role(register: Register, *roles: str) -> None:
    """PermissionDenied unless the actor has one of ``roles`` (on SQLite, every role)."""
    if register.dialect == "sqlite":
        return
    if register.actor.role not in roles:
        raise PermissionDenied(f"{register.actor.login} is {a_or_an(register.actor.role) if register.actor.role else 'no member'}; "
                               f"this needs a team {' or '.join(roles)}")


# --- take next case --------------------------------------------------------------------

def next_case_select(register: Register) -> Any:
    """The oldest-due unassigned open case, locked (PostgreSQL: skipping rows another
    agent holds): the first entry of the (assignee, is_open, due_date, id) index range,
    with no sort (``tests/team/test_team_side_by_side.py`` checks the plan)."""
    return _next_case(CaseRecord, skip_locked=register.dialect == "postgresql")


def _next_case(case: Any, *, skip_locked: bool) -> Any:
    """:func:`next_case_select` of ``case`` (``CaseRecord`` or an alias of it)."""
    stmt = (select(case)
            .where(case.assignee == "", case.is_open == true())
            .order_by(case.due_date.asc().nulls_last(), case.id)
            .limit(1))
    if skip_locked:
        stmt = stmt.with_for_update(skip_locked=True, of=case)
    return stmt


TAKE_NOTE = history_sql.TAKE_NOTE
"""The take's word after the taker's login: ``"<login> (took next case)"``."""


@functools.cache
def take_next_statement() -> Any:
    """PostgreSQL: the whole take as one statement (docs/performance.md, "Take-next
    toward its floor"). The candidate of :func:`next_case_select` is locked (SKIP
    LOCKED) and assigned by one data-modifying CTE; for the row it returns, the outer
    SELECT takes the history chain's lock (the order every write takes its locks in:
    the chain's first, then the dashboard's counts, ``store/dashboard_sql.py``) and asks
    for a take entry (``history_sql.TAKE_FLAG``, this transaction only). The row
    trigger then writes the take as one entry at the end of the statement: the row
    entry carrying the word (migration 0024, ``history_sql.TAKE_WHAT``). No row, no
    entry. Built once: building it costs more client time than the server spends
    running it."""
    from sqlalchemy import bindparam, func
    from sqlalchemy.orm import aliased

    c = CaseRecord
    free = aliased(c, name="free_case")
    candidate = _next_case(free, skip_locked=True).with_only_columns(free.id).scalar_subquery()
    login = bindparam("login", type_=c.assignee.type)
    now = bindparam("now", type_=c.updated_at.type)
    taken = (update(c).where(c.id == candidate)
             .values(assignee=login, updated_at=now, updated_by=login, version=c.version + 1)
             .returning(*c.__table__.c).cte("taken"))
    row = aliased(c, taken, name="taken_case")
    return select(row, func.pg_advisory_xact_lock(history_sql.LOCK_KEY).label("chain_lock"),
                  func.set_config(history_sql.TAKE_FLAG, "on", True).label("take_entry"))


@functools.cache
def _driver_statements(dialect: Any) -> tuple[db.DriverStatement, db.DriverStatement]:
    """The take (:func:`take_next_statement`) and the window's read of the case it hands
    out (``case_records.details_statement``), compiled once."""
    from muse_care.services.case_records import details_statement

    return (db.DriverStatement(take_next_statement(), dialect),
            db.DriverStatement(details_statement(), dialect))


def take_next_case(register: Register) -> CaseView | None:
    """Hand the oldest-due unassigned open case to the actor, or None when there is none.

    On PostgreSQL the candidate row is locked with ``FOR UPDATE SKIP LOCKED`` and assigned
    in the same statement: two agents asking at the same moment get different cases.
    On SQLite the unit of work holds the database's write lock.

    Speed (docs/performance.md, "Team take-next"): every write appends to the one
    hash-chained history under one lock held until commit, so agents taking cases at
    once queue for it. On PostgreSQL the take is one statement run as its own
    transaction (:func:`take_next_statement`): one round trip, and the lock is held only
    for the server's own work (the one entry and the commit), never across a round
    trip to this client. The case is read for the window afterwards on the same
    connection, its details in one more statement (``to_view_in_one_read``), both run on
    the driver connection (``db.DriverStatement``).
    """
    from muse_care.services.cases import to_view

    login = register.actor.login
    now = register.now()
    if register.dialect == "postgresql":
        from muse_care.services.case_records import to_view_in_one_read

        with db.storage_errors(), register.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            # on the driver itself, with no Session, ORM object or SQLAlchemy execution:
            # half this client's CPU per take (docs/performance.md, "Take-next toward
            # its floor"); the row is typed as SQLAlchemy types it
            found = _driver_statements(conn.dialect)[0].rows(conn, login=login, now=now)
            if not found:
                return None
            return to_view_in_one_read(conn, found[0], register.today(), _driver_statements(conn.dialect)[1])
    stmt = next_case_select(register)
    with register.unit_of_work() as session:
        rec = session.execute(stmt).scalar_one_or_none()
        if rec is None:
            return None
        case_id = rec.id
        rec.assignee = login
        rec.updated_at = now
        rec.updated_by = login
        HistoryWriter(session, login, now).add(rec.id, "assignee", "", f"{login} {TAKE_NOTE}")
        session.flush()
    with register.read() as session:
        taken = session.get(CaseRecord, case_id)
        assert taken is not None
        return to_view(session, taken, register.today())


# --- four eyes -------------------------------------------------------------------------

@dataclass(frozen=True)
class ApprovalView:
    id: int
    case_id: int
    case_reference: str
    requester_name: str
    due_date: date | None
    kind: str
    requested_by: str
    requested_at: datetime
    reason: str
    decided_by: str | None
    decided_at: datetime | None
    decision: str | None
    note: str

    @property
    def pending(self) -> bool:
        return self.decision is None


def _approval_select() -> Any:
    return (select(approvals, CaseRecord.reference, CaseRecord.requester_name, CaseRecord.due_date)
            .join(CaseRecord, CaseRecord.id == approvals.c.case_id))


def _approval_view(row: Any) -> ApprovalView:
    m = row._mapping
    return ApprovalView(m["id"], m["case_id"], m["reference"], m["requester_name"], m["due_date"],
                        m["kind"], m["requested_by"], m["requested_at"], m["reason"],
                        m["decided_by"], m["decided_at"], m["decision"], m["note"])


def _case_id(session: Any, ref: str | int) -> tuple[int, str, bool]:
    if isinstance(ref, int):
        cond = CaseRecord.id == ref
    else:
        canonical = normalise_reference(ref)
        if canonical is None:
            raise NotFound(f"'{ref}' is not a case reference (they look like MC-7KP-4QX9)")
        cond = CaseRecord.reference == canonical
    row = session.execute(select(CaseRecord.id, CaseRecord.reference, CaseRecord.status)
                          .where(cond)).first()
    if row is None:
        raise NotFound(f"no case {ref}")
    from muse_care.domain.case import Status

    return row[0], row[1], Status(row[2]) in OPEN_STATUSES


def _kind(kind: str) -> str:
    k = (kind or "").strip().lower()
    if k not in team_sql.APPROVAL_KINDS:
        raise ValidationError("kind", f"unknown approval kind '{kind}'; use one of: "
                              + ", ".join(team_sql.APPROVAL_KINDS))
    return k


def _require_own_or_free(register: Register, session: Any, case_id: int, reference: str) -> None:
    """An agent asks for approvals only on cases assigned to them or free (as the
    database's row-level security says too); leads and admins on any."""
    if register.dialect == "sqlite" or register.actor.role in LEAD_ROLES:
        return
    assignee = session.execute(select(CaseRecord.assignee).where(CaseRecord.id == case_id)).scalar_one()
    if assignee not in ("", register.actor.login):
        raise PermissionDenied(f"case {reference} is assigned to {assignee}; only they (or a team lead) "
                               "may ask for an approval on it")


def request_approval(register: Register, case: str | int, kind: str, reason: str) -> ApprovalView:
    """Ask a team lead to approve an extension, a refusal or a reply that discloses data."""
    kind = _kind(kind)
    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, multiline=True, required=True)
    now = register.now()
    login = register.actor.login
    with register.unit_of_work() as session:
        case_id, reference, is_open = _case_id(session, case)
        if not is_open:
            raise ValidationError("case", f"case {reference} is finished; nothing to approve")
        _require_own_or_free(register, session, case_id, reference)
        pending = session.execute(
            select(approvals.c.requested_by, approvals.c.requested_at)
            .where(approvals.c.case_id == case_id, approvals.c.kind == kind,
                   approvals.c.decision.is_(None))).first()
        if pending is not None:
            raise ValidationError("kind", f"{a_or_an(kind)} of {reference} was already put to a lead by "
                                  f"{pending[0]} on {pending[1]:%d %b %Y %H:%M}; it is waiting")
        new_id = session.execute(approvals.insert().values(
            case_id=case_id, kind=kind, requested_by=login, requested_at=now, reason=reason,
            note="").returning(approvals.c.id)).scalar_one()
        HistoryWriter(session, login, now).add(case_id, f"approval requested:{kind}", "", reason)
        return _approval_view(session.execute(_approval_select().where(approvals.c.id == new_id)).one())


_RETURN_STATUSES = frozenset(s.value for s in OPEN_STATUSES) - {"awaiting-approval"}
"""Where a case awaiting approval goes back to after the decision: an open status."""


def _apply_decision(session: Any, register: Register, case_id: int, kind: str, decision: str,
                    payload: str) -> None:
    """A lead's decision on a deferred extension or refusal: the case returns to the
    status it had, and an approved decision is made now, in the lead's name."""
    import json

    from muse_care.domain.case import Status
    from muse_care.domain.clock import ClockEventKind
    from muse_care.services import cases as cases_service

    try:
        body = json.loads(payload)
    except ValueError:
        body = None
    rec = session.get(CaseRecord, case_id)
    assert rec is not None
    if not isinstance(body, dict) or rec.status != Status.AWAITING_APPROVAL.value:
        # nothing was deferred (a request made by hand, not by MUSE Care): the decision
        # is recorded and changes nothing (docs/security.md, "Four eyes")
        return
    ch = cases_service._Change(register, session, rec,
                               HistoryWriter(session, register.actor.login, register.now()))
    others = session.execute(select(approvals.c.id).where(
        approvals.c.case_id == case_id, approvals.c.decision.is_(None),
        approvals.c.kind.in_(("extension", "refusal")), approvals.c.payload != "")).first()
    if others is None:
        # back to the status it had, if that is one an awaiting case may return to;
        # never what a payload says otherwise (anyone who may request may write one)
        previous = str(body.get("previous_status") or "")
        back = previous if previous in _RETURN_STATUSES else Status.IN_PROGRESS.value
        ch.set("status", back)
    if decision == "approved":
        if kind == "extension":
            _told_in_time(register, rec)
            # approved days after it was asked, it is recorded late: the note says why
            cases_service.event_action(ClockEventKind.EXTENDED, date.fromisoformat(body["on"]),
                                       str(body.get("reason", "")),
                                       late_reason="waited for a team lead's approval")(ch)
        else:
            cases_service._move(ch, Status.REFUSED, str(body.get("reason", "")))
    rec.updated_at, rec.updated_by = register.now(), register.actor.login
    session.flush()


def _told_in_time(register: Register, rec: CaseRecord) -> None:
    """An extension is approved only while the requester can still be told of it: by the
    original due date, on the law's day (Art. 12(3); docs/rules.md, "Extension"). Found
    by an outside tester: approved after that day, the case kept the extended due date
    although no notice could go out any more (the notice letter is refused then)."""
    from muse_care.domain.regimes import get_regime
    from muse_care.domain.workdays import day_text
    from muse_care.services.case_records import law_today

    today, zone = law_today(register, rec)
    if rec.original_due is not None and today > rec.original_due:
        raise ValidationError(
            "decision", f"the requester of {rec.reference} had to be told of an extension by "
            f"{day_text(rec.original_due)}, within {get_regime(rec.regime).period_words} of receipt; it is "
            f"{day_text(today)} in {zone}, so an extension approved now cannot be told in time and does not "
            f"hold. Reject it: the case was due on {day_text(rec.original_due)}; reply now")


def decide_approval(register: Register, approval_id: int, decision: str, note: str = "") -> ApprovalView:
    """A lead (or admin) approves or rejects a request; never their own. The decision and
    who made it go into the case's history."""
    require_role(register, *LEAD_ROLES)
    decision = (decision or "").strip().lower()
    if decision in ("approve", "reject"):
        decision += "d" if decision == "approve" else "ed"
    if decision not in team_sql.DECISIONS:
        raise ValidationError("decision", "use approved or rejected")
    note = v.clean_text("note", note, max_len=v.MAX_REASON, multiline=True,
                        required=decision == "rejected")
    now = register.now()
    login = register.actor.login
    with register.unit_of_work() as session:
        # Read without a lock: row-level security hides decided and one's own requests
        # from SELECT … FOR UPDATE, and those deserve their own messages.
        row = session.execute(select(approvals).where(approvals.c.id == approval_id)).first()
        if row is None:
            raise NotFound(f"no approval request {approval_id}")
        m = row._mapping
        if m["decision"] is not None:
            raise StaleRecord(f"approval request {approval_id}", m["decided_by"], m["decided_at"])
        if m["requested_by"] == login:
            raise PermissionDenied("you asked for this approval yourself; another team lead decides it")
        done = session.execute(
            update(approvals).where(approvals.c.id == approval_id, approvals.c.decision.is_(None))
            .values(decided_by=login, decided_at=now, decision=decision, note=note)
            .returning(approvals.c.id)).first()
        if done is None:  # another lead decided it a moment ago
            other = session.execute(select(approvals.c.decided_by, approvals.c.decided_at)
                                    .where(approvals.c.id == approval_id)).one()
            raise StaleRecord(f"approval request {approval_id}", other[0], other[1])
        HistoryWriter(session, login, now).add(
            m["case_id"], f"approval:{m['kind']}", f"requested by {m['requested_by']}",
            f"{decision} by {login}" + (f": {note}" if note else ""))
        if m["payload"] and m["kind"] in ("extension", "refusal"):
            _apply_decision(session, register, m["case_id"], m["kind"], decision, m["payload"])
        return _approval_view(session.execute(_approval_select().where(approvals.c.id == approval_id)).one())


def approval_queue(register: Register, *, pending_only: bool = True, limit: int = 500) -> list[ApprovalView]:
    """Requests waiting for a lead, oldest first (or all, newest first)."""
    stmt = _approval_select()
    if pending_only:
        stmt = stmt.where(approvals.c.decision.is_(None)).order_by(approvals.c.requested_at, approvals.c.id)
    else:
        stmt = stmt.order_by(approvals.c.requested_at.desc(), approvals.c.id.desc())
    with register.read() as session:
        return [_approval_view(r) for r in session.execute(stmt.limit(limit))]


def case_approvals(register: Register, case: str | int) -> list[ApprovalView]:
    with register.read() as session:
        case_id, _ref, _open = _case_id(session, case)
        return [_approval_view(r) for r in session.execute(
            _approval_select().where(approvals.c.case_id == case_id).order_by(approvals.c.id))]


MOVES = tuple(f"requester.{f}" for f in ("name", "address_lines", "postcode", "city", "region", "country"))
"""The history's entries of a change of the requester's name or postal address."""


def moved_since(session: Any, case_id: int, decided_by: str | None, kind: str = "disclosure") -> bool:
    """The requester's name or address changed after the lead's approval of ``kind`` (its
    history entry, written with the decision in the lead's own name, which no other
    login can write): an approval to disclose is given for the person and the address the
    case had then (an outside tester moved a verified case to a stranger's address and
    the lead's approval for the old one let the access response go there). Entries are
    compared in the history's order, not by clocks that may differ."""
    from muse_care.store.models import HistoryRecord as H

    if not decided_by:
        return False
    decided = session.execute(select(func.max(H.id)).where(
        H.case_id == case_id, H.what == f"approval:{kind}", H.actor == decided_by)).scalar()
    if decided is None:
        return False  # an approval of before its entry: nothing to compare with
    return session.execute(select(H.id).where(H.case_id == case_id, H.what.in_(MOVES), H.id > decided)
                           .limit(1)).first() is not None


def is_approved(register: Register, case: str | int, kind: str) -> bool:
    """True when the letter of this kind may be produced or dispatched: four eyes is off,
    or the newest request of that kind for the case was approved (a disclosure: and the
    requester's name and address have not changed since)."""
    kind = _kind(kind)
    if not four_eyes_enabled(register):
        return True
    with register.read() as session:
        case_id, _ref, _open = _case_id(session, case)
        row = session.execute(
            select(approvals.c.decision, approvals.c.decided_by).where(approvals.c.case_id == case_id,
                                                                         approvals.c.kind == kind)
            .order_by(approvals.c.id.desc()).limit(1)).first()
        if row is None or row[0] != "approved":
            return False
        return not (kind == "disclosure" and moved_since(session, case_id, row[1]))


def require_approved(register: Register, case: str | int, kind: str) -> None:
    """For the letters service: PermissionDenied unless :func:`is_approved`."""
    if not is_approved(register, case, kind):
        raise PermissionDenied(f"this {kind} needs a team lead's approval first (four eyes); "
                               "request it from the case")


__all__ = [
    "ApprovalView", "BulkResult", "Identity", "reassign_many", "InitReport", "KeychainUnavailable", "ServerSettings", "TeamNotReady",
    "UserView", "add_user", "apply_security", "approval_queue",
    "case_approvals", "check_assignee", "connect", "team_members", "deactivate_user", "decide_approval", "engine_for",
    "forget_password", "four_eyes_enabled", "init_team_database", "is_approved", "list_users",
    "load_password", "load_server_settings", "needs_lead", "defer_decision", "psycopg_connect_kwargs",
    "request_approval",
    "require_approved", "require_role", "save_server_settings", "store_password", "take_next_case",
    "whoami",
]


# --- the lead's bulk actions -------------------------------------------------------------

@dataclass(frozen=True)
class BulkResult:
    changed: int
    unchanged: int
    references: tuple[str, ...]


def reassign_many(register: Register, moves: Any, assignee: str | None = None) -> BulkResult:
    """Assign many cases in one unit of work, one history entry each: ``moves`` is either
    case ids (all to ``assignee``; "" releases them to the unassigned pool) or
    ``(case_id, assignee)`` pairs (a confirmed balance proposal). The same rules as one
    assignment: active members only, and an agent keeps off other agents' cases. Any
    refusal leaves every case as it was."""
    from muse_care.services.cases import check_assignment

    pairs = [(m, assignee) if isinstance(m, int) else (int(m[0]), m[1]) for m in moves]
    if any(a is None for _c, a in pairs):
        raise ValidationError("assignee", "say who gets the cases (or '' to release them)")
    if not pairs:
        return BulkResult(0, 0, ())
    now = register.now()
    login = register.actor.login
    changed, same, refs = 0, 0, []
    with register.unit_of_work() as session:
        history = HistoryWriter(session, login, now)
        ids = sorted({c for c, _a in pairs})
        stmt = select(CaseRecord).where(CaseRecord.id.in_(ids)).order_by(CaseRecord.id)
        if register.dialect == "postgresql" and register.actor.role in LEAD_ROLES:
            # (row-level security hides other agents' cases from an agent's FOR UPDATE;
            # their rows are checked below and the versioned UPDATE catches a race)
            stmt = stmt.with_for_update()
        records = {r.id: r for r in session.execute(stmt).scalars()}
        for case_id, who in pairs:
            rec = records.get(case_id)
            if rec is None:
                raise NotFound(f"no case {case_id}")
            who = v.clean_text("assignee", who or "", max_len=100)
            if rec.assignee == who:
                same += 1
                continue
            check_assignment(register, session, rec, who)
            history.add(rec.id, "assignee", rec.assignee, who)
            rec.assignee = who
            rec.updated_at = now
            rec.updated_by = login
            changed += 1
            refs.append(rec.reference)
        session.flush()
    return BulkResult(changed, same, tuple(refs))
