"""History the database writes, and its seal.

- ``history`` gains ``tbl``, ``row_id``, ``data`` (the row's image after the change),
  ``data_digest`` and ``txn``: row entries (version 3) written by triggers on every
  change of the guarded tables (``muse_care/store/history_sql.py``).
- ``history_seal``: one row with the number of entries and the newest hash, moved on
  by a trigger with every append; on SQLite also an HMAC under a key in the OS keychain.
- ``approvals.payload``: what an approved extension or refusal will do (four eyes on
  the decision itself, ``services/team.py``).
- Every existing row of the guarded tables gets a ``baseline`` row entry, so the replay
  of ``muse-care audit verify`` starts from what was there.
- On a team database the history guard is replaced by one that lets redaction blank
  ``data`` too (``muse_care/store/team_sql.py``); run ``muse-care team init`` again.

Downgrade refuses once row entries exist (they could no longer be verified).

Revision ID: 0007
Revises: 0004
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from muse_care.store import history_sql
    from muse_care.store.team_sql import HISTORY_GUARD_FUNCTION

    conn = op.get_bind()
    with op.batch_alter_table("history") as batch:
        batch.add_column(sa.Column("tbl", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("row_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("data", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("data_digest", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("txn", sa.String(length=40), nullable=True))
    with op.batch_alter_table("approvals") as batch:
        batch.add_column(sa.Column("payload", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "history_seal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("db_id", sa.String(length=32), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_seal")),
        sa.CheckConstraint("id = 1", name=op.f("ck_history_seal_one_row")),
    )
    count = conn.execute(sa.text("SELECT count(*) FROM history")).scalar_one()
    head = conn.execute(sa.text("SELECT hash FROM history ORDER BY id DESC LIMIT 1")).scalar()
    conn.execute(sa.text("INSERT INTO history_seal (id, entries, head, db_id) VALUES (1, :n, :h, :d)"),
                 {"n": count, "h": head or history_sql.GENESIS, "d": secrets.token_hex(16)})
    if conn.dialect.name == "postgresql":
        exists = conn.execute(sa.text(
            "SELECT 1 FROM pg_proc WHERE proname = 'muse_history_append_only'")).first()
        if exists:
            conn.connection.driver_connection.execute(HISTORY_GUARD_FUNCTION)  # type: ignore[union-attr]
    history_sql.install(conn, history_sql.GUARDED_AT_0007)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("UPDATE history_seal SET mac = muse_seal_mac(db_id, entries, head)")
    for table in history_sql.GUARDED_AT_0007:
        history_sql.record_baseline(conn, table)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM history WHERE tbl IS NOT NULL LIMIT 1")).first():
        raise RuntimeError("the history holds row entries; they cannot be verified without migration 0007")
    if conn.dialect.name == "sqlite":
        for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'muse_%'").all():
            if name.startswith(("muse_row_", "muse_nodelete_", "muse_history_", "muse_seal_")):
                conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    else:
        from muse_care.store import history_sql

        for table in history_sql.GUARDED_AT_0007:
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "muse_row_{table}" ON "{table}"')
        conn.exec_driver_sql('DROP TRIGGER IF EXISTS "muse_history_chain" ON history')
        conn.exec_driver_sql('DROP TRIGGER IF EXISTS "muse_history_seal" ON history')
    op.drop_table("history_seal")
    with op.batch_alter_table("approvals") as batch:
        batch.drop_column("payload")
    with op.batch_alter_table("history") as batch:
        for col in ("txn", "data_digest", "data", "row_id", "tbl"):
            batch.drop_column(col)
