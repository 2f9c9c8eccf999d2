"""Team mode in the database: the approvals table and the SQL security model.

A team works one PostgreSQL database. Every person connects as their own login role,
member of one group role; the database itself enforces what each group may do, so a
modified client cannot exceed its role even with raw SQL:

``muse_agent``  reads and works cases (no DELETE of cases), writes word entries only
               through ``muse_history_word`` (as itself, at the server's time; nobody
               INSERTs into ``history``), requests approvals, logs prints of its letters;
               cannot read ``users``, cannot write ``settings``, cannot decide approvals.
``muse_lead``   everything an agent may, plus reading ``users`` and deciding approvals
               (never their own: a row-level policy and a CHECK constraint say so).
``muse_admin``  everything a lead may, plus ``users``, ``settings`` and ``sources``
               writes and deleting cases.
``muse_owner``  owns the tables; nobody logs in as it. Even it has no UPDATE, DELETE
               or TRUNCATE on ``history``.

The history is append-only for everyone: no role holds DELETE/TRUNCATE or a table-wide
UPDATE on it, and a trigger raises on any attempt (a superuser can still disable the
trigger: the hash chain, ``muse-care audit verify``, is what catches that). The one
exception is anonymisation's redaction of version-2 entries (``services/history.py``):
``muse_admin`` holds UPDATE on the columns ``old_value, new_value, salt, redacted``
only, and the trigger lets an UPDATE through only when the role may act as
``muse_admin``, the transaction has set ``muse.redacting`` to ``on``, the entry has
digests, and the update blanks both values, erases the salt and sets ``redacted`` while
every other column stays as it was. The chain, over the digests, still verifies.

Every row field that names a person is held to ``session_user`` by a BEFORE trigger
(``NAME_FIELDS``), and the print log has row-level security like the letters
(docs/security.md, "Roles").

The statements here are applied by ``muse-care team init`` (idempotent; run it again
after every upgrade). The change notifications (LISTEN/NOTIFY) come from migration 0003.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text,
)

from muse_care.store.models import Base, UTCDateTime

AGENT, LEAD, ADMIN, OWNER = "muse_agent", "muse_lead", "muse_admin", "muse_owner"
GROUP_OF_ROLE = {"agent": AGENT, "lead": LEAD, "admin": ADMIN}
ROLE_OF_GROUP = {v: k for k, v in GROUP_OF_ROLE.items()}

CASE_CHANNEL = "muse_case_changed"
APPROVAL_CHANNEL = "muse_approval_changed"

APPROVAL_KINDS = ("extension", "refusal", "disclosure")
DECISIONS = ("approved", "rejected")

approvals = Table(
    "approvals", Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("requested_by", String(100), nullable=False),
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", UTCDateTime(), nullable=True),
    Column("decision", String(16), nullable=True),
    Column("note", Text, nullable=False, default=""),
    # what the decision will do once approved (JSON: the extension's date and reason, the
    # refusal's reason, the status to return to); empty for a letter-only approval
    Column("payload", Text, nullable=False, default="", server_default=""),
    CheckConstraint("kind IN ('extension', 'refusal', 'disclosure')", name="kind"),
    CheckConstraint("decision IS NULL OR decision IN ('approved', 'rejected')", name="decision"),
    CheckConstraint("decided_by IS NULL OR decided_by <> requested_by", name="four_eyes"),
    Index("ix_approvals_case_kind", "case_id", "kind", "id"),
    Index("ix_approvals_pending", "decision", "requested_at", "id"),
)
"""A request for a team lead's approval (four eyes) and its decision."""


# --- the security model, applied by `team init` ----------------------------------------

def role_statements() -> list[str]:
    """Cluster-wide group roles (NOLOGIN); safe to run again and concurrently."""
    out = []
    for role in (OWNER, AGENT, LEAD, ADMIN):
        out.append(
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
            f"CREATE ROLE {role} NOLOGIN; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")
    out.append(f"GRANT {AGENT} TO {LEAD}")
    out.append(f"GRANT {LEAD} TO {ADMIN}")
    return out


HISTORY_GUARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION muse_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF coalesce(current_setting('muse.redacting', true), '') = 'on'
           AND pg_has_role(current_user, '{ADMIN}', 'USAGE')
           AND OLD.old_digest IS NOT NULL AND OLD.new_digest IS NOT NULL
           AND NEW.old_value = '' AND NEW.new_value = '' AND NEW.data = '' AND NEW.redacted
           AND NEW.salt IS NULL
           AND (to_jsonb(NEW) - ARRAY['old_value', 'new_value', 'data', 'salt', 'redacted'])
               = (to_jsonb(OLD) - ARRAY['old_value', 'new_value', 'data', 'salt', 'redacted'])
        THEN
            RETURN NEW;  -- anonymisation's redaction of a version-2/3 entry, nothing else
        END IF;
    END IF;
    RAISE EXCEPTION 'the history is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

HISTORY_GUARD = HISTORY_GUARD_FUNCTION + """
DROP TRIGGER IF EXISTS history_append_only ON history;
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION muse_history_append_only();
DROP TRIGGER IF EXISTS history_no_truncate ON history;
CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history
    FOR EACH STATEMENT EXECUTE FUNCTION muse_history_append_only();
DROP TRIGGER IF EXISTS history_seal_guard ON history_seal;
CREATE TRIGGER history_seal_guard BEFORE DELETE OR TRUNCATE ON history_seal
    FOR EACH STATEMENT EXECUTE FUNCTION muse_history_append_only();
"""

FOUR_EYES_GUARD = f"""
CREATE OR REPLACE FUNCTION muse_four_eyes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF pg_has_role(session_user, '{LEAD}', 'MEMBER')
       OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
       OR coalesce((SELECT value FROM settings WHERE key = 'four_eyes'), 'true') = 'false' THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'clock_events' THEN
        IF NEW.kind = 'extended' THEN
            RAISE EXCEPTION 'an extension needs a team lead''s approval (four eyes)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status = 'refused' THEN
        IF TG_OP = 'INSERT' THEN
            RAISE EXCEPTION 'a refusal needs a team lead''s approval (four eyes)'
                USING ERRCODE = 'insufficient_privilege';
        ELSIF OLD.status IS DISTINCT FROM 'refused' THEN
            RAISE EXCEPTION 'a refusal needs a team lead''s approval (four eyes)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.status = 'awaiting-approval' AND NEW.status IS DISTINCT FROM OLD.status
           AND EXISTS (SELECT 1 FROM approvals a WHERE a.case_id = NEW.id AND a.decision IS NULL
                       AND a.kind IN ('extension', 'refusal') AND a.payload <> '') THEN
            RAISE EXCEPTION 'the case is awaiting a team lead''s approval (four eyes)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.extended AND NOT OLD.extended THEN
            RAISE EXCEPTION 'an extension needs a team lead''s approval (four eyes)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS muse_four_eyes ON clock_events;
CREATE TRIGGER muse_four_eyes BEFORE INSERT OR UPDATE ON clock_events
    FOR EACH ROW EXECUTE FUNCTION muse_four_eyes();
DROP TRIGGER IF EXISTS muse_four_eyes ON cases;
CREATE TRIGGER muse_four_eyes BEFORE INSERT OR UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION muse_four_eyes();
"""

# Child tables of a case: an agent writes them only for cases that are theirs or free.
CASE_CHILD_TABLES = ("identity_checks", "clock_events", "notes", "letters", "retrievals", "case_tasks")
_AGENT_CASE = "assignee IN ('', session_user)"

# Tables with their own rules; every other table is a work table (agents read and write).
SPECIAL_TABLES = {"history", "users", "settings", "approvals", "alembic_version", "cases", "sources",
                  "history_seal", "letter_prints", "open_case_counts", "case_answers", "answers_by_day",
                  "answers_zone"}

# The print log (who printed which letter when): evidence like the case's other rows.
# Everyone reads it (as everyone reads the cases); an agent logs a print only of a letter
# whose case is theirs or free (as for the letter itself); nobody but an admin changes a
# row (anonymisation blanks a reprint's reason), and the row trigger refuses deletes.
_LETTER_MINE = ("EXISTS (SELECT 1 FROM letters l JOIN cases c ON c.id = l.case_id "
                f"WHERE l.id = letter_id AND c.{_AGENT_CASE})")
LETTER_PRINTS_STATEMENTS = [
    f"REVOKE ALL ON letter_prints FROM PUBLIC, {AGENT}, {LEAD}, {ADMIN}",
    f"GRANT SELECT, INSERT ON letter_prints TO {AGENT}",
    f"GRANT UPDATE, DELETE ON letter_prints TO {ADMIN}",
    "ALTER TABLE letter_prints ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS letter_prints_read ON letter_prints",
    f"CREATE POLICY letter_prints_read ON letter_prints FOR SELECT TO {AGENT} USING (true)",
    "DROP POLICY IF EXISTS letter_prints_agent_insert ON letter_prints",
    f"CREATE POLICY letter_prints_agent_insert ON letter_prints FOR INSERT TO {AGENT} WITH CHECK ({_LETTER_MINE})",
    "DROP POLICY IF EXISTS letter_prints_lead ON letter_prints",
    f"CREATE POLICY letter_prints_lead ON letter_prints FOR ALL TO {LEAD} USING (true) WITH CHECK (true)",
]

# The history: every member reads it; nobody INSERTs into it. Row entries come from the
# row triggers, word entries from ``muse_history_word`` (store/history_sql.py), both
# SECURITY DEFINER functions owned by muse_owner that write ``session_user`` and the
# server's time.
HISTORY_WRITE_STATEMENTS = [
    f"REVOKE INSERT ON history FROM PUBLIC, {AGENT}, {LEAD}, {ADMIN}",
    "DROP POLICY IF EXISTS history_append ON history",
]

# --- names in row fields: the server's, not the client's --------------------------------

NAME_FIELDS: dict[str, dict[str, str]] = {
    "cases": {"created_by": "fixed", "updated_by": "writer"},
    "clock_events": {"recorded_by": "fixed", "voided_by": "set"},
    "identity_checks": {"checked_by": "set"},
    "notes": {"written_by": "fixed"},
    "letters": {"generated_by": "fixed", "approved_by": "set", "dispatched_by": "set", "withdrawn_by": "set"},
    "letter_prints": {"printed_by": "fixed"},
    "print_runs": {"built_by": "fixed"},
    "retrievals": {"retrieved_by": "fixed"},
    "settings": {"updated_by": "writer"},
    "case_recipients": {"settled_by": "settled"},
    "case_holds": {"placed_by": "fixed", "released_by": "set"},
    "retention_log": {"actor": "fixed"},
    "case_tasks": {"done_by": "set"},
}
"""Every row field that names a person (``approvals`` has its own row-level rules,
``history.actor`` is the history functions'). On PostgreSQL a BEFORE trigger holds them
to the login writing the row (``session_user``); a superuser's writes pass as they are.

- ``fixed``: who made the row: the writer's login on INSERT, never changed afterwards.
- ``set``: who did a later step (checked, dispatched, done…): empty, or set to the
  writer's login when it changes.
- ``settled``: like ``set``, but never empty.
- ``writer``: who changed the row last: the server sets it to the writer's login on
  every INSERT and UPDATE, whatever the client sent."""


def names_function_sql(table: str, fields: dict[str, str]) -> str:
    """The BEFORE INSERT OR UPDATE trigger function of one table's name fields."""
    checks = []
    for col, mode in fields.items():
        q = f'NEW."{col}"'
        if mode == "writer":
            checks.append(f"    {q} := session_user;")
            continue
        allowed = f"{q} = session_user" if mode in ("fixed", "settled") else f"({q} = '' OR {q} = session_user)"
        if mode == "fixed":
            checks.append(
                f"    IF (TG_OP = 'INSERT' AND NOT coalesce({allowed}, false))\n"
                f"       OR (TG_OP = 'UPDATE' AND {q} IS DISTINCT FROM OLD.\"{col}\") THEN\n"
                f"        RAISE EXCEPTION '{table}.{col} names who made the row: session_user (%), not %, "
                f"and it never changes (no row in another''s name)', session_user, {q} "
                "USING ERRCODE = 'insufficient_privilege';\n"
                "    END IF;")
        else:
            checks.append(
                f"    IF (TG_OP = 'INSERT' OR {q} IS DISTINCT FROM OLD.\"{col}\") AND NOT coalesce({allowed}, false) THEN\n"
                f"        RAISE EXCEPTION '{table}.{col} may name only session_user (%), not % "
                f"(no row in another''s name)', session_user, {q} USING ERRCODE = 'insufficient_privilege';\n"
                "    END IF;")
    body = "\n".join(checks)
    return (f"CREATE OR REPLACE FUNCTION muse_names_{table}() RETURNS trigger\n"
            "LANGUAGE plpgsql SET search_path = public, pg_temp AS $$\n"
            "BEGIN\n"
            "    IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN\n"
            "        RETURN NEW;  -- a superuser can write anything anyway (docs/security.md, \"Limits\")\n"
            "    END IF;\n"
            f"{body}\n"
            "    RETURN NEW;\n"
            "END $$")


def names_statements(tables: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """Create (again) the name triggers on those of ``NAME_FIELDS``' tables in ``tables``."""
    out = []
    for table, fields in NAME_FIELDS.items():
        if tables is not None and table not in tables:
            continue
        out.append(names_function_sql(table, fields))
        out.append(f'DROP TRIGGER IF EXISTS muse_names ON "{table}"')
        out.append(f'CREATE TRIGGER muse_names BEFORE INSERT OR UPDATE ON "{table}" '
                   f"FOR EACH ROW EXECUTE FUNCTION muse_names_{table}()")
    return out


def database_statements(database: str, tables: list[str], sequences: list[str]) -> list[str]:
    """Grants, ownership, row-level security and the history guard for one database."""
    q = '"' + database.replace('"', '""') + '"'
    groups = f"{AGENT}, {LEAD}, {ADMIN}"
    out = [
        f"REVOKE ALL ON DATABASE {q} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {q} TO {AGENT}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {AGENT}, {OWNER}",
    ]
    for t in tables:
        out.append(f'ALTER TABLE "{t}" OWNER TO {OWNER}')
        out.append(f'REVOKE ALL ON "{t}" FROM PUBLIC, {groups}')
    for s in sequences:
        out.append(f'GRANT USAGE, SELECT ON SEQUENCE "{s}" TO {AGENT}')
    for t in tables:
        if t in SPECIAL_TABLES:
            continue
        out.append(f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{t}" TO {AGENT}')
    out += [
        f"GRANT SELECT ON alembic_version TO {AGENT}",
        f"GRANT SELECT, INSERT, UPDATE ON cases TO {AGENT}",
        f"GRANT DELETE ON cases TO {ADMIN}",
        f"GRANT SELECT ON sources TO {AGENT}",
        f"GRANT INSERT, UPDATE, DELETE ON sources TO {ADMIN}",
        f"GRANT SELECT ON settings TO {AGENT}",
        f"GRANT INSERT, UPDATE ON settings TO {ADMIN}",
        f"GRANT SELECT ON users TO {LEAD}",
        f"GRANT INSERT, UPDATE, DELETE ON users TO {ADMIN}",
        # history: read, nothing else, for everyone including the owner; the definer
        # functions append (HISTORY_WRITE_STATEMENTS)
        f"GRANT SELECT ON history TO {AGENT}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON history FROM PUBLIC, {OWNER}, {groups}",
        *HISTORY_WRITE_STATEMENTS,
        # (a table-level REVOKE also takes back column grants:) redaction, admins only,
        # and the trigger checks the rest
        f"GRANT UPDATE (old_value, new_value, data, salt, redacted) ON history TO {ADMIN}",
        "ALTER TABLE history ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS history_read ON history",
        f"CREATE POLICY history_read ON history FOR SELECT TO {AGENT} USING (true)",
        "DROP POLICY IF EXISTS history_redact ON history",
        f"CREATE POLICY history_redact ON history FOR UPDATE TO {ADMIN} USING (old_digest IS NOT NULL) "
        "WITH CHECK (redacted AND old_value = '' AND new_value = '' AND data = '' AND salt IS NULL)",
        # approvals: agents request (as themselves); leads decide (never their own)
        f"GRANT SELECT, INSERT ON approvals TO {AGENT}",
        f"GRANT UPDATE (decided_by, decided_at, decision, note) ON approvals TO {LEAD}",
        "ALTER TABLE approvals ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS approvals_read ON approvals",
        f"CREATE POLICY approvals_read ON approvals FOR SELECT TO {AGENT} USING (true)",
        "DROP POLICY IF EXISTS approvals_request ON approvals",
        f"CREATE POLICY approvals_request ON approvals FOR INSERT TO {AGENT} "
        "WITH CHECK (requested_by = session_user AND decided_by IS NULL AND decision IS NULL "
        f"AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id AND c.{_AGENT_CASE}))",
        # (a lead asks on any case, as leads change any case)
        "DROP POLICY IF EXISTS approvals_lead_request ON approvals",
        f"CREATE POLICY approvals_lead_request ON approvals FOR INSERT TO {LEAD} "
        "WITH CHECK (requested_by = session_user AND decided_by IS NULL AND decision IS NULL)",
        "DROP POLICY IF EXISTS approvals_decide ON approvals",
        f"CREATE POLICY approvals_decide ON approvals FOR UPDATE TO {LEAD} "
        "USING (decided_by IS NULL AND requested_by <> session_user) "
        "WITH CHECK (decided_by = session_user AND decision IS NOT NULL)",
        HISTORY_GUARD,
        f"ALTER FUNCTION muse_history_append_only() OWNER TO {OWNER}",
        # the seal: read by everyone, written only by the definer trigger function
        f"GRANT SELECT ON history_seal TO {AGENT}",
        # cases: an agent changes only the cases assigned to them or free ones (which
        # they may take); leads and admins all (the policies are permissive: OR-ed)
        "ALTER TABLE cases ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS cases_read ON cases",
        f"CREATE POLICY cases_read ON cases FOR SELECT TO {AGENT} USING (true)",
        "DROP POLICY IF EXISTS cases_agent_insert ON cases",
        f"CREATE POLICY cases_agent_insert ON cases FOR INSERT TO {AGENT} WITH CHECK ({_AGENT_CASE})",
        "DROP POLICY IF EXISTS cases_agent_update ON cases",
        f"CREATE POLICY cases_agent_update ON cases FOR UPDATE TO {AGENT} USING ({_AGENT_CASE}) "
        f"WITH CHECK ({_AGENT_CASE})",
        "DROP POLICY IF EXISTS cases_lead ON cases",
        f"CREATE POLICY cases_lead ON cases FOR ALL TO {LEAD} USING (true) WITH CHECK (true)",
    ]
    for t in CASE_CHILD_TABLES:
        mine = f"EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id AND c.{_AGENT_CASE})"
        out += [
            f'ALTER TABLE "{t}" ENABLE ROW LEVEL SECURITY',
            f'DROP POLICY IF EXISTS {t}_read ON "{t}"',
            f'CREATE POLICY {t}_read ON "{t}" FOR SELECT TO {AGENT} USING (true)',
            f'DROP POLICY IF EXISTS {t}_agent_insert ON "{t}"',
            f'CREATE POLICY {t}_agent_insert ON "{t}" FOR INSERT TO {AGENT} WITH CHECK ({mine})',
            f'DROP POLICY IF EXISTS {t}_agent_update ON "{t}"',
            f'CREATE POLICY {t}_agent_update ON "{t}" FOR UPDATE TO {AGENT} USING ({mine}) WITH CHECK ({mine})',
            f'DROP POLICY IF EXISTS {t}_agent_delete ON "{t}"',
            f'CREATE POLICY {t}_agent_delete ON "{t}" FOR DELETE TO {AGENT} USING ({mine})',
            f'DROP POLICY IF EXISTS {t}_lead ON "{t}"',
            f'CREATE POLICY {t}_lead ON "{t}" FOR ALL TO {LEAD} USING (true) WITH CHECK (true)',
        ]
    if "letter_prints" in tables:
        out += LETTER_PRINTS_STATEMENTS
    out.append(FOUR_EYES_GUARD)
    out.append(f"ALTER FUNCTION muse_four_eyes() OWNER TO {OWNER}")
    for sql in names_statements(tables):
        out.append(sql)
        if sql.startswith("CREATE OR REPLACE FUNCTION muse_names_"):
            name = sql.split()[4]  # muse_names_<table>()
            out.append(f"ALTER FUNCTION {name} OWNER TO {OWNER}")
    from muse_care.store.history_sql import PG_DEFINER_FUNCTIONS, WORD_FUNCTION

    for fn in PG_DEFINER_FUNCTIONS:
        out.append(f"ALTER FUNCTION {fn} OWNER TO {OWNER}")
        out.append(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
    # the row trigger runs as its owner; agents never call the append function directly,
    # and write word entries only through the word function (in their own name)
    out.append(f"GRANT EXECUTE ON FUNCTION {WORD_FUNCTION} TO {AGENT}")
    from muse_care.store import dashboard_sql

    if set(dashboard_sql.TABLES) <= set(tables):
        # the dashboard's kept counts (migration 0022): everyone reads them, only their
        # triggers' functions (the owner's) write them; a lead asks for the answers in
        # the organisation's zone
        for t in dashboard_sql.TABLES:
            out.append(f'GRANT SELECT ON "{t}" TO {AGENT}')
        for fn in dashboard_sql.DEFINER_FUNCTIONS:
            out.append(f"ALTER FUNCTION {fn} OWNER TO {OWNER}")
            out.append(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        out.append(f"GRANT EXECUTE ON FUNCTION {dashboard_sql.ZONE_FUNCTION} TO {LEAD}")
    return out


def login_statements(login: str, group: str, verifier: str | None) -> list[str]:
    """Create or update one person's login role in exactly one group.

    ``verifier`` is a SCRAM-SHA-256 verifier computed on the client, so the password
    itself never reaches the server (nor its statement log)."""
    ident = '"' + login.replace('"', '""') + '"'
    password = f" PASSWORD '{verifier}'" if verifier else ""
    out = [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') THEN "
        f"CREATE ROLE {ident} LOGIN NOINHERIT; END IF; END $$",
        f"ALTER ROLE {ident} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS{password}",
    ]
    for g in (AGENT, LEAD, ADMIN):
        if g != group:
            out.append(f"REVOKE {g} FROM {ident}")
    out.append(f"GRANT {group} TO {ident}")
    return out
