"""Team mode: approvals (four eyes), an index for on-time reporting, and change
notifications on PostgreSQL.

- ``approvals``: a request for a team lead's approval of an extension, a refusal or a
  reply that discloses data, and its decision. A CHECK constraint keeps the requester
  from deciding their own request.
- ``ix_history_status_moves``: a partial index over the status moves in the history,
  which the lead's on-time rate reads.
- PostgreSQL: statement-level triggers on ``cases`` send ``pg_notify('muse_case_changed',
  '<id>,<version>')`` per changed case (or ``'*'`` when more than 50 change at once, so a
  bulk load sends one message); ``approvals`` changes go to ``muse_approval_changed``.

Roles, grants, row-level security and the history's append-only trigger are applied by
``muse-care team init`` (they need a superuser and cluster-wide roles).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NOTIFY_CASES = """
CREATE OR REPLACE FUNCTION muse_notify_cases() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    r record;
BEGIN
    SELECT count(*) INTO n FROM changed_rows;
    IF n > 50 THEN
        PERFORM pg_notify('muse_case_changed', '*');
    ELSE
        FOR r IN SELECT id, version FROM changed_rows LOOP
            PERFORM pg_notify('muse_case_changed', r.id::text || ',' || r.version::text);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_notify_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION muse_notify_cases();
CREATE TRIGGER cases_notify_update AFTER UPDATE ON cases
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION muse_notify_cases();

CREATE OR REPLACE FUNCTION muse_notify_approvals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('muse_approval_changed', NEW.id::text || ',' || NEW.case_id::text);
    RETURN NULL;
END $$;
CREATE TRIGGER approvals_notify AFTER INSERT OR UPDATE ON approvals
    FOR EACH ROW EXECUTE FUNCTION muse_notify_approvals();
"""


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('extension', 'refusal', 'disclosure')",
                           name=op.f("ck_approvals_kind")),
        sa.CheckConstraint("decision IS NULL OR decision IN ('approved', 'rejected')",
                           name=op.f("ck_approvals_decision")),
        sa.CheckConstraint("decided_by IS NULL OR decided_by <> requested_by",
                           name=op.f("ck_approvals_four_eyes")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_approvals_case_id_cases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
    )
    op.create_index("ix_approvals_case_kind", "approvals", ["case_id", "kind", "id"])
    op.create_index("ix_approvals_pending", "approvals", ["decision", "requested_at", "id"])
    op.create_index("ix_history_status_moves", "history", ["at"],
                    postgresql_where=sa.text("what = 'status'"),
                    sqlite_where=sa.text("what = 'status'"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_CASES)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS cases_notify_insert ON cases")
        op.execute("DROP TRIGGER IF EXISTS cases_notify_update ON cases")
        op.execute("DROP FUNCTION IF EXISTS muse_notify_cases()")
        op.execute("DROP TRIGGER IF EXISTS approvals_notify ON approvals")
        op.execute("DROP FUNCTION IF EXISTS muse_notify_approvals()")
    op.drop_index("ix_history_status_moves", table_name="history")
    op.drop_index("ix_approvals_pending", table_name="approvals")
    op.drop_index("ix_approvals_case_kind", table_name="approvals")
    op.drop_table("approvals")
