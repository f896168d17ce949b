"""Read-only queries for clients that look things up (the MCP server): which digests exist,
the latest one, and everything stored about one URL (kept, rejected, cited).

URLs come in as the caller gave them and canonical (``bot/filters/urls.py``); a candidate is
matched on either, and an article on its canonical URL or the link its source announced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from bot.models import Article, Rejection, StoredDigest
from storage.articles import article_of, rejection_of
from storage.digests import stored_digest
from storage.sql import in_list


@dataclass(frozen=True)
class DigestDay:
    """One stored digest's key."""

    topic: str
    day: date
    language: str


@dataclass(frozen=True)
class StoredRejection:
    """A rejection with the topic and collection day it was recorded under."""

    topic: str
    day: date
    rejection: Rejection


@dataclass(frozen=True)
class CitedIn:
    """A digest that cited an article, and under which number."""

    article_id: int
    topic: str
    day: date
    language: str
    n: int


def digest_days(db: sqlite_utils.Database, topic: str) -> list[DigestDay]:
    """Every stored digest of ``topic``, newest first (no digest is decoded)."""
    rows = db.execute(
        "select date, language from digests where topic = ? order by date desc, language",
        [topic],
    ).fetchall()
    return [DigestDay(topic, date.fromisoformat(d), str(lang)) for d, lang in rows]


def article_counts(db: sqlite_utils.Database) -> dict[str, int]:
    rows = db.execute("select topic, count(*) from articles group by topic").fetchall()
    return {str(topic): int(n) for topic, n in rows}


def latest_digest(
    db: sqlite_utils.Database, topic: str, language: str | None = None, day: date | None = None
) -> StoredDigest | None:
    """The newest digest of ``topic`` (on ``day``, in ``language``, when given)."""
    where, params = ["topic = ?"], [topic]
    if language:
        where.append("language = ?")
        params.append(language)
    if day:
        where.append("date = ?")
        params.append(day.isoformat())
    row = db.execute(
        f"select id from digests where {' and '.join(where)} order by date desc, id desc limit 1",
        params,
    ).fetchone()
    return stored_digest(db, int(row[0])) if row else None


def articles_at(
    db: sqlite_utils.Database, topics: Sequence[str], urls: Sequence[str]
) -> list[tuple[str, Article]]:
    """(topic, article) of the stored articles of ``topics`` at any of ``urls``: their
    canonical URL (that of the URL fetched) or the link their source announced."""
    if not topics or not urls:
        return []
    # One indexed lookup per column: an OR across them would scan the articles.
    selects = " union ".join(
        f"select id from articles where topic in {in_list(topics)} and {column} in {in_list(urls)}"
        for column in ("canonical_url", "link")
    )
    params = [*topics, *urls] * 2
    rows = db.query(f"select * from articles where id in ({selects}) order by id", params)
    return [(str(row["topic"]), article_of(row)) for row in rows]


def rejections_at(db: sqlite_utils.Database, urls: Sequence[str]) -> list[StoredRejection]:
    """Every recorded rejection of a candidate at any of ``urls``, newest day first."""
    if not urls:
        return []
    rows = db.query(
        f"select * from rejections where url in {in_list(urls)} order by date desc, topic",
        list(urls),
    )
    return [
        StoredRejection(
            topic=str(row["topic"]),
            day=date.fromisoformat(row["date"]),
            rejection=rejection_of(row),
        )
        for row in rows
    ]


def citations_of(db: sqlite_utils.Database, article_ids: Sequence[int]) -> list[CitedIn]:
    """The digests that cited any of ``article_ids``, newest first."""
    if not article_ids:
        return []
    rows = db.execute(
        "select s.article_id, d.topic, d.date, d.language, s.n from digest_sources s "
        "join digests d on d.id = s.digest_id "
        f"where s.article_id in {in_list(article_ids)} order by d.date desc, d.language",
        list(article_ids),
    ).fetchall()
    return [
        CitedIn(int(a), str(topic), date.fromisoformat(day), str(lang), int(n))
        for a, topic, day, lang, n in rows
    ]
