"""The model judge's verdicts on pages, one per topic and canonical URL: a page is judged once."""

from __future__ import annotations

import sqlite_utils

from storage.sql import now_iso


def judgement_of(
    db: sqlite_utils.Database, topic: str, canonical_url: str
) -> tuple[str, str, str] | None:
    """(verdict, reason, model) given before for this page, or None."""
    rows = list(
        db.query(
            "select verdict, reason, model from page_judgements "
            "where topic = ? and canonical_url = ?",
            [topic, canonical_url],
        )
    )
    if not rows:
        return None
    row = rows[0]
    return str(row["verdict"]), str(row["reason"]), str(row["model"])


def save_judgement(
    db: sqlite_utils.Database,
    topic: str,
    canonical_url: str,
    *,
    verdict: str,
    reason: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
) -> None:
    db.table("page_judgements").upsert(
        {
            "topic": topic,
            "canonical_url": canonical_url,
            "verdict": verdict,
            "reason": reason,
            "model": model,
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "judged": now_iso(),
        },
        pk=("topic", "canonical_url"),
    )
