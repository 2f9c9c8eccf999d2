"""Systems and tasks: the retrieval sources become the organisation's systems, and each
case gets a task per system and right.

``sources`` gains what a system declares: ``owner``, ``holds``, ``retention_text``,
``actions`` (JSON: right -> action) and ``keeps_under`` (the legal duty under which an
erasure keeps some data). The systems of the privacy policy
are added (see muse_care/domain/systems.py and docs/tasks.md); the two sources that
already exist (call recordings, live chat) keep their rows and gain their actions, so
every retrieval logged so far stays attached to its system.

``case_tasks``: one row per case, system and right, with its status (to do, done,
nothing held, kept under a legal basis, not applicable), who settled it and when, the
basis or reason, notes, and an assignee. Cases created before this revision get their
tasks when an agent asks for them (Tasks tab, or ``muse-care task create REF``); no
task is invented for them here.

Revision ID: 0013
Revises: 0008
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None

# The systems of the privacy policy as of this revision (muse_care/domain/systems.py
# DEFAULT_SYSTEMS then); a migration keeps its own copy so later edits there do not
# change what it did.
SYSTEMS: list[dict[str, Any]] = [{'code': 'call-recording',
  'name': 'Call recordings',
  'owner': 'Customer Care',
  'holds': 'Recordings of calls to and from Customer Care',
  'identifier': 'phone',
  'retention': '6 months',
  'actions': {'access': 'search-export', 'erasure': 'delete'},
  'retention_months': 6,
  'keeps_under': ''},
 {'code': 'live-chat',
  'name': 'Live chat provider',
  'owner': 'Customer Care',
  'holds': 'Live-chat conversations',
  'identifier': 'email',
  'retention': '13 months',
  'actions': {'access': 'search-export', 'erasure': 'delete'},
  'retention_months': 13,
  'keeps_under': ''},
 {'code': 'web-shop',
  'name': 'Web shop: orders and billing',
  'owner': 'E-commerce and Finance',
  'holds': 'Orders, billing and delivery addresses, purchase history, returns',
  'identifier': 'email',
  'retention': 'Billing data 7 years from the billing date',
  'actions': {'access': 'search-export',
              'portability': 'export-portable',
              'erasure': 'keep-legal-duty',
              'rectification': 'correct',
              'restriction': 'mark-restricted'},
  'retention_months': None,
  'keeps_under': 'tax and accounting law: billing records kept 7 years from the billing date'},
 {'code': 'payments',
  'name': 'Payment partner: saved cards',
  'owner': 'Finance',
  'holds': 'Saved payment card details (held by the payment partner)',
  'identifier': 'email',
  'retention': 'Until the payment is certified and the withdrawal and dispute periods have ended',
  'actions': {'access': 'search-export', 'erasure': 'delete', 'restriction': 'mark-restricted'},
  'retention_months': None,
  'keeps_under': ''},
 {'code': 'my-account',
  'name': 'My Account',
  'owner': 'E-commerce',
  'holds': 'Name, email, password, country, day and month of birth, favourite designers, marketing '
           'preferences',
  'identifier': 'email',
  'retention': 'While the account is open',
  'actions': {'access': 'search-export',
              'portability': 'export-portable',
              'erasure': 'delete',
              'rectification': 'correct',
              'restriction': 'mark-restricted',
              'marketing-opt-out': 'unsubscribe',
              'objection': 'stop-processing'},
  'retention_months': None,
  'keeps_under': ''},
 {'code': 'mailing-list',
  'name': 'MUSE/LVM News mailing list (marketing platform)',
  'owner': 'Marketing',
  'holds': 'Email address, subscriptions, consents, opens and clicks',
  'identifier': 'email',
  'retention': 'Consent current 5 years from the last interaction',
  'actions': {'access': 'search-export',
              'erasure': 'delete',
              'rectification': 'correct',
              'marketing-opt-out': 'unsubscribe',
              'objection': 'stop-processing'},
  'retention_months': None,
  'keeps_under': ''},
 {'code': 'app-push',
  'name': 'App push notifications',
  'owner': 'Mobile',
  'holds': 'Device identifiers, app usage and IP address (with consent)',
  'identifier': 'account',
  'retention': 'Until consent is withdrawn',
  'actions': {'access': 'search-export',
              'erasure': 'delete',
              'marketing-opt-out': 'unsubscribe',
              'objection': 'stop-processing'},
  'retention_months': None,
  'keeps_under': ''},
 {'code': 'analytics',
  'name': 'Browsing and analytics data',
  'owner': 'Digital',
  'holds': 'Pages visited, interactions, IP address, cookies',
  'identifier': 'account',
  'retention': 'Until the customer asks for it to be deleted',
  'actions': {'access': 'search-export',
              'erasure': 'delete',
              'objection': 'stop-processing',
              'restriction': 'mark-restricted'},
  'retention_months': None,
  'keeps_under': ''},
 {'code': 'customer-care',
  'name': 'Customer-care enquiries (CRM)',
  'owner': 'Customer Care',
  'holds': 'Enquiries and their notes',
  'identifier': 'email',
  'retention': 'While the customer is active',
  'actions': {'access': 'search-export',
              'portability': 'export-portable',
              'erasure': 'delete',
              'rectification': 'correct',
              'restriction': 'mark-restricted'},
  'retention_months': None,
  'keeps_under': ''},
 {'code': 'ad-audiences',
  'name': 'Advertising audiences (Facebook, Google)',
  'owner': 'Marketing',
  'holds': 'Email address or mobile number in encrypted form, in custom audiences',
  'identifier': 'email',
  'retention': 'Until removed from the audience',
  'actions': {'erasure': 'delete',
              'objection': 'stop-processing',
              'marketing-opt-out': 'unsubscribe'},
  'retention_months': None,
  'keeps_under': ''}]


def _utc(column: str) -> sa.Column[Any]:
    return sa.Column(column, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("owner", sa.String(120), nullable=False, server_default=""))
        batch.add_column(sa.Column("holds", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("retention_text", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("actions", sa.Text(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("keeps_under", sa.String(300), nullable=False, server_default=""))

    op.create_table(
        "case_tasks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE",
                                                         name="fk_case_tasks_case_id_cases"),
                  nullable=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id", ondelete="RESTRICT",
                                                           name="fk_case_tasks_source_id_sources"),
                  nullable=False),
        sa.Column("right", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False, server_default="todo"),
        sa.Column("basis", sa.Text(), nullable=False, server_default=""),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("assignee", sa.String(100), nullable=False, server_default=""),
        sa.Column("done_by", sa.String(100), nullable=False, server_default=""),
        _utc("done_at"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name="pk_case_tasks"),
        sa.UniqueConstraint("case_id", "source_id", "right", name="uq_case_tasks_case_id_source_id_right"),
    )
    op.create_index("ix_case_tasks_case_id", "case_tasks", ["case_id", "id"])
    op.create_index("ix_case_tasks_open", "case_tasks", ["status", "assignee", "case_id"])

    bind = op.get_bind()
    # Every change of a task is recorded by the database, as for the case's other rows;
    # tasks are never deleted (docs/security.md, "History the database writes").
    from muse_care.store import history_sql

    history_sql.install(bind, (*history_sql.GUARDED_AT_0007, "case_tasks"))
    sources = sa.table(
        "sources", sa.column("id", sa.Integer()), sa.column("code", sa.String()),
        sa.column("name", sa.String()), sa.column("retention_months", sa.Integer()),
        sa.column("identifier_kind", sa.String()), sa.column("active", sa.Boolean()),
        sa.column("owner", sa.String()), sa.column("holds", sa.Text()),
        sa.column("retention_text", sa.String()), sa.column("actions", sa.Text()),
        sa.column("keeps_under", sa.String()),
    )
    have = {row[0] for row in bind.execute(sa.select(sources.c.code))}
    for system in SYSTEMS:
        values = dict(
            owner=system["owner"], holds=system["holds"], retention_text=system["retention"],
            actions=json.dumps(system["actions"], sort_keys=True),
            keeps_under=system["keeps_under"],
        )
        if system["code"] in have:
            bind.execute(sources.update().where(sources.c.code == system["code"]).values(**values))
        else:
            bind.execute(sources.insert().values(
                code=system["code"], name=system["name"], retention_months=system["retention_months"],
                identifier_kind=system["identifier"], active=True, **values))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for op_name in ("insert", "update", "delete"):
            bind.exec_driver_sql(f'DROP TRIGGER IF EXISTS "muse_row_case_tasks_{op_name}"')
        bind.exec_driver_sql('DROP TRIGGER IF EXISTS "muse_nodelete_case_tasks"')
    else:
        bind.exec_driver_sql('DROP TRIGGER IF EXISTS "muse_row_case_tasks" ON case_tasks')
    op.drop_index("ix_case_tasks_open", table_name="case_tasks")
    op.drop_index("ix_case_tasks_case_id", table_name="case_tasks")
    op.drop_table("case_tasks")
    with op.batch_alter_table("sources") as batch:
        for column in ("keeps_under", "actions", "retention_text", "holds", "owner"):
            batch.drop_column(column)
