"""Clock events and identity checks join the rows nobody deletes.

A case's clock events (when the clock paused for identity, was extended…) and its
identity checks are what its dates are derived from; deleting one rewrites the
deadline. Like notes, letters and retrievals, only anonymisation of the case removes
them now. The database's triggers are made again to say so (docs/security.md,
"History the database writes"). No schema change.

Revision ID: 0014
Revises: 0011
"""

from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from muse_care.store import history_sql

    history_sql.install(op.get_bind(), history_sql.GUARDED_AT_0013)  # the guarded tables of its time


def downgrade() -> None:
    """The triggers stay: deleting these rows was never something MUSE Care did."""
