"""Art. 19 recipients of a case, and the index that links requests by account.

Adds ``case_recipients`` (one row per recipient told, or recorded as not possible /
disproportionate effort, for an erasure, rectification or restriction case; unique per
case and name) and ``ix_cases_account`` on ``cases.account_ref``: requests from one
person are linked by email, phone or account reference, and the first two were
indexed already. A regime change's reason goes into the history; it needs no column.

Revision ID: 0005
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_recipients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE",
                                                         name="fk_case_recipients_case_id_cases"),
                  nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("told_on", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("settled_by", sa.String(length=100), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_recipients"),
        sa.UniqueConstraint("case_id", "name", name="uq_case_recipients_case_id_name"),
    )
    op.create_index("ix_cases_account", "cases", ["account_ref"])


def downgrade() -> None:
    op.drop_index("ix_cases_account", table_name="cases")
    op.drop_table("case_recipients")
