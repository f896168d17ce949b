"""Pages waiting for their collect run's settlement, kept as the core encodes them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import sqlite_utils


def save_pending(
    db: sqlite_utils.Database, topic: str, day: date, pages: Iterable[tuple[str, str]]
) -> None:
    """``pages``: (url, encoded page) pairs."""
    db.table("pending_pages").upsert_all(
        ({"topic": topic, "day": day.isoformat(), "url": url, "page": page} for url, page in pages),
        pk=("topic", "day", "url"),
    )


def pending_on(db: sqlite_utils.Database, topic: str, day: date) -> list[str]:
    rows = db.query(
        "select page from pending_pages where topic = ? and day = ? order by url",
        [topic, day.isoformat()],
    )
    return [row["page"] for row in rows]


def clear_pending(db: sqlite_utils.Database, topic: str, day: date) -> None:
    db.execute("delete from pending_pages where topic = ? and day = ?", [topic, day.isoformat()])


def clear_pending_urls(
    db: sqlite_utils.Database, topic: str, day: date, urls: Sequence[str]
) -> None:
    db.conn.executemany(
        "delete from pending_pages where topic = ? and day = ? and url = ?",
        [(topic, day.isoformat(), url) for url in urls],
    )
