"""History the database writes: one entry per row change of the guarded tables, and the seal.

The application writes its own entries, in words ("status", "check:order-number",
"approval requested:extension"; ``services/history.py``). Underneath, the database
itself records every INSERT, UPDATE and DELETE of the guarded tables (``GUARDED``) as a
*row entry*: ``what`` is ``row:<table>:<insert|update|delete|baseline>``, ``tbl`` and
``row_id`` say which row, and ``data`` holds the row's full image after the change (as
JSON; a letter's PDF as its SHA-256). Row entries are chained in the same hash chain as
the word entries ("version 3": the hash covers a salted digest of ``data`` too, so
anonymisation can redact them like any other entry). No client, modified or not, can
change a guarded row without its row entry; ``muse-care audit verify`` replays the
row entries of each case and compares the result with the rows as they are.

On PostgreSQL the word entries are written by the database too: ``muse_history_word``
(SECURITY DEFINER, owned by ``muse_owner``) records ``session_user`` and the server's
time, hashed as version 3 with no table; no login may INSERT into ``history`` itself.

The window shows the word entries; a row entry is shown only when its transaction
wrote no word entry for the case (a change made outside MUSE Care), so nothing appears
twice. See docs/security.md, "History the database writes".

The **seal** (``history_seal``, one row) holds the number of entries and the newest
hash. A trigger on ``history`` moves it on with every append. On PostgreSQL only a
SECURITY DEFINER function owned by ``muse_owner`` writes it; on SQLite it also carries
an HMAC keyed by a secret kept in the OS keychain (``seal_mac``), which a writer of the
file does not have.

Both dialects use the same triggers' logic. On SQLite the triggers call functions that
MUSE Care registers on each connection (``register_sqlite_functions``); a client that
opens the file without them cannot write the guarded tables at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from datetime import datetime, timezone
from typing import Any

GENESIS = "0" * 64
V3 = "muse-history-v3"
LOCK_KEY = 0x4D55_5345  # "MUSE": the same advisory lock as the application's appends
GUARDED_AT_0007 = ("cases", "identity_checks", "clock_events", "notes", "letters", "retrievals", "approvals")
"""The guarded tables when migration 0007 installed the triggers (it keeps to these)."""
GUARDED_AT_0013 = (*GUARDED_AT_0007, "case_tasks")
"""The guarded tables from migration 0013 (``case_tasks``) to 0014."""
GUARDED = (*GUARDED_AT_0013, "letter_prints")
"""Tables whose every change the database records (``case_tasks`` since migration 0013,
the print log ``letter_prints`` since 0015)."""
NO_DELETE = ("notes", "letters", "retrievals", "clock_events", "identity_checks", "case_tasks", "letter_prints")
"""Rows nobody deletes (withdrawal is a recorded change); only anonymisation of the
case (``cases.anonymised_at`` set) removes them."""
IMAGE_EXCLUDED = ("is_open",)
"""Columns left out of a row image: derived by the database from other columns."""
BLOB_AS_DIGEST = {"letters": ("pdf",)}
"""Binary columns kept in the image as their SHA-256 (hex)."""
KEYRING_SERVICE = "muse-care"
ROW_OPS = ("insert", "update", "delete", "baseline", "load", "take")
"""The operations a row entry names (``row:<table>:<op>``); ``take`` only on ``cases``."""
TAKE_NOTE = "(took next case)"
"""What a take says after the taker's login: ``"<login> (took next case)"``."""
TAKE_WHAT = "row:cases:take"
"""PostgreSQL, since migration 0024: a take-next is one entry, the row entry of its UPDATE
carrying the word (``old_value`` '', ``new_value`` ``"<assignee> (took next case)"``,
hashed like every version-3 entry). The take statement asks for it with the
transaction-local setting ``TAKE_FLAG``; the row trigger writes it only for an UPDATE of
a free case that changes nothing but ``TAKE_FIELDS`` and gives it an assignee, and
otherwise writes a plain ``row:cases:update``. ``audit verify`` checks each one against
the row image before it (``services/history.py``); the views show it as the word
"assignee"."""
TAKE_FLAG = "muse.take"
TAKE_FIELDS = ("assignee", "updated_at", "updated_by", "version")
"""The only fields a take changes (``assignee`` from '' to someone)."""


def case_of(table: str, alias: str) -> str:
    """SQL for the case a row of ``table`` belongs to. A print of a letter
    (``letter_prints``) has no case column: its letter's case, or, once the letter is
    gone (anonymisation), the case its earlier row entries named."""
    if table == "cases":
        return f'{alias}."id"'
    if table == "letter_prints":
        return (f'coalesce((SELECT l.case_id FROM letters l WHERE l.id = {alias}."letter_id"), '
                f"(SELECT h.case_id FROM history h WHERE h.tbl = 'letter_prints' AND h.row_id = {alias}.\"id\" "
                "ORDER BY h.id DESC LIMIT 1))")
    return f'{alias}."case_id"'


# --- the hash of a version-3 entry (also computed in SQL, below) -------------------------

def sha_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def value_digest(salt: str, value: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + value.encode("utf-8")).hexdigest()


def stamp(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash_v3(prev_hash: str, case_id: int | None, at_stamp: str, actor: str, what: str,
                  old_digest: str, new_digest: str, data_digest: str, tbl: str, row_id: int | None) -> str:
    """Newline-separated, with every free-text field replaced by its SHA-256, so the
    same bytes are easy to build in SQL and no field can bleed into the next."""
    payload = "\n".join([V3, prev_hash, "" if case_id is None else str(case_id), at_stamp,
                         sha_hex(actor), sha_hex(what), old_digest, new_digest, data_digest, tbl,
                         "" if row_id is None else str(row_id)])
    return sha_hex(payload)


# --- SQLite: per-connection functions ----------------------------------------------------

SQLITE_STAMP = "%Y-%m-%d %H:%M:%S.%f"


def register_sqlite_functions(dbapi_connection: sqlite3.Connection, state: dict[str, Any]) -> None:
    """The functions the SQLite triggers call. ``state`` is this connection's: the unit
    of work puts the actor and time in it (``set_actor``); ``bulk`` pauses row entries
    for a bulk load that records them afterwards (``record_baseline``)."""

    def muse_recording() -> int:
        return 0 if state.get("bulk") else 1

    last: list[Any] = [None, ""]

    def muse_entry(prev: str | None, case_id: int | None, tbl: str, row_id: int | None,
                   op: str, data: str | None) -> str:
        # SQLite may evaluate the call once per json_extract that reads it: the same
        # arguments (the same prev hash: the same entry) give the same entry.
        args = (prev, case_id, tbl, row_id, op, data, state.get("txn"))
        if last[0] == args:
            return str(last[1])
        last[0], last[1] = args, _muse_entry(prev, case_id, tbl, row_id, op, data)
        return str(last[1])

    def _muse_entry(prev: str | None, case_id: int | None, tbl: str, row_id: int | None,
                    op: str, data: str | None) -> str:
        at = state.get("at") or datetime.now(timezone.utc)
        actor = str(state.get("actor") or "sqlite")
        data = data or ""
        what = f"row:{tbl}:{op}"
        salt = secrets.token_hex(16)
        empty = value_digest(salt, "")
        data_d = value_digest(salt, data)
        prev = prev or GENESIS
        h = entry_hash_v3(prev, case_id, stamp(at), actor, what, empty, empty, data_d, tbl, row_id)
        return json.dumps({"at": at.astimezone(timezone.utc).strftime(SQLITE_STAMP), "actor": actor,
                           "what": what, "salt": salt, "d0": empty, "dd": data_d, "prev": prev,
                           "hash": h, "txn": state.get("txn") or ""})

    def muse_sha256(value: Any) -> str | None:
        if value is None:
            return None
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()

    def muse_seal_mac(db_id: str | None, entries: int, head: str | None) -> str | None:
        return seal_mac(db_id, entries, head, create=True)

    dbapi_connection.create_function("muse_recording", 0, muse_recording)
    dbapi_connection.create_function("muse_entry", 6, muse_entry)
    dbapi_connection.create_function("muse_sha256", 1, muse_sha256, deterministic=True)
    dbapi_connection.create_function("muse_seal_mac", 3, muse_seal_mac)


_KEYS: dict[str, bytes] = {}


def _seal_key(db_id: str, create: bool) -> bytes | None:
    """The register's seal key from the OS keychain (made on first use when ``create``);
    None when there is no usable keychain."""
    import keyring
    import keyring.errors

    username = f"history-seal:{db_id}"
    cache_key = f"{id(keyring.get_keyring())}:{db_id}"
    if cache_key in _KEYS:
        return _KEYS[cache_key]
    try:
        value = keyring.get_password(KEYRING_SERVICE, username)
        if not value and create:
            value = secrets.token_hex(32)
            keyring.set_password(KEYRING_SERVICE, username, value)
            if keyring.get_password(KEYRING_SERVICE, username) != value:  # a null backend
                return None
    except (keyring.errors.KeyringError, RuntimeError):
        return None
    if not value:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    _KEYS[cache_key] = key
    return key


def seal_mac(db_id: str | None, entries: int, head: str | None, *, create: bool = False) -> str | None:
    """HMAC-SHA256 of ``"<entries>:<head>"`` under the register's keychain key."""
    if not db_id:
        return None
    key = _seal_key(db_id, create)
    if key is None:
        return None
    return hmac.new(key, f"{int(entries)}:{head or GENESIS}".encode(), hashlib.sha256).hexdigest()


def keychain_usable() -> bool:
    """False for keyring's null and fail backends (and any that cannot keep a value)."""
    import keyring
    import keyring.errors

    backend = keyring.get_keyring()
    name = type(backend).__module__ + "." + type(backend).__name__
    if name.startswith(("keyring.backends.null", "keyring.backends.fail")):
        return False
    try:
        return float(getattr(backend, "priority", 1)) > 0
    except (TypeError, ValueError, keyring.errors.KeyringError):
        return False


# --- SQLite DDL --------------------------------------------------------------------------

def _sqlite_columns(conn: Any, table: str) -> list[str]:
    rows = conn.exec_driver_sql(f'PRAGMA table_xinfo("{table}")').all()
    # hidden: 0 normal, 2/3 generated columns
    return [r[1] for r in rows if r[1] not in IMAGE_EXCLUDED and (len(r) < 7 or r[6] in (0,))]


def sqlite_image(table: str, columns: list[str], alias: str) -> str:
    """``json_object(...)`` of a row: the image a row entry holds."""
    parts = []
    for c in columns:
        if c in BLOB_AS_DIGEST.get(table, ()):
            parts.append(f"'{c}', muse_sha256({alias}.\"{c}\")")
        else:
            parts.append(f"'{c}', {alias}.\"{c}\"")
    return "json_object(" + ", ".join(parts) + ")"


def _sqlite_entry_insert(table: str, case_expr: str, row_expr: str, op: str, data_expr: str) -> str:
    return (
        "INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash, salt, "
        "old_digest, new_digest, redacted, tbl, row_id, data, data_digest, txn) "
        f"SELECT {case_expr}, json_extract(e, '$.at'), json_extract(e, '$.actor'), json_extract(e, '$.what'), "
        "'', '', json_extract(e, '$.prev'), json_extract(e, '$.hash'), json_extract(e, '$.salt'), "
        "json_extract(e, '$.d0'), json_extract(e, '$.d0'), 0, "
        f"'{table}', {row_expr}, d, json_extract(e, '$.dd'), json_extract(e, '$.txn') "
        f"FROM (SELECT muse_entry((SELECT hash FROM history ORDER BY id DESC LIMIT 1), {case_expr}, "
        f"'{table}', {row_expr}, '{op}', d) AS e, d FROM (SELECT {data_expr} AS d));")


def sqlite_trigger_statements(conn: Any, tables: tuple[str, ...] = GUARDED) -> list[str]:
    """Drop and create the row-entry, no-delete, chain and seal triggers (idempotent)."""
    out: list[str] = []
    for table in tables:
        cols = _sqlite_columns(conn, table)
        for op, when in (("insert", "INSERT"), ("update", "UPDATE"), ("delete", "DELETE")):
            name = f"muse_row_{table}_{op}"
            out.append(f'DROP TRIGGER IF EXISTS "{name}"')
            ref = "OLD" if op == "delete" else "NEW"
            data = "''" if op == "delete" else sqlite_image(table, cols, "NEW")
            cond = "muse_recording()"
            if op == "update":
                cond += f" AND {sqlite_image(table, cols, 'OLD')} IS NOT {sqlite_image(table, cols, 'NEW')}"
            body = _sqlite_entry_insert(table, case_of(table, ref), f"{ref}.\"id\"", op, data)
            out.append(f'CREATE TRIGGER "{name}" AFTER {when} ON "{table}" FOR EACH ROW WHEN {cond} '
                       f"BEGIN {body} END")
        if table in NO_DELETE:
            out.append(f'DROP TRIGGER IF EXISTS "muse_nodelete_{table}"')
            out.append(f'CREATE TRIGGER "muse_nodelete_{table}" BEFORE DELETE ON "{table}" FOR EACH ROW '
                       f"WHEN (SELECT anonymised_at FROM cases WHERE id = {case_of(table, 'OLD')}) IS NULL BEGIN "
                       f"SELECT RAISE(ABORT, '{table} rows cannot be deleted: withdraw instead "
                       "(a recorded change)'); END")
    out += [
        'DROP TRIGGER IF EXISTS "muse_history_chain"',
        "CREATE TRIGGER \"muse_history_chain\" BEFORE INSERT ON history FOR EACH ROW "
        "WHEN NEW.prev_hash IS NOT coalesce((SELECT hash FROM history ORDER BY id DESC LIMIT 1), "
        f"'{GENESIS}') BEGIN SELECT RAISE(ABORT, 'history entry does not follow the newest entry'); END",
        'DROP TRIGGER IF EXISTS "muse_history_seal"',
        "CREATE TRIGGER \"muse_history_seal\" AFTER INSERT ON history FOR EACH ROW BEGIN "
        "UPDATE history_seal SET entries = entries + 1, head = NEW.hash, "
        "mac = muse_seal_mac(db_id, entries + 1, NEW.hash) WHERE id = 1; END",
        'DROP TRIGGER IF EXISTS "muse_history_no_delete"',
        "CREATE TRIGGER \"muse_history_no_delete\" BEFORE DELETE ON history FOR EACH ROW BEGIN "
        "SELECT RAISE(ABORT, 'the history is append-only: DELETE is not allowed'); END",
        'DROP TRIGGER IF EXISTS "muse_seal_no_delete"',
        "CREATE TRIGGER \"muse_seal_no_delete\" BEFORE DELETE ON history_seal FOR EACH ROW BEGIN "
        "SELECT RAISE(ABORT, 'the seal cannot be deleted'); END",
    ]
    return out


def install_sqlite(conn: Any, tables: tuple[str, ...] = GUARDED) -> None:
    for sql in sqlite_trigger_statements(conn, tables):
        conn.exec_driver_sql(sql)


# --- PostgreSQL DDL ----------------------------------------------------------------------

def _pg_sha(expr: str) -> str:
    """SQL for ``sha_hex`` of a text expression, written out in the definer functions
    (a call of ``muse_sha`` is a function call each time: it is not inlined)."""
    return f"encode(sha256(convert_to({expr}, 'UTF8')), 'hex')"


def _pg_digest(expr: str) -> str:
    """SQL for ``value_digest(v_salt, expr)``, written out as :func:`_pg_sha` is."""
    return f"encode(sha256(decode(v_salt, 'hex') || convert_to({expr}, 'UTF8')), 'hex')"


_DIGEST_EMPTY, _DIGEST_DATA = _pg_digest("''"), _pg_digest("p_data")
_TAKE_KEEPS = "ARRAY[" + ", ".join(f"'{f}'" for f in TAKE_FIELDS) + "]"
_DIGEST_OLD, _DIGEST_NEW = _pg_digest("v_old"), _pg_digest("v_new")
_SHA_ACTOR, _SHA_WHAT, _SHA_P_WHAT = _pg_sha("v_actor"), _pg_sha("v_what"), _pg_sha("p_what")
_SHA_ENTRY = _pg_sha(f"'{V3}' || E'\\n' || v_prev || E'\\n' || v_rest")
"""The entry's hash (``entry_hash_v3``): the version, the previous hash and the rest,
newline-separated, the rest (``v_rest``) hashed before the lock."""

PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION muse_sha(t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex') $$;

CREATE OR REPLACE FUNCTION muse_digest(salt text, t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT encode(sha256(decode(salt, 'hex') || convert_to(t, 'UTF8')), 'hex') $$;

CREATE OR REPLACE FUNCTION muse_history_append(p_case bigint, p_tbl text, p_row bigint, p_op text, p_data text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_prev text; v_salt text := replace(gen_random_uuid()::text, '-', ''); v_at timestamptz := now();
    v_actor text := session_user; v_what text := 'row:' || p_tbl || ':' || p_op; v_d0 text; v_dd text;
    v_rest text; v_hash text; v_new text := ''; v_d_new text;
BEGIN
    -- Everything but the previous hash is hashed before the lock (held until commit,
    -- the chain's one queue): under it, one read of the head, one SHA-256, the INSERT.
    v_d0 := {_DIGEST_EMPTY};
    v_dd := {_DIGEST_DATA};
    v_d_new := v_d0;
    IF p_op = 'take' THEN  -- a take (migration 0024): the row entry carries the word
        v_new := (p_data::jsonb ->> 'assignee') || ' {TAKE_NOTE}';
        v_d_new := {_DIGEST_NEW};
    END IF;
    v_rest := concat_ws(E'\\n', coalesce(p_case::text, ''),
        to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        {_SHA_ACTOR}, {_SHA_WHAT}, v_d0, v_d_new, v_dd, p_tbl, coalesce(p_row::text, ''));
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    SELECT hash INTO v_prev FROM history ORDER BY id DESC LIMIT 1;
    v_prev := coalesce(v_prev, '{GENESIS}');
    v_hash := {_SHA_ENTRY};
    INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash, salt,
                         old_digest, new_digest, redacted, tbl, row_id, data, data_digest, txn)
    VALUES (p_case, v_at, v_actor, v_what, '', v_new, v_prev, v_hash, v_salt, v_d0, v_d_new, false,
            p_tbl, p_row, p_data, v_dd, txid_current()::text);
END $$;

CREATE OR REPLACE FUNCTION muse_history_word(p_case bigint, p_what text, p_old text, p_new text,
                                             p_actor text, p_at timestamptz)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_prev text; v_salt text := replace(gen_random_uuid()::text, '-', ''); v_at timestamptz := now();
    v_actor text := session_user; v_old text := coalesce(p_old, ''); v_new text := coalesce(p_new, '');
    v_d_old text; v_d_new text; v_dd text; v_rest text; v_hash text;
BEGIN
    -- A word entry is in the name of the login that writes it, at the server's time.
    -- Only a superuser (who can write anything anyway) may write in a name and at a
    -- time of the application's: a single-user register on a server, the demo data.
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        v_actor := coalesce(nullif(p_actor, ''), session_user);
        v_at := coalesce(p_at, now());
    END IF;
    IF coalesce(p_what, '') = '' OR p_what LIKE 'row:%' THEN
        RAISE EXCEPTION 'a word entry needs a name, and row entries (row:...) are the database''s own'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    v_d_old := {_DIGEST_OLD};
    v_d_new := {_DIGEST_NEW};
    v_dd := {_DIGEST_EMPTY};
    v_rest := concat_ws(E'\\n', coalesce(p_case::text, ''),
        to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        {_SHA_ACTOR}, {_SHA_P_WHAT}, v_d_old, v_d_new, v_dd, '', '');
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    SELECT hash INTO v_prev FROM history ORDER BY id DESC LIMIT 1;
    v_prev := coalesce(v_prev, '{GENESIS}');
    v_hash := {_SHA_ENTRY};
    INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash, salt,
                         old_digest, new_digest, redacted, tbl, row_id, data, data_digest, txn)
    VALUES (p_case, v_at, v_actor, p_what, v_old, v_new, v_prev, v_hash, v_salt, v_d_old, v_d_new, false,
            NULL, NULL, '', v_dd, txid_current()::text);
END $$;

CREATE OR REPLACE FUNCTION muse_row_image(p_tbl text, p_row jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    p_row := p_row - 'is_open';
    IF p_tbl = 'letters' THEN
        p_row := (p_row - 'pdf') || jsonb_build_object('pdf',
            encode(sha256(decode(substr(p_row ->> 'pdf', 3), 'hex')), 'hex'));
    END IF;
    RETURN p_row;
END $$;

CREATE OR REPLACE FUNCTION muse_history_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
    v_row jsonb; v_case bigint; v_data text := ''; v_super boolean; v_op text := lower(TG_OP); v_old jsonb;
BEGIN
    SELECT rolsuper INTO v_super FROM pg_roles WHERE rolname = session_user;
    IF coalesce(current_setting('muse.bulk', true), '') = 'on' AND v_super THEN
        RETURN NULL;  -- a superuser's bulk load records its rows afterwards
    END IF;
    IF TG_OP = 'DELETE' THEN
        v_row := to_jsonb(OLD);
    ELSE
        v_row := to_jsonb(NEW);
        IF TG_OP = 'UPDATE' THEN
            v_old := to_jsonb(OLD);
            IF v_row = v_old THEN
                RETURN NULL;
            END IF;
        END IF;
        v_data := muse_row_image(TG_TABLE_NAME, v_row)::text;
    END IF;
    -- A take-next (migration 0024): asked for by the take statement, for this one row;
    -- the entry carries the word only if the change is a take and nothing else
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'cases'
       AND coalesce(current_setting('{TAKE_FLAG}', true), '') = 'on' THEN
        PERFORM set_config('{TAKE_FLAG}', '', true);
        IF (v_old ->> 'assignee') = '' AND coalesce(v_row ->> 'assignee', '') <> ''
           AND (v_old - {_TAKE_KEEPS}) = (v_row - {_TAKE_KEEPS}) THEN
            v_op := 'take';
        END IF;
    END IF;
    v_case := CASE WHEN TG_TABLE_NAME = 'cases' THEN (v_row ->> 'id')::bigint
                   WHEN TG_TABLE_NAME = 'letter_prints' THEN coalesce(
                       (SELECT l.case_id FROM letters l WHERE l.id = (v_row ->> 'letter_id')::bigint),
                       (SELECT h.case_id FROM history h WHERE h.tbl = 'letter_prints'
                        AND h.row_id = (v_row ->> 'id')::bigint ORDER BY h.id DESC LIMIT 1))
                   ELSE (v_row ->> 'case_id')::bigint END;
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ({", ".join(f"'{t}'" for t in NO_DELETE)})
       AND ((SELECT anonymised_at FROM cases WHERE id = v_case) IS NULL
            OR NOT (v_super OR pg_has_role(session_user, 'muse_admin', 'MEMBER'))) THEN
        RAISE EXCEPTION '% rows cannot be deleted: withdraw instead (a recorded change)', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM muse_history_append(v_case, TG_TABLE_NAME, (v_row ->> 'id')::bigint, v_op, v_data);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION muse_history_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE v_prev text;
BEGIN
    SELECT hash INTO v_prev FROM history ORDER BY id DESC LIMIT 1;
    IF NEW.prev_hash IS DISTINCT FROM coalesce(v_prev, '{GENESIS}') THEN
        RAISE EXCEPTION 'history entry does not follow the newest entry' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION muse_history_seal() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE history_seal SET entries = entries + 1, head = NEW.hash WHERE id = 1;
    RETURN NULL;
END $$;

-- Nobody calls the definer functions but their owner (the triggers run them); a new
-- function is PUBLIC's until this. The team's members get the word-entry function from
-- `team init` (store/team_sql.py).
REVOKE ALL ON FUNCTION muse_history_append(bigint, text, bigint, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION muse_history_row() FROM PUBLIC;
REVOKE ALL ON FUNCTION muse_history_chain() FROM PUBLIC;
REVOKE ALL ON FUNCTION muse_history_seal() FROM PUBLIC;
REVOKE ALL ON FUNCTION muse_history_word(bigint, text, text, text, text, timestamptz) FROM PUBLIC;
"""


def pg_trigger_statements(tables: tuple[str, ...] = GUARDED) -> list[str]:
    out = [PG_FUNCTIONS]
    for table in tables:
        out.append(f'DROP TRIGGER IF EXISTS "muse_row_{table}" ON "{table}"')
        out.append(f'CREATE TRIGGER "muse_row_{table}" AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                   "FOR EACH ROW EXECUTE FUNCTION muse_history_row()")
    out += [
        'DROP TRIGGER IF EXISTS "muse_history_chain" ON history',
        'CREATE TRIGGER "muse_history_chain" BEFORE INSERT ON history FOR EACH ROW '
        "EXECUTE FUNCTION muse_history_chain()",
        'DROP TRIGGER IF EXISTS "muse_history_seal" ON history',
        'CREATE TRIGGER "muse_history_seal" AFTER INSERT ON history FOR EACH ROW '
        "EXECUTE FUNCTION muse_history_seal()",
    ]
    return out


WORD_FUNCTION = "muse_history_word(bigint, text, text, text, text, timestamptz)"
"""Writes a word entry (PostgreSQL): the only way a team member's login writes the
history (``services/history.py``, ``HistoryWriter``)."""
PG_DEFINER_FUNCTIONS = ("muse_history_append(bigint, text, bigint, text, text)", "muse_history_row()",
                        "muse_history_chain()", "muse_history_seal()", WORD_FUNCTION)


def pg_image_sql(table: str, alias: str) -> str:
    return f"muse_row_image('{table}', to_jsonb({alias}))::text"


def install_pg(conn: Any, tables: tuple[str, ...] = GUARDED) -> None:
    raw = conn.connection.driver_connection
    for sql in pg_trigger_statements(tables):
        raw.execute(sql)


def install(conn: Any, tables: tuple[str, ...] = GUARDED) -> None:
    """Install the triggers on ``tables`` (a migration passes the tables of its own time)."""
    if conn.dialect.name == "sqlite":
        install_sqlite(conn, tables)
    else:
        install_pg(conn, tables)


# --- rows with no row entry yet (migration, bulk loads) ----------------------------------

def record_baseline(conn: Any, table: str, min_id: int = 0, op: str = "baseline") -> int:
    """Write a row entry for each row of ``table`` with ``id >= min_id``, in id order
    (after a migration, or a bulk load that paused the triggers). Returns how many."""
    case_expr = case_of(table, "t")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
        n = conn.exec_driver_sql(
            f"SELECT count(*) FROM (SELECT muse_history_append(({case_expr})::bigint, '{table}', "
            f"t.id::bigint, '{op}', {pg_image_sql(table, 't')}) FROM \"{table}\" t WHERE t.id >= %(m)s "
            "ORDER BY t.id) x", {"m": min_id}).scalar_one()
        return int(n)
    cols = _sqlite_columns(conn, table)
    image = sqlite_image(table, cols, "t")
    state = sqlite_state(conn)
    at = state.get("at") or datetime.now(timezone.utc)
    entries = _RowEntries(table, op, at, str(state.get("actor") or "sqlite"), state.get("txn") or "",
                          at.astimezone(timezone.utc).strftime(SQLITE_STAMP))
    prev = conn.exec_driver_sql("SELECT hash FROM history ORDER BY id DESC LIMIT 1").scalar() or GENESIS
    raw = conn.connection.driver_connection
    reader, writer = raw.cursor(), raw.cursor()
    n = 0
    try:
        reader.execute(f"SELECT t.id, {case_expr}, {image} FROM \"{table}\" t WHERE t.id >= ? "
                       "ORDER BY t.id", (min_id,))
        while rows := reader.fetchmany(50_000):
            out, prev = entries.chain(rows, prev)
            writer.executemany(
                f"INSERT INTO history ({', '.join(ROW_ENTRY_COLUMNS)}) "
                "VALUES (?, ?, ?, ?, '', '', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)", out)
            n += len(out)
    finally:
        reader.close()
        writer.close()
    return n


ROW_ENTRY_COLUMNS = ("case_id", "at", "actor", "what", "old_value", "new_value", "prev_hash", "hash", "salt",
                     "old_digest", "new_digest", "redacted", "tbl", "row_id", "data", "data_digest", "txn")
"""A row entry's columns; ``_RowEntries.chain`` gives each row's values without the
constant ``old_value``, ``new_value`` (both '') and ``redacted`` (false)."""


class _RowEntries:
    """Row entries of one table's rows, hashed as ``entry_hash_v3`` hashes them (and as
    ``muse_history_append`` does in SQL), the fields the same for every row hashed once."""

    def __init__(self, table: str, op: str, at: datetime, actor: str, txn: str, at_db: Any) -> None:
        self.table, self.actor, self.txn, self.at_db = table, actor, txn, at_db
        self.what = f"row:{table}:{op}"
        self.mid = "\n".join([stamp(at), sha_hex(actor), sha_hex(self.what)])

    def chain(self, rows: list[tuple[Any, Any, str]], prev: str) -> tuple[list[tuple[Any, ...]], str]:
        """(row id, case id, image) rows -> entry values chained from ``prev``; and the new head."""
        sha256, table, mid, at_db, actor, what, txn = (hashlib.sha256, self.table, self.mid, self.at_db,
                                                      self.actor, self.what, self.txn)
        salts = secrets.token_bytes(16 * len(rows))
        out = []
        for i, (row_id, case_id, data) in enumerate(rows):
            salt = salts[16 * i:16 * i + 16]
            d0, dd = sha256(salt).hexdigest(), sha256(salt + data.encode("utf-8")).hexdigest()
            payload = (f"{V3}\n{prev}\n{'' if case_id is None else case_id}\n{mid}\n{d0}\n{d0}\n{dd}\n"
                       f"{table}\n{'' if row_id is None else row_id}")
            h = sha256(payload.encode("utf-8")).hexdigest()
            out.append((case_id, at_db, actor, what, prev, h, salt.hex(), d0, d0, table, row_id, data, dd, txn))
            prev = h
        return out, prev


def copy_row_entries(conn: Any, table: str, min_id: int, op: str = "load") -> int:
    """PostgreSQL, with the history's chain and seal triggers disabled by the caller
    (a superuser's bulk load): the row entries ``record_baseline`` would write, hashed
    here and sent with one COPY; the caller moves the seal on afterwards."""
    case_expr = case_of(table, "t")
    raw = conn.connection.driver_connection
    at, actor, txn = raw.execute("SELECT now(), session_user, txid_current()::text").fetchone()
    entries = _RowEntries(table, op, at, actor, txn, at)
    prev = raw.execute("SELECT hash FROM history ORDER BY id DESC LIMIT 1").fetchone()
    prev = prev[0] if prev else GENESIS
    columns = ", ".join(ROW_ENTRY_COLUMNS)
    n = 0
    with raw.cursor(name=f"muse_rows_{table}") as reader, raw.cursor() as writer:
        reader.execute(f"SELECT t.id, {case_expr}, {pg_image_sql(table, 't')} FROM \"{table}\" t "
                       "WHERE t.id >= %s ORDER BY t.id", (min_id,))
        while rows := reader.fetchmany(50_000):
            out, prev = entries.chain(rows, prev)
            with writer.copy(f"COPY history ({columns}) FROM STDIN") as copy:
                for row in out:
                    copy.write_row((*row[:4], "", "", *row[4:9], False, *row[9:]))
            n += len(out)
    return n


def sqlite_state(conn: Any) -> dict[str, Any]:
    """This SQLite connection's state dict (see ``register_sqlite_functions``)."""
    info = conn.connection.info
    return info.setdefault("muse", {})  # type: ignore[no-any-return]


def set_bulk(conn: Any, on: bool) -> None:
    """Pause (or resume) row entries for a bulk load in this transaction; the load then
    records its rows with :func:`record_loaded`. On PostgreSQL only a superuser's
    pause counts (the trigger checks)."""
    if conn.dialect.name == "sqlite":
        sqlite_state(conn)["bulk"] = on
    else:
        conn.exec_driver_sql("SELECT set_config('muse.bulk', %(v)s, true)", {"v": "on" if on else "off"})


def next_ids(conn: Any) -> dict[str, int]:
    """The first id a new row of each guarded table will get (before a bulk load)."""
    return {t: int(conn.exec_driver_sql(f'SELECT coalesce(max(id), 0) + 1 FROM "{t}"').scalar_one())
            for t in GUARDED}


def record_loaded(conn: Any, first_ids: dict[str, int]) -> int:
    """Row entries for every row a bulk load added (ids from ``first_ids`` on)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
    # "load": the audit knows these entries for MUSE Care's own (no word entry per row)
    return sum(record_baseline(conn, t, first_ids[t], op="load") for t in GUARDED)
