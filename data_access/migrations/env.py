"""Alembic environment: migrations run against DATABASE_URL (or the connection handed in by the caller)."""

from alembic import context
from sqlalchemy import create_engine

from data_access.settings import database_url

connection = context.config.attributes.get("connection")
if connection is not None:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
else:
    with create_engine(database_url()).connect() as conn:
        context.configure(connection=conn, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
