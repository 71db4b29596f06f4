"""The staff console's database: models, engine and session factory, migrations.

Handoff tickets, call-back requests, staff accounts and the audit trail live here, apart from
Rasa's tracker store, so the console can move to PostgreSQL without touching the dialogue side.
"""

from bot.storage.db import Database, database_url
from bot.storage.migrate import upgrade

__all__ = ["Database", "database_url", "upgrade"]
