"""Alembic environment: the connection is handed in by ``muse_care.store.db.upgrade``."""

from alembic import context

from muse_care.store import team_sql  # noqa: F401 - the approvals table joins Base.metadata
from muse_care.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    from muse_care.store.db import make_engine, resolve_url

    engine = make_engine(resolve_url(None))
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
