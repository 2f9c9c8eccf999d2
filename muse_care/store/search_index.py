"""The SQLite full-text index the queue's search reads, kept in the queue's own order
(docs/performance.md, "Search in the queue's order").

``case_search`` is an FTS5 table with one row per case. Its rowid is not the case's id
but the case's place in the queue's default order, (due date unset, due date, id),
packed into one integer (:func:`due_key`, :data:`DUE_KEY_SQL`); the case's id is the
unindexed ``case_id`` column. FTS5 returns the rows that match in rowid order and stops
at the LIMIT, so the first page of a search ordered by due date reads as many index
entries as the page has rows, whether the term matches five cases or a third of them.
Before, every match was looked up in ``cases`` and sorted (50 ms for a term matching
30% of 100,000 cases; 0.4 ms now).

The prefix index (``prefix='1 2 3 4 5 6'``) serves what an agent types: every keystroke
is a prefix query, and without it FTS5 merges the entries of every token with that
prefix before it returns the first row.

The triggers keep the index in step with ``cases``: a new case is indexed, a change of a
searched column or of the due date moves the row to its new key, a deleted case leaves.
The searched columns are folded as ``store/search_fold.py`` says (migration 0011).
PostgreSQL searches a GIN index instead (migration 0011) and has none of this.
"""

from __future__ import annotations

from datetime import date

from muse_care.store.search_fold import SEARCH_COLUMNS, sql_fold

TABLE = "case_search"
PREFIXES = "1 2 3 4 5 6"
TOKENIZE = "unicode61 remove_diacritics 2"
TRIGGERS = ("cases_search_ai", "cases_search_au", "cases_search_ad")

EPOCH = date(1800, 1, 1)
EPOCH_JULIAN = 2378496.5  # julianday('1800-01-01'): a date's julian day is n + 0.5
DAY_BITS, ID_BITS = 20, 32
"""A key is (unset << 52) | (days since 1800-01-01 << 32) | id: dates 1800-4670 and ids
below 2**32, both far beyond any register; a key fits a signed 64-bit rowid."""


def due_key(due: date | None, case_id: int) -> int:
    """The rowid of a case's index row: ascending keys are the queue's due order
    (dated cases by due date, then the stopped clocks; ties by id). Mirrors
    :data:`DUE_KEY_SQL`."""
    if due is None:
        return ((1 << DAY_BITS) << ID_BITS) + case_id
    days = min(max((due - EPOCH).days, 0), (1 << DAY_BITS) - 1)
    return (days << ID_BITS) + case_id


def due_key_sql(row: str) -> str:
    """:func:`due_key` in SQLite for the row ``row`` (``new``, ``old`` or a table alias)."""
    days = (f"min(max(CAST(julianday({row}.due_date) - {EPOCH_JULIAN} AS INTEGER), 0), "
            f"{(1 << DAY_BITS) - 1})")
    return (f"(CASE WHEN {row}.due_date IS NULL THEN {1 << DAY_BITS} ELSE {days} END "
            f"* {1 << ID_BITS} + {row}.id)")


def create_table_sql() -> str:
    return (f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(SEARCH_COLUMNS)}, case_id UNINDEXED, "
            f"tokenize = '{TOKENIZE}', prefix = '{PREFIXES}')")


def _insert(row: str) -> str:
    cols = ", ".join(SEARCH_COLUMNS)
    vals = ", ".join(sql_fold(f"{row}.{c}", "sqlite") for c in SEARCH_COLUMNS)
    return f"INSERT INTO {TABLE}(rowid, {cols}, case_id) VALUES ({due_key_sql(row)}, {vals}, {row}.id)"


def trigger_sql() -> list[str]:
    """The three triggers that keep ``case_search`` in step with ``cases``."""
    watched = ", ".join((*SEARCH_COLUMNS, "due_date"))
    delete_old = f"DELETE FROM {TABLE} WHERE rowid = {due_key_sql('old')}"
    return [
        f"CREATE TRIGGER cases_search_ai AFTER INSERT ON cases BEGIN {_insert('new')}; END",
        f"CREATE TRIGGER cases_search_au AFTER UPDATE OF {watched} ON cases BEGIN "
        f"{delete_old}; {_insert('new')}; END",
        f"CREATE TRIGGER cases_search_ad AFTER DELETE ON cases BEGIN {delete_old}; END",
    ]


def fill_sql(where: str = "") -> str:
    """Index the cases ``where`` selects (all without it), in key order: FTS5 builds its
    segments faster from rows that come in rowid order."""
    cols = ", ".join(SEARCH_COLUMNS)
    vals = ", ".join(sql_fold(f"c.{col}", "sqlite") for col in SEARCH_COLUMNS)
    return (f"INSERT INTO {TABLE}(rowid, {cols}, case_id) SELECT {due_key_sql('c')}, {vals}, c.id "
            f"FROM cases AS c {('WHERE ' + where) if where else ''} ORDER BY 1")


def rebuild(execute) -> None:  # type: ignore[no-untyped-def]
    """Drop and build the table and its triggers again, filled from ``cases``;
    ``execute`` runs one SQL statement (Alembic's ``op.execute`` or a connection's)."""
    for trigger in TRIGGERS:
        execute(f"DROP TRIGGER IF EXISTS {trigger}")
    execute(f"DROP TABLE IF EXISTS {TABLE}")
    execute(create_table_sql())
    execute(fill_sql())
    for sql in trigger_sql():
        execute(sql)
