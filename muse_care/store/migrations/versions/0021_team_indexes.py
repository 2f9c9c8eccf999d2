"""Team mode's indexes (PostgreSQL): the free queue for take-next, and the lead's dashboard.

- ``ix_cases_free_due`` holds only the cases an agent may take (unassigned and open),
  in the order take-next hands them out (due date, nulls last, then id). Take-next
  (``services/team.py``) locks the first entry of it not held by another agent. The
  wider ``ix_cases_open_due`` and ``ix_cases_assignee_open_due`` serve the same query
  as far as the planner can tell from its statistics, and it took the first one, which
  filters out every assigned open case in front of the first free one: as agents take
  the oldest-due cases that front grows, and every take walked it. A partial index of
  the free cases has nothing in front. Its columns start with ``is_open`` (constant in
  it) like ``ix_cases_open_due``'s: the planner then rates the two alike but for their
  size, and picks this smaller one (led by ``due_date`` it rated it dearer and left it
  unused).
- ``ix_cases_open_counts``: the open cases' status, assignee, rights and due date, so
  the dashboard's one pass over the open cases (``services/team_reports.py``) reads
  this index alone, not the cases' rows.
- ``ix_history_answers``: each case's moves to an answered status (responded or
  refused) by case and time: the first answer of every case, for the on-time rate,
  without reading the history's rows.

See docs/performance.md ("Team take-next", "The lead's dashboard"). No data change.
SQLite gets none of them: a single agent's take-next and dashboard run on its own
indexes, and SQLite uses a partial index only for a query that spells its condition
with the same literal values, not with the parameters MUSE Care binds.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

ANSWERED_MOVE = "what = 'status' AND new_value IN ('responded', 'refused')"
"""A move to an answered status (``services/team_reports.py``, ``ANSWERED``)."""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index("ix_cases_free_due", "cases", ["is_open", "due_date", "id"],
                    postgresql_where=sa.text("assignee = '' AND is_open"))
    op.create_index("ix_cases_open_counts", "cases", ["status", "assignee", "rights", "due_date"],
                    postgresql_where=sa.text("is_open"))
    op.create_index("ix_history_answers", "history", ["case_id", "at"],
                    postgresql_where=sa.text(ANSWERED_MOVE))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_history_answers", table_name="history")
    op.drop_index("ix_cases_open_counts", table_name="cases")
    op.drop_index("ix_cases_free_due", table_name="cases")
