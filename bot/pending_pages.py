"""A page awaiting its run's settlement, as text: what :func:`bot.screen.screen_page` needs
to judge it again without fetching or extracting it (the candidate, the extracted page, when
it was fetched and where redirects ended). Pure.

Also the verdicts of :func:`~bot.screen.screen_page` as JSON (:func:`verdict_json`,
:func:`verdict_of`): pages are screened in the extraction worker processes, which send
their verdicts back as data, never as pickles."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from bot.filters.relevance import Evidence
from bot.models import Candidate, Page, Reason, Rejection
from bot.screen import Undecided
from bot.sources.base import Item


def encode(candidate: Candidate, page: Page, fetched: datetime, final_url: str) -> str:
    return json.dumps(
        {
            "candidate": _dated(asdict(candidate)),
            "item": isinstance(candidate, Item),
            "page": _dated(asdict(page)),
            "fetched": fetched.isoformat(),
            "final_url": final_url,
        },
        ensure_ascii=False,
    )


def decode(text: str) -> tuple[Candidate, Page, datetime, str]:
    data = json.loads(text)
    fields = _undated(data["candidate"])
    candidate = Item(**fields) if data["item"] else Candidate(**fields)
    page = Page(**_undated(data["page"]))
    return candidate, page, datetime.fromisoformat(data["fetched"]), str(data["final_url"])


def screen_job(
    candidate: Candidate,
    fetched: datetime,
    not_before: datetime,
    topic_json: str,
    final_url: str | None,
) -> dict[str, Any]:
    """What a worker needs besides the page to screen it (see bot/extract_worker.py)."""
    return {
        "final_url": final_url,
        "candidate": _dated(asdict(candidate)),
        "item": isinstance(candidate, Item),
        "fetched": fetched.isoformat(),
        "not_before": not_before.isoformat(),
        "topic": topic_json,
    }


def job_candidate(job: dict[str, Any]) -> Candidate:
    fields = _undated(job["candidate"])
    return Item(**fields) if job["item"] else Candidate(**fields)


def verdict_json(verdict: Undecided | Rejection) -> dict[str, Any]:
    if isinstance(verdict, Rejection):
        return {"rejection": _dated(asdict(verdict))}
    evidence = asdict(verdict.evidence)
    if evidence["text"] == verdict.page.text:
        del evidence["text"]  # sent once
    return {
        "undecided": {
            "candidate": _dated(asdict(verdict.candidate)),
            "item": isinstance(verdict.candidate, Item),
            "page": _dated(asdict(verdict.page)),
            "title": verdict.title,
            "published": verdict.published.isoformat(),
            "fetched": verdict.fetched.isoformat(),
            "language": verdict.language,
            "url": verdict.url,
            "evidence": evidence,
            "own_channel": verdict.own_channel,
        }
    }


def verdict_of(data: dict[str, Any]) -> Undecided | Rejection:
    if "rejection" in data:
        fields = _undated(data["rejection"])
        fields["reason"] = Reason(fields["reason"])
        return Rejection(**fields)
    fields = data["undecided"]
    candidate = job_candidate(fields)
    page = Page(**_undated(fields["page"]))
    evidence = {"text": page.text, **fields["evidence"]}
    return Undecided(
        candidate=candidate,
        page=page,
        title=fields["title"],
        published=datetime.fromisoformat(fields["published"]),
        fetched=datetime.fromisoformat(fields["fetched"]),
        language=fields["language"],
        url=fields["url"],
        evidence=Evidence(**evidence),
        own_channel=bool(fields["own_channel"]),
    )


def _dated(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


def _undated(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        k: datetime.fromisoformat(v) if k == "published" and isinstance(v, str) else v
        for k, v in fields.items()
    }
