"""An extension holds once the requester is told of it, by the original due date.

Found by an outside tester: an extension recorded and never told kept the extended due
date everywhere (the queue, the Overdue view, the dashboard, the register of requests,
whose "on time" then reported a breach as compliance). Art. 12(3): the requester is told
of the extension within the month, or it does not hold (docs/rules.md, "Told in time,
or not at all"). So the case's ``due_date`` is the original due date until an extension
notice goes out in time, and:

- ``cases.extended_to``: the date the extension gives (the clock's due date), set while
  the clock is extended;
- ``cases.extension_told_on``: the law's day an extension notice was sent (marked
  dispatched, by post or email), within the period.

Cases extended before this revision keep ``extended_to`` empty and their dates as they
were until their next change (the audit reads them by the rule of their time); the
breach warnings still name those whose notice did not go out. Nothing is rewritten
here: a row change in a migration would be a history entry by nobody.

Plain ADD COLUMNs. On SQLite the row-entry triggers of ``cases`` list the columns of the
row image, so they are made again.

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

COLUMNS = ("extension_told_on", "extended_to")


def upgrade() -> None:
    op.add_column("cases", sa.Column("extended_to", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("extension_told_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from muse_care.store import history_sql

        history_sql.install(bind, ("cases",))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        for name in COLUMNS:
            op.drop_column("cases", name)
        return
    from muse_care.store import history_sql

    for op_name in ("insert", "update", "delete"):
        bind.exec_driver_sql(f'DROP TRIGGER IF EXISTS "muse_row_cases_{op_name}"')
    for name in COLUMNS:
        bind.exec_driver_sql(f'ALTER TABLE cases DROP COLUMN "{name}"')
    history_sql.install(bind, ("cases",))
