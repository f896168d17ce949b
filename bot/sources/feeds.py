"""RSS and Atom feeds parsed with feedparser.

feedparser is only ever given bytes our guarded client fetched: given a URL or a path it
would fetch or read it itself, outside every limit we enforce. It also drops DOCTYPE
entity declarations, so a billion-laughs feed is an error, not an explosion.
"""

from __future__ import annotations

import calendar
import html
import logging
import re
import time
from datetime import UTC, datetime

import feedparser

from bot.models import Candidate
from bot.sources.base import FeedError, Unlinked
from bot.sources.xmllimits import check_xml_limits

log = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")

SUMMARY_CHARS = 1000
"""An entry's summary is kept up to here (cut at a word). It stands in for the page only
until the page is fetched, and the screening reads its opening (the relevance rules' lead
is 600 characters); but many feeds put the whole article there (feedparser gives an
entry's content as its summary when it has none), and a poll holds every candidate at
once: 200,000 entries of 10 KB are 2 GB."""


def entries(content: bytes, url: str, content_type: str = "") -> list[feedparser.FeedParserDict]:
    if not isinstance(content, bytes):  # a str would be taken for a URL or a path
        raise TypeError("feedparser must be given bytes")
    check_xml_limits(content)
    parsed = feedparser.parse(
        content,
        # Relative URIs inside entry HTML are not worth resolving: summaries are reduced to
        # plain text (tags dropped) and the entry links are resolved either way. Skipping
        # it saves about a third of feedparser's time on a typical feed.
        resolve_relative_uris=False,
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": url,
        },
    )
    found: list[feedparser.FeedParserDict] = parsed.get("entries", [])
    if parsed.get("bozo") and not any(_entry_link(entry)[0] for entry in found):
        # feedparser is lenient: a broken document may still give entries, but without
        # one usable link it is a broken feed, not an empty one.
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not a readable feed: {problem}")
    if not found and not parsed.get("version"):
        raise FeedError("not a feed: no RSS or Atom root element")
    return found


def to_candidate(entry: feedparser.FeedParserDict, source_url: str) -> Candidate:
    """The entry as a candidate, or as :class:`Unlinked` when it links to no article."""
    link, why = _entry_link(entry)
    title = plain(entry.get("title", ""))
    summary = _opening(plain(entry.get("summary", "")), SUMMARY_CHARS)
    published = _entry_time(entry)
    if not link:
        return Unlinked("", title, summary, published, source_url, why=why)
    return Candidate(
        url=link, title=title, summary=summary, published=published, source_url=source_url
    )


def parse_feed(content: bytes, url: str, content_type: str = "") -> list[Candidate]:
    """Every entry of the feed, those with no article link as :class:`Unlinked`."""
    return [to_candidate(entry, url) for entry in entries(content, url, content_type)]


class Feed:
    """``rss`` and ``atom`` sources: feedparser reads both."""

    def __init__(self, name: str) -> None:
        self.name = name

    def parse(self, content: bytes, url: str, content_type: str) -> list[Candidate]:
        return parse_feed(content, url, content_type)


# Links an entry carries that are never the article: its licence, its media files, the
# feed itself, replies. feedparser fills ``entry.link`` from the first link it sees,
# whatever its rel, so the rel is read here.
_NOT_THE_ARTICLE = frozenset({"license", "enclosure", "self", "replies", "edit", "payment"})
_NOT_A_PAGE_TYPES = ("audio/", "video/", "image/", "application/pdf", "application/zip")


def _entry_link(entry: feedparser.FeedParserDict) -> tuple[str, str]:
    """The entry's article: its alternate (HTML) link; the plain ``link`` only when it is
    not one of the entry's non-article links. With no article link, ("", why)."""
    links = [link for link in entry.get("links", []) if _http(link.get("href", ""))]
    alternates = [
        link
        for link in links
        if link.get("rel", "alternate") == "alternate"
        and not str(link.get("type", "")).startswith(_NOT_A_PAGE_TYPES)
    ]
    if alternates:
        pages = [link for link in alternates if "html" in str(link.get("type", ""))]
        return str((pages or alternates)[0]["href"]).strip(), ""
    if links:
        # Links, none of them the article (a licence, an enclosure): nothing to fetch.
        kinds = sorted({_link_kind(link) for link in links})
        return "", f"its only links are not an article page ({', '.join(kinds)})"
    # No links list: feedparser may still have a plain link (or an id it took for one).
    link = str(entry.get("link", "")).strip()
    if _http(link) and not entry.get("guidislink", False):
        return link, ""
    return "", "it has no http(s) link"


def _link_kind(link: feedparser.FeedParserDict) -> str:
    """What a non-article link is, in the feed's own words: its rel and its media type."""
    rel, kind = str(link.get("rel", "alternate")), str(link.get("type", ""))
    return f"{rel} {kind}" if kind else rel


def _http(href: object) -> bool:
    return str(href).strip().startswith(("http://", "https://"))


def newest_entries(candidates: list[Candidate], cap: int) -> list[Candidate]:
    """At most ``cap`` candidates of one source, the newest (undated ones last): one huge
    feed must not turn into thousands of fetches."""
    if len(candidates) <= cap:
        return candidates
    log.info("source announced %d entries; the newest %d are taken", len(candidates), cap)
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(candidates, key=lambda c: c.published or oldest, reverse=True)[:cap]


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value: time.struct_time | None = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _opening(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters, cut at the last word that fits whole."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip()


def plain(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()
