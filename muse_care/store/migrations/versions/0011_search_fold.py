"""Accent-insensitive search: "zolc" finds "Żółć" (see muse_care/store/search_fold.py).

SQLite: the search triggers index the folded columns, and the index is rebuilt.
PostgreSQL: the search index is built over the folded document.

Revision ID: 0011
Revises: 0013
"""

from alembic import op

from muse_care.store.search_fold import SEARCH_COLUMNS, pg_search_document, sql_fold

revision = "0011"
down_revision = "0013"
branch_labels = None
depends_on = None


def _sqlite_triggers(folded: bool) -> None:
    cols = ", ".join(SEARCH_COLUMNS)
    vals = ", ".join(sql_fold(f"new.{c}", "sqlite") if folded else f"new.{c}" for c in SEARCH_COLUMNS)
    for trigger in ("cases_search_ai", "cases_search_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("CREATE TRIGGER cases_search_ai AFTER INSERT ON cases BEGIN "
               f"INSERT INTO case_search(rowid, {cols}) VALUES (new.id, {vals}); END")
    op.execute(f"CREATE TRIGGER cases_search_au AFTER UPDATE OF {cols} ON cases BEGIN "
               "DELETE FROM case_search WHERE rowid = old.id; "
               f"INSERT INTO case_search(rowid, {cols}) VALUES (new.id, {vals}); END")
    rows = ", ".join(sql_fold(c, "sqlite") if folded else c for c in SEARCH_COLUMNS)
    op.execute("DELETE FROM case_search")
    op.execute(f"INSERT INTO case_search(rowid, {cols}) SELECT id, {rows} FROM cases")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers(folded=True)
    else:
        op.execute("DROP INDEX IF EXISTS ix_cases_search")
        op.execute(f"CREATE INDEX ix_cases_search ON cases USING gin ({pg_search_document()})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers(folded=False)
    else:
        op.execute("DROP INDEX IF EXISTS ix_cases_search")
        op.execute("CREATE INDEX ix_cases_search ON cases USING gin (to_tsvector('simple', "
                   + " || ' ' || ".join(SEARCH_COLUMNS) + "))")
