"""A clock event knows the letter that asked it, and can be voided with that letter.

An identity, authority, fee or clarification request letter records its request as a
clock event when it is made (docs/letters.md, "A request letter and its clock event").
Found by an outside tester: withdrawing that letter left the event, so the clock stayed
stopped for a request never sent, and a letter made again days later left the event
dated the first letter's day. So:

- ``clock_events.letter_id``: the letter whose making recorded the event (none for an
  event recorded by hand). Events recorded with letters before this revision keep it
  empty; ``services/letters.py`` (``_events_of_letters``) finds theirs as the event of
  the same case whose reason names the letter's kind ("identity-request letter") and
  that was recorded within two seconds of the letter (the same unit of work). Nothing
  is rewritten here: a row change in a migration would be a history entry by nobody.
- ``voided_on`` (the organisation's day), ``voided_by``, ``void_reason``: an event
  voided counts for nothing (the clock, the audit's recomputation); it is kept, as
  every clock event is (the row triggers refuse deletes).

Plain ADD COLUMNs. On SQLite the row-entry triggers of ``clock_events`` list the
columns of the row image, so they are made again. On PostgreSQL run ``muse-care team
init`` again afterwards, as after every upgrade: it holds ``voided_by`` to the login
writing it.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

COLUMNS = ("void_reason", "voided_by", "voided_on", "letter_id")


def upgrade() -> None:
    op.add_column("clock_events", sa.Column("letter_id", sa.Integer(), nullable=True))
    op.add_column("clock_events", sa.Column("voided_on", sa.Date(), nullable=True))
    op.add_column("clock_events", sa.Column("voided_by", sa.String(100), nullable=False, server_default=""))
    op.add_column("clock_events", sa.Column("void_reason", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from muse_care.store import history_sql

        history_sql.install(bind, ("clock_events",))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        for name in COLUMNS:
            op.drop_column("clock_events", name)
        return
    from muse_care.store import history_sql

    for op_name in ("insert", "update", "delete"):
        bind.exec_driver_sql(f'DROP TRIGGER IF EXISTS "muse_row_clock_events_{op_name}"')
    for name in COLUMNS:
        bind.exec_driver_sql(f'ALTER TABLE clock_events DROP COLUMN "{name}"')
    history_sql.install(bind, ("clock_events",))
