"""The database handle: one SQLite file in WAL mode, migrated on open."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.errors import StorageError
from storage.migrations import migrations

log = logging.getLogger(__name__)

Database = sqlite_utils.Database


@dataclass(frozen=True)
class SchemaStatus:
    """Which migrations a database has had, and which it still lacks."""

    applied: tuple[str, ...]
    pending: tuple[str, ...]

    @property
    def version(self) -> int:
        return len(self.applied)


def schema_status(db: sqlite_utils.Database) -> SchemaStatus:
    return SchemaStatus(
        applied=tuple(m.name for m in migrations.applied(db)),
        pending=tuple(m.name for m in migrations.pending(db)),
    )


def migrate(db: sqlite_utils.Database) -> tuple[str, ...]:
    """Apply the pending migrations, each in its own transaction; returns their names."""
    pending = schema_status(db).pending
    migrations.apply(db)
    if pending:
        log.info("database migrated: %s", ", ".join(pending))
    return pending


def storage_error(exc: sqlite3.Error, path: str | Path) -> StorageError:
    """One line for an SQLite failure: what happened to which file, and what to do."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
        what = (
            "is locked by another process (another digestbot writing?): wait for it to "
            "finish, or stop it, then run again"
        )
    elif name.startswith("SQLITE_FULL") or "full" in str(exc):
        what = "cannot grow: the disk is full; free some space, then run again"
    elif name.startswith("SQLITE_IOERR"):
        what = (
            f"could not be written ({exc}): is the disk full, or the file size limited "
            "(ulimit -f)? Free some space, then run again"
        )
    elif name.startswith("SQLITE_READONLY"):
        what = "is read-only for this user: fix its permissions (and its folder's)"
    elif name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        what = f"is damaged ({exc}): restore it from a backup (docs/operations.md)"
    else:
        what = f"failed: {exc}"
    return StorageError(f"database {path} {what}")


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
        migrate(db)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    except OSError as exc:
        raise StorageError(f"cannot open database {path}: {exc}") from exc
    return db


def count_rows(
    db: sqlite_utils.Database, table: str, where: str = "", params: list[Any] | None = None
) -> int:
    sql = f"select count(*) from [{table}]" + (f" where {where}" if where else "")
    return int(db.execute(sql, params or []).fetchone()[0])
