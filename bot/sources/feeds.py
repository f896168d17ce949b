"""RSS and Atom feeds (and news-search feeds, which are RSS) parsed with feedparser.

feedparser is only ever given bytes our guarded client fetched: given a URL or a path it
would fetch or read it itself, outside every limit we enforce.
"""

from __future__ import annotations

import calendar
import html
import re
import time
from datetime import UTC, datetime

import feedparser

from bot.errors import DigestbotError
from bot.models import Candidate

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


class FeedError(DigestbotError):
    """The bytes are not a feed feedparser can read."""


def parse_feed(content: bytes, url: str, content_type: str = "") -> list[Candidate]:
    parsed = feedparser.parse(
        content,
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": url,
        },
    )
    entries = parsed.get("entries", [])
    if parsed.get("bozo") and not entries:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not a readable feed: {problem}")
    candidates: list[Candidate] = []
    for entry in entries:
        link = _entry_link(entry)
        if not link:
            continue
        candidates.append(
            Candidate(
                url=link,
                title=_plain(entry.get("title", "")),
                summary=_plain(entry.get("summary", "")),
                published=_entry_time(entry),
                source_url=url,
            )
        )
    return candidates


def _entry_link(entry: feedparser.FeedParserDict) -> str:
    link = str(entry.get("link", "")).strip()
    if link.startswith(("http://", "https://")):
        return link
    for candidate in entry.get("links", []):
        href = str(candidate.get("href", "")).strip()
        if href.startswith(("http://", "https://")):
            return href
    return ""


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value: time.struct_time | None = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _plain(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()
