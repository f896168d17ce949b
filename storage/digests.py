"""Queries for the digest writer: token usage, and memory of earlier digests."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlite_utils

from bot.writer.memory import HISTORY_DAYS, Memory, PastCoverage

MAX_EARLIER_HEADLINES = 12


def record_usage(
    db: sqlite_utils.Database,
    digest_id: int,
    *,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
) -> None:
    db.table("digests").update(
        digest_id,
        {"model": model, "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens},
    )


def usage_of(db: sqlite_utils.Database, digest_id: int) -> dict[str, Any]:
    row = db.table("digests").get(digest_id)
    return {k: row.get(k) for k in ("model", "prompt_tokens", "completion_tokens")}


def cached_summaries(
    db: sqlite_utils.Database, article_ids: Iterable[int], language: str, model: str
) -> dict[int, dict[str, Any]]:
    """Stage-1 summaries already paid for, by the lead article's id."""
    ids = list(article_ids)
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    rows = db.query(
        f"select article_id, json from cluster_summaries where language = ? and model = ? "
        f"and article_id in ({marks})",
        [language, model, *ids],
    )
    return {int(r["article_id"]): json.loads(r["json"]) for r in rows}


def save_summaries(
    db: sqlite_utils.Database, language: str, model: str, summaries: Mapping[int, dict[str, Any]]
) -> None:
    stamp = datetime.now(UTC).isoformat()
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
        "select date, json from digests where topic = ? and language = ? and date >= ? "
        "and date < ? order by date desc",
        [topic, language, start, end],
    ):
        for item in json.loads(row["json"]).get("highlights", [])[:3]:
            headlines.append((date.fromisoformat(row["date"]), str(item["headline"])))
    return Memory(past, int(days_covered), tuple(headlines[:MAX_EARLIER_HEADLINES]))


def stored_digests(
    db: sqlite_utils.Database, topic: str | None, since: date | None
) -> list[dict[str, Any]]:
    """Stored digests, oldest first, for export."""
    where, params = ["1 = 1"], []
    if topic:
        where.append("topic = ?")
        params.append(topic)
    if since:
        where.append("date >= ?")
        params.append(since.isoformat())
    return list(
        db.query(
            f"select * from digests where {' and '.join(where)} order by date, topic, language",
            params,
        )
    )
