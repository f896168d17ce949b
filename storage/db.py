"""The database handle: one SQLite file in WAL mode, migrated on open."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.errors import StorageError
from storage.migrations import migrations

Database = sqlite_utils.Database


def open_database(
    path: str | Path, tracer: Callable[[str, Any], None] | None = None
) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at ``path`` (``":memory:"`` works).

    ``tracer`` receives every SQL statement, for debugging.
    """
    try:
        if str(path) == ":memory:":
            db = sqlite_utils.Database(memory=True, tracer=tracer)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(path, tracer=tracer)
            db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        migrations.apply(db)
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(f"cannot open database {path}: {exc}") from exc
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    return len(migrations.applied(db))
