"""Alembic environment: the URL from the caller's config, the models' metadata for autogenerate."""

from __future__ import annotations

from alembic import context

from bot.storage.db import make_engine
from bot.storage.models import Base

config = context.config


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("alembic: no sqlalchemy.url (bot.storage.migrate sets it)")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
