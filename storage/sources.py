"""Queries for topics and their sources: what to poll, its validators, and its health.

Storage records what happened to a source; when a failing source is paused is the core's
decision (``bot/sources/health.py``), handed in as the pause's end and reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.models import SourceHealth
from storage.sql import from_iso, now_iso, pk, to_iso


def upsert_topic(db: sqlite_utils.Database, slug: str, name: str, language: str, tz: str) -> None:
    db.table("topics").upsert(
        {"slug": slug, "name": name, "language": language, "timezone": tz, "updated": now_iso()},
        pk="slug",
    )


def upsert_source(db: sqlite_utils.Database, topic: str, kind: str, url: str, name: str) -> int:
    existing = list(db.table("sources").rows_where("topic = ? and url = ?", [topic, url], limit=1))
    if existing:
        db.table("sources").update(existing[0]["id"], {"kind": kind, "name": name})
        return int(existing[0]["id"])
    table = db.table("sources").insert(
        {"topic": topic, "kind": kind, "url": url, "name": name, "consecutive_failures": 0}
    )
    return pk(table.last_pk)


def _health(row: dict[str, Any]) -> SourceHealth:
    return SourceHealth(
        id=int(row["id"]),
        topic=row["topic"],
        kind=row["kind"],
        url=row["url"],
        name=row["name"] or "",
        origin=row["origin"] or "config",
        etag=row["etag"] or "",
        last_modified=row["last_modified"] or "",
        last_success=from_iso(row["last_success"]),
        last_error=row["last_error"],
        consecutive_failures=int(row["consecutive_failures"] or 0),
        paused_until=from_iso(row["paused_until"]),
        paused_reason=row["paused_reason"],
    )


def source(db: sqlite_utils.Database, source_id: int) -> SourceHealth:
    return _health(db.table("sources").get(source_id))


def source_health(db: sqlite_utils.Database, topic: str) -> list[SourceHealth]:
    """Every stored source of a topic with its health, paused ones first."""
    rows = db.query(
        "select * from sources where topic = ? "
        "order by paused_until is null, consecutive_failures desc, url",
        [topic],
    )
    return [_health(row) for row in rows]


def record_source_success(
    db: sqlite_utils.Database, source_id: int, etag: str, last_modified: str
) -> None:
    """A fetch that worked (a 304 included): failures reset, pause lifted, validators kept."""
    values: dict[str, Any] = {
        "last_success": now_iso(),
        "consecutive_failures": 0,
        "last_error": None,
        "paused_until": None,
        "paused_reason": None,
    }
    if etag or last_modified:
        values.update({"etag": etag or None, "last_modified": last_modified or None})
    db.table("sources").update(source_id, values)


def record_source_failure(db: sqlite_utils.Database, source_id: int, error: str) -> int:
    """Count a failed run; returns the failures in a row, this one included."""
    db.execute(
        "update sources set last_error = ?, "
        "consecutive_failures = coalesce(consecutive_failures, 0) + 1 where id = ?",
        [error, source_id],
    )
    return source(db, source_id).consecutive_failures


def pause_source(db: sqlite_utils.Database, source_id: int, until: datetime, reason: str) -> None:
    db.table("sources").update(source_id, {"paused_until": to_iso(until), "paused_reason": reason})


def import_sources(
    db: sqlite_utils.Database, topic: str, feeds: Iterable[tuple[str, str, str]]
) -> tuple[int, int]:
    """Store (kind, url, name) sources from an OPML file; returns (added, already known)."""
    added = known = 0
    with db.atomic():
        for kind, url, name in feeds:
            exists = list(
                db.table("sources").rows_where("topic = ? and url = ?", [topic, url], limit=1)
            )
            if exists:
                known += 1
                continue
            db.table("sources").insert(
                {
                    "topic": topic,
                    "kind": kind,
                    "url": url,
                    "name": name,
                    "origin": "opml",
                    "consecutive_failures": 0,
                }
            )
            added += 1
    return added, known


def imported_sources(db: sqlite_utils.Database, topic: str) -> list[tuple[str, str, str]]:
    """(kind, url, name) of the sources imported from OPML for a topic."""
    rows = db.query(
        "select kind, url, name from sources where topic = ? and origin = 'opml' order by id",
        [topic],
    )
    return [(row["kind"], row["url"], row["name"] or "") for row in rows]
