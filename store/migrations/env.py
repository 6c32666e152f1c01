"""Alembic environment: runs on the connection store.db hands over, or on LPA's URL."""

from __future__ import annotations

from alembic import context

from store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    from settings import get_settings
    from store import db

    # db.engine: a bare postgresql:// URL means psycopg 3, as everywhere else in lpa.
    engine = db.engine(get_settings().migration_url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
