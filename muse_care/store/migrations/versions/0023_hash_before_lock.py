"""The history's append functions hash before they take the chain's lock (PostgreSQL).

``muse_history_append`` (the row entries) and ``muse_history_word`` (the word entries)
take the advisory lock that orders the one hash chain; it is held until the transaction
commits, so every write of every agent queues for it (docs/performance.md, "Team
take-next"). They now draw the salt and compute the digests and every field of the
entry's hash but the previous hash *before* taking the lock, with the SHA-256 written
out rather than called through ``muse_sha``/``muse_digest`` (SQL functions that the
planner does not inline: each call was a function call of its own). Under the lock
there is left: one read of the newest hash, one SHA-256, the INSERT. The entries are
byte for byte what they were (the same fields, the same hash), so nothing else changes
and ``audit verify`` reads old and new entries alike.

``CREATE OR REPLACE`` keeps each function's owner and grants (``team init`` made
``muse_owner`` the owner and let agents run the word function). SQLite: nothing (its
entries are hashed by MUSE Care, ``store/history_sql.py``). Downgrade puts the previous
bodies back.

Revision ID: 0023
Revises: 0022
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def _functions(sql: str) -> str:
    """The two append functions' ``CREATE OR REPLACE`` statements from ``sql``."""
    start = sql.index("CREATE OR REPLACE FUNCTION muse_history_append")
    return sql[start:sql.index("CREATE OR REPLACE FUNCTION muse_row_image", start)]


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
    raw.execute(BEFORE_0023)


BEFORE_0023 = r"""
CREATE OR REPLACE FUNCTION muse_history_append(p_case bigint, p_tbl text, p_row bigint, p_op text, p_data text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_prev text; v_salt text; v_at timestamptz := now(); v_actor text := session_user;
    v_what text := 'row:' || p_tbl || ':' || p_op; v_d0 text; v_dd text; v_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(1297437509);
    SELECT hash INTO v_prev FROM history ORDER BY id DESC LIMIT 1;
    v_prev := coalesce(v_prev, '0000000000000000000000000000000000000000000000000000000000000000');
    v_salt := replace(gen_random_uuid()::text, '-', '');
    v_d0 := muse_digest(v_salt, '');
    v_dd := muse_digest(v_salt, p_data);
    v_hash := muse_sha(concat_ws(E'\n', 'muse-history-v3', v_prev, coalesce(p_case::text, ''),
        to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        muse_sha(v_actor), muse_sha(v_what), v_d0, v_d0, v_dd, p_tbl, coalesce(p_row::text, '')));
    INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash, salt,
                         old_digest, new_digest, redacted, tbl, row_id, data, data_digest, txn)
    VALUES (p_case, v_at, v_actor, v_what, '', '', v_prev, v_hash, v_salt, v_d0, v_d0, false,
            p_tbl, p_row, p_data, v_dd, txid_current()::text);
END $$;

CREATE OR REPLACE FUNCTION muse_history_word(p_case bigint, p_what text, p_old text, p_new text,
                                             p_actor text, p_at timestamptz)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_prev text; v_salt text; v_at timestamptz := now(); v_actor text := session_user;
    v_old text := coalesce(p_old, ''); v_new text := coalesce(p_new, '');
    v_d_old text; v_d_new text; v_dd text; v_hash text;
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
    PERFORM pg_advisory_xact_lock(1297437509);
    SELECT hash INTO v_prev FROM history ORDER BY id DESC LIMIT 1;
    v_prev := coalesce(v_prev, '0000000000000000000000000000000000000000000000000000000000000000');
    v_salt := replace(gen_random_uuid()::text, '-', '');
    v_d_old := muse_digest(v_salt, v_old);
    v_d_new := muse_digest(v_salt, v_new);
    v_dd := muse_digest(v_salt, '');
    v_hash := muse_sha(concat_ws(E'\n', 'muse-history-v3', v_prev, coalesce(p_case::text, ''),
        to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        muse_sha(v_actor), muse_sha(p_what), v_d_old, v_d_new, v_dd, '', ''));
    INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash, salt,
                         old_digest, new_digest, redacted, tbl, row_id, data, data_digest, txn)
    VALUES (p_case, v_at, v_actor, p_what, v_old, v_new, v_prev, v_hash, v_salt, v_d_old, v_d_new, false,
            NULL, NULL, '', v_dd, txid_current()::text);
END $$;

"""
"""The two functions as migration 0015 left them (the lock first, then the hashing)."""
