"""SQLite storage through sqlite-utils: schema, migrations and queries.

One module per job: ``sources`` (topics and sources), ``articles`` (articles, rejections,
clusters), ``digests``, ``delivery`` (subscriptions, outbox), ``passages`` (Q&A).
"""

from storage.db import Database, open_database, schema_status

__all__ = ["Database", "open_database", "schema_status"]
