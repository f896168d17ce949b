"""The core's :class:`Digest` as stored JSON (``digests.digest``), and back, exactly.

The record is storage's own format, not the public ``digest --format json`` shape (that one
is stored too, in ``digests.json``, for what users script against). ``RECORD_VERSION`` is
written with each record so that a later change of the dataclass can still read old ones.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from bot.models import Digest, Highlight, Point, Reason, Rejection, SourceRef

RECORD_VERSION = 1


def _plain(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a digest record")


def encode_digest(digest: Digest) -> str:
    return json.dumps(
        {"version": RECORD_VERSION, **asdict(digest)}, ensure_ascii=False, default=_plain
    )


def _point(item: dict[str, Any]) -> Point:
    return Point(item["text"], tuple(item["citations"]), item["label"])


def _source(item: dict[str, Any]) -> SourceRef:
    return SourceRef(
        n=item["n"],
        title=item["title"],
        url=item["url"],
        published=datetime.fromisoformat(item["published"]),
        article_id=item["article_id"],
    )


def _rejection(item: dict[str, Any]) -> Rejection:
    published = item.get("published")
    return Rejection(
        url=item["url"],
        reason=Reason(item["reason"]),
        detail=item.get("detail") or "",
        title=item.get("title") or "",
        published=datetime.fromisoformat(published) if published else None,
        duplicate_of=item.get("duplicate_of"),
    )


def _highlight(item: dict[str, Any]) -> Highlight:
    return Highlight(item["headline"], item["text"], tuple(int(n) for n in item["citations"]))


def decode_digest(text: str) -> Digest:
    record = json.loads(text)
    if record.get("version") != RECORD_VERSION:
        raise ValueError(f"unknown digest record version {record.get('version')!r}")
    trend = record["trend"]
    return Digest(
        topic=record["topic"],
        topic_name=record["topic_name"],
        date=date.fromisoformat(record["date"]),
        language=record["language"],
        mode=record["mode"],
        trend=_point(trend) if trend is not None else None,
        highlights=tuple(_highlight(h) for h in record["highlights"]),
        analysis=tuple(_point(p) for p in record["analysis"]),
        key_points=tuple(_point(p) for p in record["key_points"]),
        thoughts=tuple(_point(p) for p in record["thoughts"]),
        sources=tuple(_source(s) for s in record["sources"]),
        summary=record["summary"],
        tags=tuple(record["tags"]),
        rejected=tuple(_rejection(r) for r in record["rejected"]),
        quiet=record["quiet"],
        fallback_sections=tuple(record["fallback_sections"]),
        mode_reason=record["mode_reason"],
    )


def _front_matter(markdown: str) -> dict[str, str]:
    """``key: value`` lines of the post's front matter, values as written."""
    head = markdown.removeprefix("---\n").split("\n---\n", 1)[0]
    return {k: v for k, sep, v in (line.partition(": ") for line in head.splitlines()) if sep}


def _yaml_list(value: str) -> tuple[str, ...]:
    # Our own rendering writes each tag as a JSON string: ["a", "b"].
    try:
        items = json.loads(value) if value else []
    except json.JSONDecodeError:
        return ()
    return tuple(str(item) for item in items)


def digest_from_public_json(
    payload: dict[str, Any], topic_name: str, article_ids: dict[int, int | None]
) -> Digest:
    """Best effort for a digest stored before its record was (migration ``m006``): rebuilt
    from the public JSON. That holds the highlights, sources and rejections, and the
    rendered post, whose front matter gives the summary and tags. The trend, analysis, key
    points and thoughts stay empty (the stored Markdown still shows them), and so do
    ``mode_reason`` and ``fallback_sections``; ``article_ids`` (source number -> article)
    come from ``digest_sources``."""
    front = _front_matter(str(payload.get("markdown", "")))
    summary = front.get("ai_summary", "")
    return Digest(
        topic=payload["topic"],
        topic_name=topic_name,
        date=date.fromisoformat(payload["date"]),
        language=payload["language"],
        mode=payload["mode"],
        trend=None,
        highlights=tuple(_highlight(h) for h in payload.get("highlights", [])),
        analysis=(),
        key_points=(),
        thoughts=(),
        sources=tuple(
            _source({**s, "article_id": article_ids.get(int(s["n"]))})
            for s in payload.get("sources", [])
        ),
        summary=str(json.loads(summary)) if summary.startswith('"') else summary,
        tags=_yaml_list(front.get("tags", "")),
        rejected=tuple(_rejection(r) for r in payload.get("rejected", [])),
        quiet=not payload.get("highlights"),
    )
