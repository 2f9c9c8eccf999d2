"""The free queue's own index: take-next reads its first entry.

``ix_cases_free_due`` holds only the cases an agent may take (unassigned and open),
in the order take-next hands them out (due date, nulls last, then id). Take-next
(``services/team.py``) locks the first entry of it not held by another agent. The
wider ``ix_cases_open_due`` and ``ix_cases_assignee_open_due`` serve the same query as
far as the planner can tell from its statistics, and it took the first one, which
filters out every assigned open case in front of the first free one: as agents take
the oldest-due cases that front grows, and every take walked it (docs/performance.md,
"Team take-next"). A partial index of the free cases has nothing in front.

Its columns start with ``is_open`` (constant in it) like ``ix_cases_open_due``'s: the
planner then rates both alike but for their size, and picks this smaller one (led by
``due_date`` it rated the index dearer than the one it replaces, and left it unused).

No data change; SQLite gets the same partial index.

Revision ID: 0021
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0015"
branch_labels = None
depends_on = None



def upgrade() -> None:
    # the predicate as each dialect's take-next query spells it (SQLite matches it as written)
    op.create_index("ix_cases_free_due", "cases", ["is_open", "due_date", "id"],
                    postgresql_where=sa.text("assignee = '' AND is_open"),
                    sqlite_where=sa.text("assignee = '' AND is_open = 1"))


def downgrade() -> None:
    op.drop_index("ix_cases_free_due", table_name="cases")
