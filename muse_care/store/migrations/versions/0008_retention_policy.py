"""Retention of our own register: holds, the retention log, rules per data category.

- ``sources``: ``retention_kind`` (what the period counts from: the interaction, the
  billing date, the last interaction, the end of the customer relationship) and
  ``timezone`` (the zone the source system dates its items in; empty: the
  organisation's).
- ``retrievals``: ``held_since``, the day the item first went on a preservation-hold
  list; from then on it stays on the list until its case ends.
- ``case_holds``: a legal hold on one of our own cases (reason, who, until when); a case
  under a hold that has not been released or run out is never anonymised.
- ``retention_log``: what our own retention removed, when, by which rule and for whom.

See docs/retention.md.

Revision ID: 0008
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("retention_kind", sa.String(32), nullable=False, server_default="interaction"))
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default=""))
    with op.batch_alter_table("retrievals") as batch:
        batch.add_column(sa.Column("held_since", sa.Date(), nullable=True))
    op.create_table(
        "case_holds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE",
                                                         name="fk_case_holds_case_id_cases"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(100), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("released_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_case_holds"),
    )
    op.create_index("ix_case_holds_case", "case_holds", ["case_id", "id"])
    op.create_table(
        "retention_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("case_reference", sa.String(16), nullable=False, server_default=""),
        sa.Column("detail", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_retention_log"),
    )
    op.create_index("ix_retention_log_at", "retention_log", ["at", "id"])
    # ``retrievals`` has a new column: the row-entry triggers are made again so each row
    # image holds it (docs/security.md, "History the database writes").
    from muse_care.store import history_sql

    history_sql.install(op.get_bind(), history_sql.GUARDED_AT_0007)


def downgrade() -> None:
    op.drop_index("ix_retention_log_at", table_name="retention_log")
    op.drop_table("retention_log")
    op.drop_index("ix_case_holds_case", table_name="case_holds")
    op.drop_table("case_holds")
    with op.batch_alter_table("retrievals") as batch:
        batch.drop_column("held_since")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("timezone")
        batch.drop_column("retention_kind")
