"""A page awaiting its run's settlement, as text: what :func:`bot.screen.screen_page` needs
to judge it again without fetching or extracting it (the candidate, the extracted page, when
it was fetched and where redirects ended). Pure."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from bot.models import Candidate, Page
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


def _dated(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


def _undated(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        k: datetime.fromisoformat(v) if k == "published" and isinstance(v, str) else v
        for k, v in fields.items()
    }
