"""Queue indexes: one per sortable column, led by ``is_open``.

The queue's default views are "All open" and "Closed" (``is_open`` = true / false);
each column the agent can sort on gets an index in that order, ending in ``id`` for the
keyset tie-break, so a page is an index range scan and the deferred join's inner query
reads only the index (docs/machine.md, "Speed measurements"). The due-date order already has
``ix_cases_open_due``; views by status and by assignee have theirs from 0001.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

QUEUE_INDEXES = {
    "ix_cases_open_reference": ("is_open", "reference", "id"),
    "ix_cases_open_name": ("is_open", "requester_name", "id"),
    "ix_cases_open_rights": ("is_open", "rights", "id"),
    "ix_cases_open_channel": ("is_open", "channel", "id"),
    "ix_cases_open_status": ("is_open", "status", "id"),
    "ix_cases_open_received": ("is_open", "received_date", "id"),
    "ix_cases_open_assignee": ("is_open", "assignee", "id"),
}


# SQLite puts NULLs first ascending; the queue wants stopped clocks (no due date) after
# the dated cases, as PostgreSQL orders them, so SQLite sorts on ``due_date IS NULL``
# first, and these expression indexes keep each due-date view an index range scan.
SQLITE_DUE_INDEXES = {
    "ix_cases_open_dated_due": "is_open, due_date IS NULL, due_date, id",
    "ix_cases_status_dated_due": "status, due_date IS NULL, due_date, id",
    "ix_cases_assignee_open_dated_due": "assignee, is_open, due_date IS NULL, due_date, id",
}


def upgrade() -> None:
    for name, columns in QUEUE_INDEXES.items():
        op.create_index(name, "cases", list(columns))
    if op.get_bind().dialect.name == "sqlite":
        for name, expression in SQLITE_DUE_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON cases ({expression})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_DUE_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    for name in QUEUE_INDEXES:
        op.drop_index(name, table_name="cases")
