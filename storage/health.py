"""Queries for how the service is doing: the newest digest of each topic and mode, and the
model tokens spent since a moment (``doctor`` and the ``status`` chat command read them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from storage.sql import from_iso, to_iso


@dataclass(frozen=True)
class LatestDigest:
    topic: str
    mode: str
    date: date
    language: str
    built: datetime | None


def latest_digests(db: sqlite_utils.Database) -> list[LatestDigest]:
    """The newest digest (by date, then build time) of every (topic, mode)."""
    rows = db.query(
        "select topic, mode, date, language, updated from ("
        "  select *, row_number() over ("
        "    partition by topic, mode order by date desc, updated desc) as rank"
        "  from digests) where rank = 1 order by topic, mode"
    )
    return [
        LatestDigest(
            topic=row["topic"],
            mode=row["mode"],
            date=date.fromisoformat(row["date"]),
            language=row["language"],
            built=from_iso(row["updated"]),
        )
        for row in rows
    ]


def digest_tokens_since(db: sqlite_utils.Database, since: datetime) -> tuple[int, int]:
    """(prompt, completion) tokens of the digests built at ``since`` or later."""
    row = db.execute(
        "select coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0) "
        "from digests where updated >= ?",
        [to_iso(since)],
    ).fetchone()
    return int(row[0]), int(row[1])
