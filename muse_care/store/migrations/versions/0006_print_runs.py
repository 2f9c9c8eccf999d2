"""Print runs, and what a letter was produced with.

Adds ``print_runs`` (each run the mailroom builds: day, paper, who, when, pages, the
PDF's SHA-256) and ``print_run_letters`` (its letters in order), so dispatch marks
exactly the letters of a printed run. ``letters`` gains ``recipient_address`` (the
address printed in the window, checked against the case before every print),
``request_json`` (what the agent typed, to produce the letter again) and
``superseded_by`` (a letter produced again never prints again). Letters made before
this revision have no recorded address: they are stopped at print time and must be
produced again (docs/letters.md, "Before a letter prints").

On a team database the new tables are granted to the agents as ``muse-care team init``
grants every table.

Revision ID: 0006
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_address", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("request_json", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
    op.create_table(
        "print_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("paper", sa.String(length=16), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("built_by", sa.String(length=100), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("reprint_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_runs")),
    )
    op.create_index(op.f("ix_print_runs_run_date"), "print_runs", ["run_date"], unique=False)
    op.create_table(
        "print_run_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("reprint", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["print_runs.id"], name=op.f("fk_print_run_letters_run_id_print_runs"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"], name=op.f("fk_print_run_letters_letter_id_letters"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_run_letters")),
    )
    op.create_index(op.f("ix_print_run_letters_run_id"), "print_run_letters", ["run_id"], unique=False)
    op.create_index(op.f("ix_print_run_letters_letter_id"), "print_run_letters", ["letter_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'muse_agent') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON print_runs, print_run_letters TO muse_agent;
        GRANT USAGE, SELECT ON SEQUENCE print_runs_id_seq, print_run_letters_id_seq TO muse_agent;
    END IF;
END $$;
""")
    # ``letters`` has new columns: the row-entry triggers are made again so each row image
    # holds them (docs/security.md, "History the database writes").
    from muse_care.store import history_sql

    history_sql.install(op.get_bind(), history_sql.GUARDED_AT_0007)


def downgrade() -> None:
    op.drop_index(op.f("ix_print_run_letters_letter_id"), table_name="print_run_letters")
    op.drop_index(op.f("ix_print_run_letters_run_id"), table_name="print_run_letters")
    op.drop_table("print_run_letters")
    op.drop_index(op.f("ix_print_runs_run_date"), table_name="print_runs")
    op.drop_table("print_runs")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("superseded_by")
        batch_op.drop_column("request_json")
        batch_op.drop_column("recipient_address")
