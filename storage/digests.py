"""Queries for digests: storing one with its cited sources and token usage, loading it back
as a :class:`StoredDigest`, the writer's memory of earlier days and its summary cache."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from bot.models import HISTORY_DAYS, Digest, Memory, PastCoverage, StoredDigest
from storage.digest_record import decode_digest, digest_from_public_json, encode_digest
from storage.sql import from_iso, in_list, now_iso, pk

MAX_EARLIER_HEADLINES = 12


def save_digest(
    db: sqlite_utils.Database,
    digest: Digest,
    *,
    title: str,
    markdown: str,
    public_json: Mapping[str, Any],
    model: str = "",
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
) -> int:
    """Insert or replace the one digest for (topic, date, language) and its cited sources,
    in one transaction. ``public_json`` is the ``digest --format json`` shape."""
    stamp = now_iso()
    key = [digest.topic, digest.date.isoformat(), digest.language]
    values = {
        "topic": digest.topic,
        "date": digest.date.isoformat(),
        "language": digest.language,
        "mode": digest.mode,
        "title": title,
        "markdown": markdown,
        "json": json.dumps(public_json, ensure_ascii=False),
        "digest": encode_digest(digest),
        "model": model,
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "updated": stamp,
    }
    with db.atomic():
        existing = db.execute(
            "select id from digests where topic = ? and date = ? and language = ?", key
        ).fetchone()
        if existing:
            digest_id = int(existing[0])
            db.table("digests").update(digest_id, values)
            db.execute("delete from digest_sources where digest_id = ?", [digest_id])
        else:
            digest_id = pk(db.table("digests").insert({**values, "created": stamp}).last_pk)
        db.table("digest_sources").insert_all(
            {"digest_id": digest_id, "n": s.n, "article_id": s.article_id} for s in digest.sources
        )
    return digest_id


def _cited_articles(db: sqlite_utils.Database, digest_id: int) -> dict[int, int | None]:
    rows = db.execute(
        "select n, article_id from digest_sources where digest_id = ?", [digest_id]
    ).fetchall()
    return {int(n): article_id for n, article_id in rows}


def _topic_name(db: sqlite_utils.Database, slug: str) -> str:
    row = db.execute("select name from topics where slug = ?", [slug]).fetchone()
    return str(row[0]) if row and row[0] else slug


def _digest_of(db: sqlite_utils.Database, row: dict[str, Any]) -> Digest:
    if row["digest"]:
        return decode_digest(row["digest"])
    # Stored before m006 recorded the whole digest: see digest_from_public_json.
    return digest_from_public_json(
        json.loads(row["json"]), _topic_name(db, row["topic"]), _cited_articles(db, row["id"])
    )


def _stored(db: sqlite_utils.Database, row: dict[str, Any]) -> StoredDigest:
    created = from_iso(row["created"] or row["updated"])
    return StoredDigest(
        id=int(row["id"]),
        digest=_digest_of(db, row),
        markdown=row["markdown"],
        model=row["model"] or "",
        prompt_tokens=int(row["prompt_tokens"] or 0),
        completion_tokens=int(row["completion_tokens"] or 0),
        created=created,
        updated=from_iso(row["updated"]) if row["updated"] else created,
    )


def stored_digest(db: sqlite_utils.Database, digest_id: int) -> StoredDigest | None:
    for row in db.query("select * from digests where id = ?", [digest_id]):
        return _stored(db, row)
    return None


def find_digest(
    db: sqlite_utils.Database, topic: str, day: date, language: str
) -> StoredDigest | None:
    rows = db.query(
        "select * from digests where topic = ? and date = ? and language = ?",
        [topic, day.isoformat(), language],
    )
    for row in rows:
        return _stored(db, row)
    return None


def stored_digests(
    db: sqlite_utils.Database, topic: str | None = None, since: date | None = None
) -> list[StoredDigest]:
    """Stored digests (of ``topic``, from ``since``), by date, topic and language."""
    where, params = ["1 = 1"], []
    if topic:
        where.append("topic = ?")
        params.append(topic)
    if since:
        where.append("date >= ?")
        params.append(since.isoformat())
    rows = db.query(
        f"select * from digests where {' and '.join(where)} order by date, topic, language",
        params,
    )
    return [_stored(db, row) for row in rows]


def memory_before(
    db: sqlite_utils.Database, topic: str, day: date, language: str, days: int = HISTORY_DAYS
) -> Memory:
    """What the ``days`` digests before ``day`` told (any language), for the writer."""
    start, end = (day - timedelta(days=days)).isoformat(), day.isoformat()
    rows = db.query(
        "select d.date, a.title, a.text, a.cluster from digests d "
        "join digest_sources s on s.digest_id = d.id join articles a on a.id = s.article_id "
        "where d.topic = ? and d.date >= ? and d.date < ? order by d.date desc, s.n",
        [topic, start, end],
    )
    past = tuple(
        PastCoverage(date.fromisoformat(r["date"]), r["title"], r["text"], r["cluster"])
        for r in rows
    )
    days_covered = db.execute(
        "select count(distinct date) from digests where topic = ? and date >= ? and date < ?",
        [topic, start, end],
    ).fetchone()[0]
    headlines: list[tuple[date, str]] = []
    for row in db.query(
        "select * from digests where topic = ? and language = ? and date >= ? "
        "and date < ? order by date desc",
        [topic, language, start, end],
    ):
        told = _digest_of(db, row)
        headlines.extend((told.date, item.headline) for item in told.highlights[:3])
    return Memory(past, int(days_covered), tuple(headlines[:MAX_EARLIER_HEADLINES]))


def cached_summaries(
    db: sqlite_utils.Database, article_ids: Iterable[int], language: str, model: str
) -> dict[int, dict[str, Any]]:
    """Stage-1 summaries already paid for, by the lead article's id."""
    ids = list(article_ids)
    if not ids:
        return {}
    rows = db.query(
        "select article_id, json from cluster_summaries where language = ? and model = ? "
        f"and article_id in {in_list(ids)}",
        [language, model, *ids],
    )
    return {int(r["article_id"]): json.loads(r["json"]) for r in rows}


def save_summaries(
    db: sqlite_utils.Database, language: str, model: str, summaries: Mapping[int, dict[str, Any]]
) -> None:
    stamp = now_iso()
    db.table("cluster_summaries").upsert_all(
        (
            {
                "article_id": article_id,
                "language": language,
                "model": model,
                "json": json.dumps(summary, ensure_ascii=False),
                "created": stamp,
            }
            for article_id, summary in summaries.items()
        ),
        pk=("article_id", "language", "model"),
    )
