"""Persistence: SQLAlchemy models, engines, migrations, territory import and export."""

from api.db.engine import Database, open_database
from api.db.migrate import upgrade_database

__all__ = ["Database", "open_database", "upgrade_database"]
