"""The history is written by the database only; the print log is evidence; names are the server's.

- PostgreSQL: word entries are written by ``muse_history_word`` (a SECURITY DEFINER
  function, ``muse_care/store/history_sql.py``) in the name of the login
  (``session_user``) and at the server's time; on a team database no group may INSERT
  into ``history`` any more (``muse_care/store/team_sql.py``).
- ``letter_prints`` (who printed which letter when) becomes a guarded table: every
  change is a row entry, and nobody deletes a row (only the anonymisation of the case
  removes it). Its existing rows get a ``baseline`` row entry. On a team database agents
  may only read it and log prints of the letters of their own or free cases.
- PostgreSQL: a BEFORE trigger on each table with a name field (``checked_by``,
  ``recorded_by``…) holds those names to ``session_user``.

No schema change. Run ``muse-care team init`` again afterwards (as after every upgrade);
the grants above are applied here too on a team database. See docs/security.md.

Revision ID: 0015
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0019"
branch_labels = None
depends_on = None

TABLES = ("letter_prints",)
"""The tables this revision guards (store/history_sql.py keeps the current list)."""


def upgrade() -> None:
    from muse_care.store import history_sql, team_sql

    bind = op.get_bind()
    history_sql.install(bind, TABLES)
    for table in TABLES:
        history_sql.record_baseline(bind, table)
    if bind.dialect.name != "postgresql":
        return
    raw = bind.connection.driver_connection
    assert raw is not None
    tables = list(sa.inspect(bind).get_table_names(schema="public"))
    for sql in team_sql.names_statements(tables):
        raw.execute(sql)
    # a team database: `team init` made muse_owner the tables' owner (the group roles
    # are the whole server's, so their existence says nothing about this database)
    owner = bind.execute(sa.text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' "
                                 "AND tablename = 'history'")).scalar()
    if owner != team_sql.OWNER:
        return
    for sql in (*team_sql.HISTORY_WRITE_STATEMENTS, *team_sql.LETTER_PRINTS_STATEMENTS):
        raw.execute(sql)
    for fn in (history_sql.WORD_FUNCTION, *(f"muse_names_{t}()" for t in team_sql.NAME_FIELDS if t in tables)):
        raw.execute(f"ALTER FUNCTION {fn} OWNER TO {team_sql.OWNER}")
    raw.execute(f"GRANT EXECUTE ON FUNCTION {history_sql.WORD_FUNCTION} TO {team_sql.AGENT}")


def downgrade() -> None:
    """The triggers stay: row entries of the print log exist now, and a name written in
    another's name was never something MUSE Care did."""
