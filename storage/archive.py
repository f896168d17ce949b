"""Queries the web archive needs beside :mod:`storage.digests`: which digests exist, as
light rows (no digest decoded), for the index, the per-topic list and the feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils


@dataclass(frozen=True)
class DigestShelf:
    """The stored digests of one topic in one language."""

    topic: str
    language: str
    count: int
    latest: date


@dataclass(frozen=True)
class DigestListing:
    """One stored digest as a line of a list: enough to link to it."""

    id: int
    day: date
    mode: str
    title: str


def digest_shelves(db: sqlite_utils.Database) -> list[DigestShelf]:
    """Per topic and language: how many digests are stored and the latest date."""
    rows = db.execute(
        "select topic, language, count(*), max(date) from digests "
        "group by topic, language order by topic, language"
    ).fetchall()
    return [DigestShelf(t, lang, int(n), date.fromisoformat(latest)) for t, lang, n, latest in rows]


def digest_listings(
    db: sqlite_utils.Database, topic: str, language: str, limit: int | None = None
) -> list[DigestListing]:
    """The topic's digests in ``language``, newest first (the ``limit`` newest)."""
    sql = (
        "select id, date, mode, title from digests where topic = ? and language = ? "
        "order by date desc"
    )
    params: list[object] = [topic, language]
    if limit is not None:
        sql += " limit ?"
        params.append(limit)
    return [
        DigestListing(int(i), date.fromisoformat(d), mode, title or "")
        for i, d, mode, title in db.execute(sql, params).fetchall()
    ]
