"""Search in the queue's order: the SQLite full-text index keyed by the due order.

SQLite: ``case_search`` is built again with its rowid the case's place in the queue's
due order and the case's id in an unindexed ``case_id`` column, with a prefix index for
the prefixes an agent types; its triggers also follow a change of the due date
(muse_care/store/search_index.py; docs/performance.md, "Search in the queue's order").
PostgreSQL: nothing (its search is a GIN index, migration 0011).

Revision ID: 0020
Revises: 0015
"""

from alembic import op

from muse_care.store import search_index
from muse_care.store.search_fold import SEARCH_COLUMNS, sql_fold

revision = "0020"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        search_index.rebuild(op.execute)


def downgrade() -> None:
    """Back to migration 0011's table: rowid = the case's id, no prefix index."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in search_index.TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute(f"DROP TABLE IF EXISTS {search_index.TABLE}")
    cols = ", ".join(SEARCH_COLUMNS)
    op.execute(f"CREATE VIRTUAL TABLE case_search USING fts5({cols}, tokenize = '{search_index.TOKENIZE}')")
    vals = ", ".join(sql_fold(f"new.{c}", "sqlite") for c in SEARCH_COLUMNS)
    op.execute("CREATE TRIGGER cases_search_ai AFTER INSERT ON cases BEGIN "
               f"INSERT INTO case_search(rowid, {cols}) VALUES (new.id, {vals}); END")
    op.execute(f"CREATE TRIGGER cases_search_au AFTER UPDATE OF {cols} ON cases BEGIN "
               "DELETE FROM case_search WHERE rowid = old.id; "
               f"INSERT INTO case_search(rowid, {cols}) VALUES (new.id, {vals}); END")
    op.execute("CREATE TRIGGER cases_search_ad AFTER DELETE ON cases BEGIN "
               "DELETE FROM case_search WHERE rowid = old.id; END")
    rows = ", ".join(sql_fold(c, "sqlite") for c in SEARCH_COLUMNS)
    op.execute(f"INSERT INTO case_search(rowid, {cols}) SELECT id, {rows} FROM cases")
