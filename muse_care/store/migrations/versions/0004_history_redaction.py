"""History redaction: salted digests of the values, so anonymisation can remove them.

Adds to ``history``: ``salt`` (32 hex digits), ``old_digest`` and ``new_digest``
(``sha256(salt + value)``, hex) and ``redacted``. Existing rows keep NULL salt and
digests ("version 1": their hash covers the values, as before, and they keep their
values for good); every entry written from now on is "version 2": its hash covers the
digests, so its values can be blanked by anonymisation and the chain still verifies
(``muse_care/services/history.py``).

On a team database (where ``muse-care team init`` installed the history's append-only
trigger) the trigger function is replaced by the one that allows exactly that
redaction, and the admins get the column-level UPDATE and row policy it needs, so the
database is consistent before ``team init`` is run again (which installs the same).

Downgrade refuses while version-2 entries exist: without their digests they could no
longer be verified.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Kept in step with HISTORY_GUARD in muse_care/store/team_sql.py (as of this revision).
REDACTING_GUARD = """
CREATE OR REPLACE FUNCTION muse_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF coalesce(current_setting('muse.redacting', true), '') = 'on'
           AND pg_has_role(current_user, 'muse_admin', 'USAGE')
           AND OLD.old_digest IS NOT NULL AND OLD.new_digest IS NOT NULL
           AND NEW.old_value = '' AND NEW.new_value = '' AND NEW.redacted AND NEW.salt IS NULL
           AND (to_jsonb(NEW) - ARRAY['old_value', 'new_value', 'salt', 'redacted'])
               = (to_jsonb(OLD) - ARRAY['old_value', 'new_value', 'salt', 'redacted'])
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the history is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

OLD_GUARD = """
CREATE OR REPLACE FUNCTION muse_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the history is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _team_guard_installed() -> bool:
    return bool(op.get_bind().execute(sa.text(
        "SELECT EXISTS (SELECT FROM pg_proc WHERE proname = 'muse_history_append_only') "
        "AND EXISTS (SELECT FROM pg_roles WHERE rolname = 'muse_admin')")).scalar())


def upgrade() -> None:
    op.add_column("history", sa.Column("salt", sa.String(length=32), nullable=True))
    op.add_column("history", sa.Column("old_digest", sa.String(length=64), nullable=True))
    op.add_column("history", sa.Column("new_digest", sa.String(length=64), nullable=True))
    op.add_column("history", sa.Column("redacted", sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == "postgresql" and _team_guard_installed():
        op.execute(REDACTING_GUARD)
        op.execute("GRANT UPDATE (old_value, new_value, salt, redacted) ON history TO muse_admin")
        op.execute("DROP POLICY IF EXISTS history_redact ON history")
        op.execute("CREATE POLICY history_redact ON history FOR UPDATE TO muse_admin "
                   "USING (old_digest IS NOT NULL) "
                   "WITH CHECK (redacted AND old_value = '' AND new_value = '' AND salt IS NULL)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM history WHERE old_digest IS NOT NULL")).scalar():
        raise RuntimeError("the history holds entries chained over digests (version 2); without "
                           "the digest columns they could not be verified: not downgrading")
    if bind.dialect.name == "postgresql" and _team_guard_installed():
        op.execute("DROP POLICY IF EXISTS history_redact ON history")
        op.execute("REVOKE UPDATE (old_value, new_value, salt, redacted) ON history FROM muse_admin")
        op.execute(OLD_GUARD)
    with op.batch_alter_table("history") as batch:
        batch.drop_column("redacted")
        batch.drop_column("new_digest")
        batch.drop_column("old_digest")
        batch.drop_column("salt")
