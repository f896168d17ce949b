"""SQLite storage through sqlite-utils: schema, migrations and queries."""

from storage.db import Database, open_database
from storage.migrations import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Database", "open_database"]
