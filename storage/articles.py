"""Queries for articles, rejections and the story clusters that join them.

URLs come in canonical where a lookup needs it: canonicalising is the core's policy
(``bot/filters/urls.py``), not storage's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlite_utils

from bot.models import Article, Reason, Rejection, Window
from storage.sql import from_iso, in_list, now_iso, pk, to_iso


def insert_article(db: sqlite_utils.Database, topic: str, article: Article) -> int:
    table = db.table("articles").insert(
        {
            "topic": topic,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "link": article.link,
            "title": article.title,
            "text": article.text,
            "author": article.author,
            "published": to_iso(article.published),
            "fetched": to_iso(article.fetched),
            "language": article.language,
            "content_hash": article.content_hash,
            "source_url": article.source_url,
            "relevance": article.relevance,
            "kept_because": article.kept_because,
            "cluster": article.cluster,
        }
    )
    article_id = pk(table.last_pk)
    if article.cluster is None:
        db.table("articles").update(article_id, {"cluster": article_id})
    return article_id


def article_of(row: dict[str, Any]) -> Article:
    """An ``articles`` row as the core's type."""
    return Article(
        id=row["id"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        link=row["link"] or "",
        title=row["title"],
        text=row["text"],
        author=row["author"],
        published=from_iso(row["published"]),
        fetched=from_iso(row["fetched"]),
        language=row["language"],
        content_hash=row["content_hash"] or "",
        source_url=row["source_url"] or "",
        relevance=float(row["relevance"] or 0.0),
        kept_because=row.get("kept_because") or "",
        cluster=row["cluster"],
    )


def stored_urls(db: sqlite_utils.Database, topic: str) -> list[tuple[str, str]]:
    """(canonical URL, link as announced or "") of every stored article of a topic."""
    rows = db.execute("select canonical_url, link from articles where topic = ?", [topic])
    return [(str(canonical), str(link or "")) for canonical, link in rows.fetchall()]


def articles_between(
    db: sqlite_utils.Database, topic: str, start: datetime, end: datetime
) -> list[Article]:
    """Articles published in [start, end), oldest first."""
    rows = db.query(
        "select * from articles where topic = ? and published >= ? and published < ? "
        "order by published, id",
        [topic, to_iso(start), to_iso(end)],
    )
    return [article_of(row) for row in rows]


def urls_since(db: sqlite_utils.Database, topic: str, start: datetime) -> list[tuple[int, str]]:
    """(id, URL) of the articles published from ``start`` on, oldest first: what the
    dedup pool holds, without their texts."""
    rows = db.execute(
        "select id, url from articles where topic = ? and published >= ? order by published, id",
        [topic, to_iso(start)],
    )
    return [(int(i), str(u)) for i, u in rows.fetchall()]


def texts_of(db: sqlite_utils.Database, article_ids: Sequence[int]) -> dict[int, str]:
    """Article id -> text, for ``article_ids``."""
    found: dict[int, str] = {}
    ids = list(article_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.execute(f"select id, text from articles where id in {in_list(chunk)}", chunk)
        found.update((int(i), str(t)) for i, t in rows.fetchall())
    return found


def articles_in(db: sqlite_utils.Database, topic: str, window: Window) -> list[Article]:
    return articles_between(db, topic, window.start, window.end)


def set_article_publisher(db: sqlite_utils.Database, article_id: int, publisher: str) -> None:
    db.table("articles").update(article_id, {"publisher": publisher})


def publishers_of(db: sqlite_utils.Database, article_ids: Iterable[int]) -> dict[int, str]:
    """Article id -> the publisher its source named, for the articles that have one."""
    wanted = list(article_ids)
    if not wanted:
        return {}
    rows = db.query(
        "select id, publisher from articles where publisher is not null "
        f"and id in {in_list(wanted)}",
        wanted,
    )
    return {int(row["id"]): str(row["publisher"]) for row in rows}


def upsert_rejection(
    db: sqlite_utils.Database, topic: str, day: date, rejection: Rejection
) -> None:
    row = {
        "topic": topic,
        "date": day.isoformat(),
        "url": rejection.url,
        "reason": str(rejection.reason),
        "detail": rejection.detail,
        "title": rejection.title,
        "published": to_iso(rejection.published),
        "duplicate_of": rejection.duplicate_of,
        "rejected_at": now_iso(),
    }
    with db.atomic():
        db.execute(
            "delete from rejections where topic = ? and date = ? and url = ?",
            [topic, day.isoformat(), rejection.url],
        )
        db.table("rejections").insert(row)


def rejections_on(db: sqlite_utils.Database, topic: str, day: date) -> list[Rejection]:
    rows = db.query(
        "select * from rejections where topic = ? and date = ? order by reason, url",
        [topic, day.isoformat()],
    )
    return [rejection_of(row) for row in rows]


def unclustered_duplicates(
    db: sqlite_utils.Database, topic: str, day: date
) -> list[tuple[str, str]]:
    """(URL, URL of the lead) of the duplicates rejected on ``day`` with no cluster yet."""
    rows = db.execute(
        "select url, duplicate_of from rejections where topic = ? and date = ? and reason = ? "
        "and cluster is null and duplicate_of is not null and duplicate_of != ''",
        [topic, day.isoformat(), str(Reason.DUPLICATE)],
    )
    return [(str(url), str(lead)) for url, lead in rows.fetchall()]


def rejection_of(row: dict[str, Any]) -> Rejection:
    """A ``rejections`` row as the core's type."""
    return Rejection(
        url=row["url"],
        reason=Reason(row["reason"]),
        detail=row["detail"] or "",
        title=row["title"] or "",
        published=from_iso(row["published"]),
        duplicate_of=row["duplicate_of"],
    )


def copies_by_lead(
    db: sqlite_utils.Database, topic: str, leads: Iterable[str]
) -> dict[str, list[str]]:
    """For each lead URL, the URLs rejected as duplicates of it (any collection date)."""
    wanted = list(leads)
    if not wanted:
        return {}
    rows = db.query(
        "select distinct duplicate_of, url from rejections where topic = ? and reason = ? "
        f"and duplicate_of in {in_list(wanted)}",
        [topic, str(Reason.DUPLICATE), *wanted],
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["duplicate_of"], []).append(row["url"])
    return found


def set_rejection_cluster(
    db: sqlite_utils.Database, topic: str, day: date, url: str, cluster: int
) -> None:
    db.execute(
        "update rejections set cluster = ? where topic = ? and date = ? and url = ?",
        [cluster, topic, day.isoformat(), url],
    )


def cluster_of(db: sqlite_utils.Database, topic: str, canonical: str, link: str) -> int | None:
    """The story cluster of the stored article at ``canonical`` (its canonical URL) or
    announced as ``link``."""
    # Two indexed lookups; an OR across the two columns would scan the topic's rows.
    row = db.execute(
        "select cluster from articles where topic = ? and canonical_url = ? union all "
        "select cluster from articles where topic = ? and link = ? limit 1",
        [topic, canonical, topic, link],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def rejection_clusters(db: sqlite_utils.Database, topic: str, day: date) -> dict[str, int]:
    """URL -> story cluster of the duplicates rejected on ``day``."""
    rows = db.query(
        "select url, cluster from rejections where topic = ? and date = ? and cluster is not null",
        [topic, day.isoformat()],
    )
    return {row["url"]: int(row["cluster"]) for row in rows}
