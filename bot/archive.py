"""The web archive's reads, as data: which digests exist, one digest with its sources, what
else its day held, search over the stored passages and the same answer as ``digestbot ask``.

The web adapter (``adapters/web/``) renders these values and never reads the database. Each
thread gets its own connection (SQLite handles are not shared across threads); in WAL mode
they read while ``digestbot run`` writes.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import sqlite_utils

from bot.config import Config, Secrets, TopicConfig
from bot.i18n import REASONS, has, text
from bot.models import Rejection, StoredDigest, host
from bot.posts import Post, post_for
from bot.qa import terms as qterms
from bot.qa.ask import AskResult, ask_once
from bot.qa.index import index_new_articles
from bot.qa.retrieve import retrieve
from bot.render import title_of
from bot.review import review_day
from bot.window import today_in
from storage import archive as archive_store
from storage import articles as article_store
from storage import digests as digest_store
from storage.archive import DigestListing, DigestShelf
from storage.passages import Scope

FEED_ENTRIES = 30
SEARCH_RESULTS = 20
SNIPPET_CHARS = 360
_CITATION = re.compile(r"\[(\d+)\]")
_WORD = re.compile(r"[^\W_]+")

__all__ = ["Archive", "DigestListing", "DigestShelf"]


@dataclass(frozen=True)
class TopicShelves:
    """A configured topic and its stored digests per language."""

    topic: TopicConfig
    shelves: tuple[DigestShelf, ...]


@dataclass(frozen=True)
class SourceEntry:
    """A digest's numbered source as a reader sees it."""

    n: int
    title: str
    url: str
    outlet: str
    published: datetime
    """In the topic's timezone."""


@dataclass(frozen=True)
class DigestPage:
    stored: StoredDigest
    topic: TopicConfig
    sources: tuple[SourceEntry, ...]

    @property
    def day(self) -> date:
        return self.stored.digest.date

    @property
    def language(self) -> str:
        return self.stored.digest.language

    @property
    def title(self) -> str:
        return title_of(self.stored.digest)

    @property
    def extractive_notice(self) -> str:
        """Why the text is quoted rather than written, as the Markdown post says it."""
        digest = self.stored.digest
        if digest.mode != "extractive" or digest.quiet:
            return ""
        if digest.mode_reason in ("", "no_key"):
            notice = text(digest.language, "extractive_notice")
        else:
            reasons = REASONS.get(digest.language, {})
            reason = reasons.get(digest.mode_reason, digest.mode_reason)
            notice = text(digest.language, "extractive_notice_failed", reason=reason)
        return notice.removeprefix("> ").replace("`", "")


@dataclass(frozen=True)
class StoryEntry:
    title: str
    url: str
    outlet: str
    published: datetime
    kept_because: str = ""


@dataclass(frozen=True)
class StoryCluster:
    """One story of the day: its kept articles and the URLs rejected as its copies."""

    articles: tuple[StoryEntry, ...]
    copies: tuple[str, ...]

    @property
    def headline(self) -> str:
        return self.articles[0].title

    @property
    def outlets(self) -> tuple[str, ...]:
        names = [a.outlet for a in self.articles] + [host(url) for url in self.copies]
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class RejectionGroup:
    reason: str
    """The public reason code (:class:`bot.models.Reason`): the page's anchor."""
    rejections: tuple[Rejection, ...]

    def label(self, language: str) -> str:
        """The reason as a reader reads it; the code itself for one the catalog lacks."""
        key = f"web_reason_{self.reason}"
        return text(language, key) if has(key) else self.reason


@dataclass(frozen=True)
class WhatElse:
    """The day's kept stories by cluster and its rejected candidates by reason, narrowed to
    those whose URL or title contains ``query`` when one is given."""

    day: date
    query: str
    clusters: tuple[StoryCluster, ...]
    rejected: tuple[RejectionGroup, ...]


@dataclass(frozen=True)
class Fragment:
    """A piece of text, ``marked`` when it matched the search."""

    text: str
    marked: bool = False


@dataclass(frozen=True)
class SearchHit:
    title: tuple[Fragment, ...]
    url: str
    published: str
    snippet: tuple[Fragment, ...]


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: tuple[str, ...]
    hits: tuple[SearchHit, ...]


def cited_fragments(text: str) -> tuple[tuple[str, int | None], ...]:
    """``text`` cut at its ``[n]`` markers: (prose, None) and ("", n) pieces, in order."""
    pieces: list[tuple[str, int | None]] = []
    last = 0
    for match in _CITATION.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], None))
        pieces.append(("", int(match.group(1))))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], None))
    return tuple(pieces)


@functools.lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The index tokens of one word of text; folding is the costly part of highlighting and
    a results page shares most of its words with the previous ones."""
    return tuple(qterms.tokens(word))


class Highlighter:
    """Marks the words of a text that match any of the search ``terms``, as
    :func:`bot.qa.terms.matches` decides it. The terms and their alternatives are flattened
    once into exact words, prefixes and CJK pairs, and each distinct word is decided once,
    so marking a results page costs a dictionary lookup per word."""

    def __init__(self, terms: tuple[str, ...]) -> None:
        self.terms = terms
        needles = list(dict.fromkeys(n for t in terms for n in (t, *qterms.alternatives(t))))
        self._pairs = tuple(n for n in needles if qterms.has_cjk(n))
        self._prefixes = tuple(n for n in needles if qterms.is_prefix_term(n))
        self._exact = frozenset(needles).difference(self._pairs, self._prefixes)
        self._decided: dict[str, bool] = {}

    def _marks(self, word: str) -> bool:
        decided = self._decided.get(word)
        if decided is None:
            decided = self._decided[word] = any(
                token in self._exact
                or (self._prefixes and token.startswith(self._prefixes))
                or (
                    self._pairs
                    and qterms.has_cjk(token)
                    and any(pair in token for pair in self._pairs)
                )
                for token in _word_tokens(word)
            )
        return decided

    def first_match(self, text: str) -> int | None:
        """Where the first matching word of ``text`` starts."""
        return next((m.start() for m in _WORD.finditer(text) if self._marks(m.group())), None)

    def fragments(self, text: str) -> tuple[Fragment, ...]:
        """``text`` with the words matching any search term marked."""
        fragments: list[Fragment] = []
        last = 0
        for match in _WORD.finditer(text):
            if not self._marks(match.group()):
                continue
            if match.start() > last:
                fragments.append(Fragment(text[last : match.start()]))
            fragments.append(Fragment(match.group(), marked=True))
            last = match.end()
        if last < len(text):
            fragments.append(Fragment(text[last:]))
        return tuple(fragments)

    def snippet(self, text: str, width: int = SNIPPET_CHARS) -> str:
        """About ``width`` characters of ``text`` around its first matching word."""
        if len(text) <= width:
            return text
        first = self.first_match(text)
        start = 0 if first is None else max(0, first - width // 3)
        piece = text[start : start + width]
        return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def highlight(text: str, terms: tuple[str, ...]) -> tuple[Fragment, ...]:
    """``text`` with the words matching any search term marked."""
    return Highlighter(terms).fragments(text)


def snippet(text: str, terms: tuple[str, ...], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around its first matching word."""
    return Highlighter(terms).snippet(text, width)


def _contains(needle: str, *haystack: str | None) -> bool:
    return any(needle in (value or "").casefold() for value in haystack)


class Archive:
    """Read access to the stored digests for the web archive. ``connect`` opens one
    database handle; it is called once per thread that reads."""

    def __init__(
        self,
        connect: Callable[[], sqlite_utils.Database],
        config: Config,
        secrets: Secrets,
    ) -> None:
        self._connect = connect
        self._local = threading.local()
        self.config = config
        self._secrets = secrets

    @property
    def _db(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    def topic(self, slug: str) -> TopicConfig | None:
        return next((t for t in self.config.topics if t.slug == slug), None)

    def topics(self) -> list[TopicShelves]:
        shelves = archive_store.digest_shelves(self._db)
        return [
            TopicShelves(topic, tuple(s for s in shelves if s.topic == topic.slug))
            for topic in self.config.topics
        ]

    def listings(self, topic: TopicConfig, language: str) -> list[DigestListing]:
        return archive_store.digest_listings(self._db, topic.slug, language)

    def digest(self, topic: TopicConfig, day: date, language: str) -> DigestPage | None:
        stored = digest_store.find_digest(self._db, topic.slug, day, language)
        return None if stored is None else self._page(topic, stored)

    def _page(self, topic: TopicConfig, stored: StoredDigest) -> DigestPage:
        refs = stored.digest.sources
        publishers = article_store.publishers_of(
            self._db, [r.article_id for r in refs if r.article_id is not None]
        )
        sources = tuple(
            SourceEntry(
                n=ref.n,
                title=ref.title,
                url=ref.url,
                outlet=publishers.get(ref.article_id or -1) or host(ref.url),
                published=ref.published.astimezone(topic.tz),
            )
            for ref in refs
        )
        return DigestPage(stored, topic, sources)

    def recent(
        self, topic: TopicConfig, language: str, limit: int = FEED_ENTRIES
    ) -> list[DigestPage]:
        """The ``limit`` newest digests of the topic in ``language``, newest first."""
        pages = []
        for listing in archive_store.digest_listings(self._db, topic.slug, language, limit):
            stored = digest_store.stored_digest(self._db, listing.id)
            if stored is not None:
                pages.append(self._page(topic, stored))
        return pages

    def post(self, page: DigestPage) -> Post:
        """What the digest's infographic is drawn from."""
        return post_for(self._db, page.topic, page.stored)

    def what_else(self, topic: TopicConfig, day: date, query: str = "") -> WhatElse:
        review = review_day(self._db, topic, day)
        needle = query.strip().casefold()
        clusters: dict[int, list[StoryEntry]] = {}
        copies: dict[int, tuple[str, ...]] = {}
        for article in review.by_story():
            key = article.cluster or article.id or 0
            entry = StoryEntry(
                article.title,
                article.url,
                review.site_of(article),
                article.published.astimezone(topic.tz),
                article.kept_because,
            )
            clusters.setdefault(key, []).append(entry)
            copies[key] = tuple(review.copies_of(article))
        kept = [
            StoryCluster(tuple(entries), copies[key])
            for key, entries in clusters.items()
            if not needle
            or any(_contains(needle, e.title, e.url) for e in entries)
            or _contains(needle, *copies[key])
        ]
        kept.sort(key=lambda c: (-len(c.outlets), c.headline))
        groups: dict[str, list[Rejection]] = {}
        for rejection in review.rejected:
            if not needle or _contains(
                needle, rejection.url, rejection.title, rejection.duplicate_of
            ):
                groups.setdefault(str(rejection.reason), []).append(rejection)
        return WhatElse(
            day=day,
            query=query.strip(),
            clusters=tuple(kept),
            rejected=tuple(RejectionGroup(r, tuple(items)) for r, items in groups.items()),
        )

    def search(self, topic: TopicConfig, query: str) -> SearchResults:
        """The stored passages of the topic (any date) for ``query``: the keyword half of
        the retrieval ``ask`` uses (no embedding: the archive makes no network calls)."""
        query = query.strip()
        if not query:
            return SearchResults(query, (), ())
        index_new_articles(self._db, topic.slug)
        retrieval = retrieve(self._db, Scope(topic.slug), query, limit=SEARCH_RESULTS)
        marker = Highlighter(retrieval.terms)
        hits = tuple(
            SearchHit(
                title=marker.fragments(hit.passage.title),
                url=hit.passage.url,
                published=hit.passage.published[:10],
                snippet=marker.fragments(marker.snippet(hit.passage.text)),
            )
            for hit in retrieval.hits
        )
        return SearchResults(query, retrieval.terms, hits)

    async def ask(self, topic: TopicConfig, question: str, day: date | None = None) -> AskResult:
        """The answer ``digestbot ask --topic SLUG --date DAY QUESTION`` gives (``day``
        defaults to today, as there)."""
        return await ask_once(
            self._db, self.config, topic, question, day or today_in(topic), self._secrets
        )
