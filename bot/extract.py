"""Article text and metadata from HTML, with trafilatura.

Called only inside the worker processes of :mod:`bot.extract_pool`: lxml is not safe to
call from several threads of one process.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import trafilatura
from trafilatura.settings import set_date_params

from bot.errors import ExtractError
from bot.models import Page

# trafilatura logs every page it finds nothing in at WARNING; we record those as
# extract_error rejections instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

MIN_TEXT_CHARS = 40
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
"""Page dates with their time and zone; a date alone comes back as midnight, no zone."""


def extract_page(content: bytes, url: str) -> Page:
    try:
        # Bytes, not text: trafilatura reads the page's declared charset (a windows-1252
        # page decoded as UTF-8 would turn every accent into a replacement character).
        document = trafilatura.bare_extraction(
            content,
            url=url,
            with_metadata=True,
            include_comments=False,
            favor_precision=True,
            # No guessing from free text: "© 2026" in a footer is not a publication date,
            # and a wrong page date would override the feed's. Markup and URL dates only,
            # the markup's first: it has a time and a zone, a URL only a day (and a
            # re-published story can sit at a new URL over its old date).
            date_extraction_params={
                **set_date_params(extensive=False),
                "outputformat": DATE_FORMAT,
                "deferred_url_extractor": True,
                "max_date": _latest_plausible_date(),
            },
        )
    except MemoryError:
        raise  # the worker's memory cap, not the page's markup: see bot/extract_pool.py
    except Exception as exc:  # trafilatura raises a zoo of lxml/parser errors
        raise ExtractError(f"unreadable HTML: {type(exc).__name__}") from exc
    if not isinstance(document, trafilatura.settings.Document):
        raise ExtractError("no article text found on the page")
    text = (document.text or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractError("no article text found on the page")
    return Page(
        title=(document.title or "").strip(),
        text=text,
        published=_parse_date(document.date),
        author=(document.author or None),
        language=(getattr(document, "language", None) or None),
    )


def _latest_plausible_date() -> str:
    """The last day a page may be dated: two days after today in UTC. trafilatura's default
    is the start of today on the machine's clock, local time, which drops the time of day
    of every page published today (the page's date falls back to midnight) and, on a
    machine west of UTC, today's dates altogether. Two days cover every time zone ahead of
    UTC; a date still later than the fetch is not believed (bot.screen.publication_time)."""
    return f"{datetime.now(UTC) + timedelta(days=2):%Y-%m-%d}"


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
