"""Clock events recorded late keep the note of who recorded them, when and why.

An event dated more than the margin before the day it is recorded (setting
``late_event_margin_days``), or one that moves a due date that has already passed,
is accepted only with the reason it is late, from a team lead where four eyes is on
(docs/rules.md, "Events recorded late"). ``clock_events.late_note`` keeps that note
("recorded Fri 10 Oct 2025 by sam (lead), 39 days after its date: …"); the clock's
explanation repeats it. Events recorded before this revision have none.

Revision ID: 0019
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: no table rebuild, so the history triggers on the table stay
    op.add_column("clock_events", sa.Column("late_note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("clock_events") as batch:
        batch.drop_column("late_note")
