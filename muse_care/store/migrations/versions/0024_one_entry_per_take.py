"""A take-next is one history entry: the row entry of its UPDATE carries the word (PostgreSQL).

Before, a take wrote two entries under the chain's lock: the agent's word entry
(``muse_history_word``: "assignee", '' -> "<login> (took next case)") and the database's
row entry of the UPDATE. Every write of every agent queues for that lock until commit
(docs/performance.md, "Take-next toward its floor"), so the take now writes one:
``row:cases:take``, the row entry (the case's full image after the change, in
``data``) with the word in ``old_value``/``new_value`` ('' and
``"<assignee> (took next case)"``), in the login's name at the server's time, hashed as
every version-3 entry (the hash already covers both values' digests).

- ``muse_history_row`` writes a take entry only when the transaction asked for one
  (the take statement sets ``muse.take`` for its own transaction; the trigger clears it
  for the first UPDATE of a case) *and* the change is a take: the case was free, now has
  an assignee, and nothing but ``assignee``, ``updated_at``, ``updated_by`` and
  ``version`` changed. Anything else is a plain ``row:cases:update``, which with no word
  entry ``audit verify`` names as a change outside MUSE Care, as before.
- ``muse_history_append`` writes the word for ``p_op = 'take'`` (from the image's
  assignee); other entries are byte for byte as before.
- ``audit verify`` checks each take entry against the row's image before it (only those
  fields changed; the word names the assignee); the case's history, the lead's audit
  log and its filter show it as the word "assignee".

No table changes; no login gains a right (agents still cannot run
``muse_history_append`` or write ``history``; ``CREATE OR REPLACE`` keeps each
function's owner and grants). SQLite: nothing (its take writes a word entry as before).
Downgrade puts the 0023 bodies back; take entries already written stay in the chain (it
cannot be rewritten), and a MUSE Care of before 0024 would name them as row entries it
does not know.

Revision ID: 0024
Revises: 0023
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _functions(sql: str) -> str:
    """The row-entry functions' ``CREATE OR REPLACE`` statements from ``sql``."""
    a = sql.index("CREATE OR REPLACE FUNCTION muse_history_append")
    b = sql.index("CREATE OR REPLACE FUNCTION muse_history_word", a)
    r = sql.index("CREATE OR REPLACE FUNCTION muse_history_row()")
    return sql[a:b] + sql[r:sql.index("CREATE OR REPLACE FUNCTION muse_history_chain()", r)]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from muse_care.store import history_sql

    raw = bind.connection.driver_connection
    assert raw is not None
    raw.execute(_functions(history_sql.PG_FUNCTIONS))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    raw = bind.connection.driver_connection
    assert raw is not None
    raw.execute(BEFORE_0024)


BEFORE_0024 = r"""
CREATE OR REPLACE FUNCTION muse_history_append(p_case bigint, p_tbl text, p_row bigint, p_op text, p_data text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_prev text; v_salt text := replace(gen_random_uuid()::text, '-', ''); v_at timestamptz := now();
    v_actor text := session_user; v_what text := 'row:' || p_tbl || ':' || p_op; v_d0 text; v_dd text;
    v_rest text; v_hash text;
BEGIN
    -- Everything but the previous hash is hashed before the lock (held until commit,
    -- the chain's one queue): under it, one read of the head, one SHA-256, the INSERT.
    v_d0 := encode(sha256(decode(v_salt, 'hex') || convert_to('', 'UTF8')), 'hex');
    v_dd := encode(sha256(decode(v_salt, 'hex') || convert_to(p_data, 'UTF8')), 'hex');
    v_rest := concat_ws(E'\n', coalesce(p_case::text, ''),
        to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        encode(sha256(convert_to(v_actor, 'UTF8')), 'hex'), encode(sha256(convert_to(v_what, 'UTF8')), 'hex'), v_d0, v_d0, v_dd, p_tbl, coalesce(p_row::text, ''));
    PERFORM pg_advisory_xact_lock(1297437509);
    SELECT hash INTO v_prev FROM history ORDER BY id DESC LIMIT 1;
    v_prev := coalesce(v_prev, '0000000000000000000000000000000000000000000000000000000000000000');
    v_hash := encode(sha256(convert_to('muse-history-v3' || E'\n' || v_prev || E'\n' || v_rest, 'UTF8')), 'hex');
    INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash, salt,
                         old_digest, new_digest, redacted, tbl, row_id, data, data_digest, txn)
    VALUES (p_case, v_at, v_actor, v_what, '', '', v_prev, v_hash, v_salt, v_d0, v_d0, false,
            p_tbl, p_row, p_data, v_dd, txid_current()::text);
END $$;

CREATE OR REPLACE FUNCTION muse_history_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
    v_row jsonb; v_case bigint; v_data text := ''; v_super boolean;
BEGIN
    SELECT rolsuper INTO v_super FROM pg_roles WHERE rolname = session_user;
    IF coalesce(current_setting('muse.bulk', true), '') = 'on' AND v_super THEN
        RETURN NULL;  -- a superuser's bulk load records its rows afterwards
    END IF;
    IF TG_OP = 'DELETE' THEN
        v_row := to_jsonb(OLD);
    ELSE
        v_row := to_jsonb(NEW);
        IF TG_OP = 'UPDATE' AND v_row = to_jsonb(OLD) THEN
            RETURN NULL;
        END IF;
        v_data := muse_row_image(TG_TABLE_NAME, v_row)::text;
    END IF;
    v_case := CASE WHEN TG_TABLE_NAME = 'cases' THEN (v_row ->> 'id')::bigint
                   WHEN TG_TABLE_NAME = 'letter_prints' THEN coalesce(
                       (SELECT l.case_id FROM letters l WHERE l.id = (v_row ->> 'letter_id')::bigint),
                       (SELECT h.case_id FROM history h WHERE h.tbl = 'letter_prints'
                        AND h.row_id = (v_row ->> 'id')::bigint ORDER BY h.id DESC LIMIT 1))
                   ELSE (v_row ->> 'case_id')::bigint END;
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('notes', 'letters', 'retrievals', 'clock_events', 'identity_checks', 'case_tasks', 'letter_prints')
       AND ((SELECT anonymised_at FROM cases WHERE id = v_case) IS NULL
            OR NOT (v_super OR pg_has_role(session_user, 'muse_admin', 'MEMBER'))) THEN
        RAISE EXCEPTION '% rows cannot be deleted: withdraw instead (a recorded change)', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM muse_history_append(v_case, TG_TABLE_NAME, (v_row ->> 'id')::bigint, lower(TG_OP), v_data);
    RETURN NULL;
END $$;

"""
"""The two functions as migration 0023 left them (a take's row entry is a plain update)."""
