"""The seen cache: every candidate URL a collect judged, with its verdict and what its page
looked like then (a hash of the fetched body and its ETag/Last-Modified), so later runs
skip it before any fetch. The verdict's details stay in ``articles`` or ``rejections``:
this table only says that, and when, the page was judged.

URLs come in canonical: canonicalising is the core's policy, not storage's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from storage.sql import in_list

# SQLite allows 32,766 parameters per statement; lookups go in chunks well below that.
_CHUNK = 500


@dataclass(frozen=True)
class SeenPage:
    url: str
    verdict: str
    """``kept`` or the rejection's reason."""
    announced: str = ""
    """The time the source announced the item with (ISO), or "" if it gave none."""
    body_hash: str = ""
    etag: str = ""
    last_modified: str = ""
    judged: str = ""
    """The collect day the verdict was made on (ISO)."""


def seen_among(db: sqlite_utils.Database, topic: str, urls: Sequence[str]) -> dict[str, SeenPage]:
    """URL -> what is remembered of it, for those of ``urls`` a run of ``topic`` judged."""
    found: dict[str, SeenPage] = {}
    unique = list(dict.fromkeys(urls))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        rows = db.execute(
            "select url, verdict, announced, body_hash, etag, last_modified, judged "
            f"from seen_pages where topic = ? and url in {in_list(chunk)}",
            [topic, *chunk],
        ).fetchall()
        for url, verdict, announced, body_hash, etag, last_modified, judged in rows:
            found[url] = SeenPage(
                url, verdict, announced or "", body_hash or "", etag or "", last_modified or "",
                judged or "",
            )  # fmt: skip
    return found


def remember(db: sqlite_utils.Database, topic: str, day: date, pages: Iterable[SeenPage]) -> None:
    """Record (or replace) the verdicts of ``pages``, made on ``day``."""
    db.conn.executemany(
        "insert or replace into seen_pages (topic, url, verdict, announced, body_hash, etag, "
        "last_modified, judged, last_seen) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                topic,
                page.url,
                page.verdict,
                page.announced,
                page.body_hash,
                page.etag,
                page.last_modified,
                day.isoformat(),
                day.isoformat(),
            )
            for page in pages
        ],
    )


def touch(db: sqlite_utils.Database, topic: str, day: date, urls: Iterable[str]) -> None:
    """Note that a source still announced ``urls`` on ``day`` (see :func:`forget_before`)."""
    stamp = day.isoformat()
    db.conn.executemany(
        "update seen_pages set last_seen = ? where topic = ? and url = ? and last_seen < ?",
        [(stamp, topic, url, stamp) for url in urls],
    )


def forget_before(db: sqlite_utils.Database, topic: str, day: date) -> int:
    """Forget the pages no source announced since ``day``: they left every feed, so the
    table grows with what the feeds carry, not with history. Returns how many."""
    cursor = db.execute(
        "delete from seen_pages where topic = ? and last_seen < ?", [topic, day.isoformat()]
    )
    return int(cursor.rowcount)
