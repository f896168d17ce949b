"""Queries: the core's types in and out of SQLite. No SQL lives outside ``storage/``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlite_utils

from bot.filters.urls import canonical_url
from bot.models import Article, Reason, Rejection, Window


def now_utc() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _pk(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected an integer primary key, got {value!r}")
    return value


def upsert_topic(db: sqlite_utils.Database, slug: str, name: str, language: str, tz: str) -> None:
    db.table("topics").upsert(
        {
            "slug": slug,
            "name": name,
            "language": language,
            "timezone": tz,
            "updated": _iso(now_utc()),
        },
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
    return _pk(table.last_pk)


def record_source_result(db: sqlite_utils.Database, source_id: int, error: str | None) -> None:
    row = db.table("sources").get(source_id)
    if error is None:
        db.table("sources").update(
            source_id,
            {"last_success": _iso(now_utc()), "consecutive_failures": 0, "last_error": None},
        )
    else:
        db.table("sources").update(
            source_id,
            {
                "last_error": error,
                "consecutive_failures": int(row.get("consecutive_failures") or 0) + 1,
            },
        )


def known_canonical_urls(db: sqlite_utils.Database, topic: str) -> set[str]:
    """Canonical URLs of stored articles, and of the links that led to them."""
    known: set[str] = set()
    for row in db.query("select canonical_url, link from articles where topic = ?", [topic]):
        known.add(row["canonical_url"])
        if row["link"]:
            known.add(canonical_url(row["link"]))
    return known


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
            "published": _iso(article.published),
            "fetched": _iso(article.fetched),
            "language": article.language,
            "content_hash": article.content_hash,
            "source_url": article.source_url,
            "relevance": article.relevance,
            "cluster": article.cluster,
        }
    )
    article_id = _pk(table.last_pk)
    if article.cluster is None:
        db.table("articles").update(article_id, {"cluster": article_id})
    return article_id


def _article(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        link=row["link"] or "",
        title=row["title"],
        text=row["text"],
        author=row["author"],
        published=datetime.fromisoformat(row["published"]),
        fetched=datetime.fromisoformat(row["fetched"]),
        language=row["language"],
        content_hash=row["content_hash"] or "",
        source_url=row["source_url"] or "",
        relevance=float(row["relevance"] or 0.0),
        cluster=row["cluster"],
    )


def articles_between(
    db: sqlite_utils.Database, topic: str, start: datetime, end: datetime
) -> list[Article]:
    """Articles published in [start, end), oldest first."""
    rows = db.query(
        "select * from articles where topic = ? and published >= ? and published < ? "
        "order by published, id",
        [topic, _iso(start), _iso(end)],
    )
    return [_article(row) for row in rows]


def articles_in(db: sqlite_utils.Database, topic: str, window: Window) -> list[Article]:
    return articles_between(db, topic, window.start, window.end)


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
        "published": _iso(rejection.published),
        "duplicate_of": rejection.duplicate_of,
        "rejected_at": _iso(now_utc()),
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
    return [
        Rejection(
            url=row["url"],
            reason=Reason(row["reason"]),
            detail=row["detail"] or "",
            title=row["title"] or "",
            published=_from_iso(row["published"]),
            duplicate_of=row["duplicate_of"],
        )
        for row in rows
    ]


def save_digest(
    db: sqlite_utils.Database,
    *,
    topic: str,
    day: date,
    language: str,
    mode: str,
    title: str,
    markdown: str,
    payload: dict[str, Any],
    cited_article_ids: Iterable[tuple[int, int | None]],
) -> int:
    """Insert or replace the one digest for (topic, day, language) and its cited sources."""
    stamp = _iso(now_utc())
    with db.atomic():
        existing = list(
            db.table("digests").rows_where(
                "topic = ? and date = ? and language = ?",
                [topic, day.isoformat(), language],
                limit=1,
            )
        )
        values = {
            "topic": topic,
            "date": day.isoformat(),
            "language": language,
            "mode": mode,
            "title": title,
            "markdown": markdown,
            "json": json.dumps(payload, ensure_ascii=False),
            "updated": stamp,
        }
        if existing:
            digest_id = int(existing[0]["id"])
            db.table("digests").update(digest_id, values)
            db.execute("delete from digest_sources where digest_id = ?", [digest_id])
        else:
            digest_id = _pk(db.table("digests").insert({**values, "created": stamp}).last_pk)
        db.table("digest_sources").insert_all(
            {"digest_id": digest_id, "n": n, "article_id": article_id}
            for n, article_id in cited_article_ids
        )
    return digest_id


def count_rows(
    db: sqlite_utils.Database, table: str, where: str = "", params: list[Any] | None = None
) -> int:
    sql = f"select count(*) from [{table}]" + (f" where {where}" if where else "")
    return int(db.execute(sql, params or []).fetchone()[0])


def copies_by_lead(
    db: sqlite_utils.Database, topic: str, leads: Iterable[str]
) -> dict[str, list[str]]:
    """For each lead URL, the URLs rejected as duplicates of it (any collection date)."""
    wanted = list(leads)
    if not wanted:
        return {}
    marks = ",".join("?" for _ in wanted)
    rows = db.query(
        f"select distinct duplicate_of, url from rejections where topic = ? and reason = ? "
        f"and duplicate_of in ({marks})",
        [topic, str(Reason.DUPLICATE), *wanted],
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["duplicate_of"], []).append(row["url"])
    return found


# --- collection: source health, conditional GET validators, OPML imports, clusters ------


def source_row(db: sqlite_utils.Database, source_id: int) -> dict[str, Any]:
    return dict(db.table("sources").get(source_id))


def record_source_success(
    db: sqlite_utils.Database, source_id: int, etag: str, last_modified: str
) -> None:
    """A fetch that worked (a 304 included): failures reset, pause lifted, validators kept."""
    values: dict[str, Any] = {
        "last_success": _iso(now_utc()),
        "consecutive_failures": 0,
        "last_error": None,
        "paused_until": None,
        "paused_reason": None,
    }
    if etag or last_modified:
        values.update({"etag": etag or None, "last_modified": last_modified or None})
    db.table("sources").update(source_id, values)


def record_source_failure(
    db: sqlite_utils.Database,
    source_id: int,
    error: str,
    pause_after: int,
    retry_after: timedelta,
) -> datetime | None:
    """Count a failed run; from ``pause_after`` failures in a row the source is paused
    until one ``retry_after`` from now. Returns the pause's end, if paused."""
    row = db.table("sources").get(source_id)
    failures = int(row.get("consecutive_failures") or 0) + 1
    values: dict[str, Any] = {"last_error": error, "consecutive_failures": failures}
    until: datetime | None = None
    if failures >= pause_after:
        until = now_utc() + retry_after
        values["paused_until"] = _iso(until)
        values["paused_reason"] = f"{failures} failed runs in a row; last: {error}"
    db.table("sources").update(source_id, values)
    return until


def source_health(db: sqlite_utils.Database, topic: str) -> list[dict[str, Any]]:
    """Every stored source of a topic with its health, paused ones first."""
    return [
        dict(row)
        for row in db.query(
            "select id, kind, url, name, origin, last_success, last_error, "
            "consecutive_failures, paused_until, paused_reason from sources where topic = ? "
            "order by paused_until is null, consecutive_failures desc, url",
            [topic],
        )
    ]


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


def set_rejection_cluster(
    db: sqlite_utils.Database, topic: str, day: date, url: str, cluster: int
) -> None:
    db.execute(
        "update rejections set cluster = ? where topic = ? and date = ? and url = ?",
        [cluster, topic, day.isoformat(), url],
    )


def cluster_of(db: sqlite_utils.Database, topic: str, url: str) -> int | None:
    """The story cluster of the stored article at ``url`` (its own URL or its link)."""
    # Two indexed lookups; an OR across the two columns would scan the topic's rows.
    row = db.execute(
        "select cluster from articles where topic = ? and canonical_url = ? union all "
        "select cluster from articles where topic = ? and link = ? limit 1",
        [topic, canonical_url(url), topic, url],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def rejection_clusters(db: sqlite_utils.Database, topic: str, day: date) -> dict[str, int]:
    """URL -> story cluster of the duplicates rejected on ``day``."""
    rows = db.query(
        "select url, cluster from rejections where topic = ? and date = ? and cluster is not null",
        [topic, day.isoformat()],
    )
    return {row["url"]: int(row["cluster"]) for row in rows}


def set_article_publisher(db: sqlite_utils.Database, article_id: int, publisher: str) -> None:
    db.table("articles").update(article_id, {"publisher": publisher})


def publishers_of(db: sqlite_utils.Database, article_ids: Iterable[int]) -> dict[int, str]:
    """Article id -> the publisher its source named, for the articles that have one."""
    wanted = list(article_ids)
    if not wanted:
        return {}
    marks = ",".join("?" for _ in wanted)
    rows = db.query(
        f"select id, publisher from articles where publisher is not null and id in ({marks})",
        wanted,
    )
    return {int(row["id"]): str(row["publisher"]) for row in rows}
