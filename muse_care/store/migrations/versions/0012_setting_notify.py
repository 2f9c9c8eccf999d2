"""Settings changes announced on PostgreSQL.

A row trigger on ``settings`` sends ``pg_notify('muse_setting_changed', <key>)`` after
each insert, update or delete, so every team client drops its cached value of that
setting (``ChangeListener`` in ``muse_care/services/team_live.py``) and reads the new
one at its next use. A notification is delivered when the writing transaction commits,
never for a change that was rolled back. SQLite (a single agent) needs nothing.

Revision ID: 0012
Revises: 0007
"""

from alembic import op

revision = "0012"
down_revision = "0007"
branch_labels = None
depends_on = None

NOTIFY_SETTINGS = """
CREATE OR REPLACE FUNCTION muse_notify_settings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('muse_setting_changed', COALESCE(NEW.key, OLD.key));
    RETURN NULL;
END $$;
CREATE TRIGGER settings_notify AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH ROW EXECUTE FUNCTION muse_notify_settings();
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_SETTINGS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS settings_notify ON settings")
        op.execute("DROP FUNCTION IF EXISTS muse_notify_settings()")
