"""The lead's dashboard's figures kept as cases change (PostgreSQL).

Tables ``open_case_counts``, ``case_answers``, ``answers_by_day`` and ``answers_zone``,
their trigger functions and triggers on ``cases``, ``history`` and ``letters``
(muse_care/store/dashboard_sql.py; docs/performance.md, "The lead's dashboard"). The
upgrade fills them from the existing cases and history, the answer days in the
organisation's zone (as ``Register.timezone`` reads it); the downgrade drops them (the
dashboard of 0021 counts at read time). Run ``muse-care team init`` again afterwards, as after every upgrade: it hands
the functions to ``muse_owner`` and lets the members read the tables only.
SQLite: nothing (its dashboard counts at read time).

Revision ID: 0022
Revises: 0021
"""

from alembic import op

from muse_care.store import dashboard_sql

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    version = int(op.get_bind().exec_driver_sql("SHOW server_version_num").scalar() or 0)
    if version < 150000:  # UNIQUE NULLS NOT DISTINCT (docs/team/README.md)
        raise RuntimeError(f"MUSE Care needs PostgreSQL 15 or newer; this server is {version // 10000}")
    stored = op.get_bind().exec_driver_sql("SELECT value FROM settings WHERE key = 'organisation'").scalar()
    for sql in dashboard_sql.upgrade_statements(dashboard_sql.organisation_zone(stored)):
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sql in dashboard_sql.downgrade_statements():
        op.execute(sql)
