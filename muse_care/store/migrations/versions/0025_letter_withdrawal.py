"""A letter can be withdrawn: set aside with a reason, never to print or be sent.

``letters.withdrawn_on`` (the organisation's day), ``withdrawn_by`` and
``withdrawn_reason`` (docs/letters.md, "Withdrawing a letter"). A letter that must never
go out (one promising a reply by a day that has passed) otherwise stayed in the day's
print list for good. Letters made before this revision are not withdrawn.

Plain ADD COLUMNs, no table rebuild. On SQLite the row-entry triggers of ``letters``
list the columns of the row image, so they are made again to include the new ones (on
PostgreSQL the image is the whole row). On PostgreSQL run ``muse-care team init`` again
afterwards, as after every upgrade: it holds ``withdrawn_by`` to the login writing it.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("letters", sa.Column("withdrawn_on", sa.Date(), nullable=True))
    op.add_column("letters", sa.Column("withdrawn_by", sa.String(100), nullable=False, server_default=""))
    op.add_column("letters", sa.Column("withdrawn_reason", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from muse_care.store import history_sql

        history_sql.install(bind, ("letters",))


COLUMNS = ("withdrawn_reason", "withdrawn_by", "withdrawn_on")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        for name in COLUMNS:
            op.drop_column("letters", name)
        return
    # SQLite (3.35+) drops a column in place, not while a trigger names it: the row-entry
    # triggers of letters go first and are made again without the columns (a batch
    # rebuild would reflect cases, whose expression index SQLAlchemy cannot reflect)
    from muse_care.store import history_sql

    for op_name in ("insert", "update", "delete"):
        bind.exec_driver_sql(f'DROP TRIGGER IF EXISTS "muse_row_letters_{op_name}"')
    for name in COLUMNS:
        bind.exec_driver_sql(f'ALTER TABLE letters DROP COLUMN "{name}"')
    history_sql.install(bind, ("letters",))
