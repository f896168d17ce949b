"""Which candidates a collect fetches: a page judged once is not fetched again.

Every candidate judged (kept or rejected, all but a failed fetch, which may work on the
next try) is remembered by its canonical URL with the time its source announced it, a
hash of the body fetched and the page's ETag/Last-Modified (:mod:`storage.seen`). The rule
for a candidate already remembered:

- announced with the same time as when it was judged (or with none): skipped, no request;
- announced with another time (a feed bumps an entry's date when the story is updated):
  its page is asked for again with a conditional GET; a 304 or the same body keeps the
  verdict without extracting it again, a changed body is judged again.

A kept page is never judged again (its article is stored and may already be in a digest).
The verdict itself stays where it was stored, once: the article, or the rejection under
the day it was made on, which ``sources --rejected`` for that day and the web's "why not"
show. Pages that no source announced for ``FORGET_AFTER_DAYS`` are forgotten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlite_utils

from bot.filters.urls import canonical_url
from bot.models import Article, Candidate, Reason, Rejection
from storage import seen as seen_store
from storage.seen import SeenPage

RETRIED_REASONS = frozenset({Reason.FETCH_ERROR})
"""Rejections not remembered: a failed fetch may work on the next try."""
FORGET_AFTER_DAYS = 30
KEPT = "kept"


def body_hash(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Fetch:
    """What a page's fetch looked like, remembered with its verdict."""

    body_hash: str = ""
    etag: str = ""
    last_modified: str = ""


@dataclass
class Sighting:
    """The run's candidates sorted by what the cache knows of them."""

    fresh: list[Candidate] = field(default_factory=list)
    """Never judged: fetched and judged now."""
    recheck: dict[str, SeenPage] = field(default_factory=dict)
    """Candidate URL -> what was remembered, for those announced with a new time."""
    skipped: int = 0
    """Judged before and announced as then: not fetched."""


def _announced(candidate: Candidate) -> str:
    return candidate.published.isoformat() if candidate.published else ""


class SeenCache:
    """The cache for one topic's run of ``day``; writes go through the caller's transaction.

    ``db`` is the collect's storage connection, used on its thread only: everything but
    :meth:`unchanged` and :meth:`take_unchanged` (and ``fetches``, filled by the fetchers)
    runs there."""

    def __init__(self, db: sqlite_utils.Database, topic: str, day: date) -> None:
        self.db = db
        self.topic = topic
        self.day = day
        self.fetches: dict[str, Fetch] = {}
        """Candidate URL -> its fetch, for the pages fetched this run."""
        self._announced: dict[str, str] = {}
        self.requests = 0
        """Article pages requested this run."""
        self.unchanged_pages = 0
        self._unchanged: list[SeenPage] = []

    def sort(self, candidates: Sequence[Candidate]) -> Sighting:
        keys = [canonical_url(c.url) for c in candidates]
        # Rows remembered before the cache existed are keyed by the URL as announced.
        known = seen_store.seen_among(self.db, self.topic, [*keys, *(c.url for c in candidates)])
        sighting = Sighting()
        still_announced: list[str] = []
        for candidate, key in zip(candidates, keys, strict=True):
            self._announced[candidate.url] = _announced(candidate)
            page = known.get(key) or known.get(candidate.url)
            if page is None:
                sighting.fresh.append(candidate)
                continue
            still_announced.append(page.url)
            now = _announced(candidate)
            if page.verdict == KEPT or not now or not page.announced or now == page.announced:
                sighting.skipped += 1
            else:
                sighting.recheck[candidate.url] = page
        seen_store.touch(self.db, self.topic, self.day, still_announced)
        return sighting

    def unchanged(self, candidate: Candidate, page: SeenPage, fetch: Fetch) -> None:
        """A rechecked page is as it was: its verdict stands, with its new announcement.
        Noted here (the event loop's side), written by :meth:`remember` with the next
        batch of verdicts: a killed run loses at most a recheck, never a verdict."""
        self.unchanged_pages += 1
        self._unchanged.append(
            SeenPage(
                page.url,
                page.verdict,
                _announced(candidate),
                fetch.body_hash or page.body_hash,
                fetch.etag or page.etag,
                fetch.last_modified or page.last_modified,
            )
        )

    def take_unchanged(self) -> list[SeenPage]:
        """The rechecked pages noted since the last call, for :meth:`remember`."""
        taken, self._unchanged = self._unchanged, []
        return taken

    def remember(self, pages: Sequence[SeenPage]) -> None:
        if pages:
            seen_store.remember(self.db, self.topic, self.day, pages)

    def judged(self, verdicts: Iterable[Article | Rejection]) -> None:
        """Remember the verdicts just stored. A duplicate of a kept article is passed as
        its :class:`Article` to :meth:`copied` instead (its rejection names the URL it
        was fetched at, which redirects may have changed)."""
        pages: list[SeenPage] = []
        for verdict in verdicts:
            if isinstance(verdict, Article):
                pages.append(self._page(verdict.link or verdict.url, KEPT))
            elif verdict.reason not in RETRIED_REASONS:
                pages.append(self._page(verdict.url, str(verdict.reason)))
        seen_store.remember(self.db, self.topic, self.day, pages)

    def copied(self, article: Article) -> None:
        page = self._page(article.link or article.url, str(Reason.DUPLICATE))
        seen_store.remember(self.db, self.topic, self.day, [page])

    def _page(self, link: str, outcome: str) -> SeenPage:
        fetch = self.fetches.pop(link, Fetch())
        return SeenPage(
            canonical_url(link),
            outcome,
            self._announced.get(link, ""),
            fetch.body_hash,
            fetch.etag,
            fetch.last_modified,
        )

    def forget_old(self) -> int:
        return seen_store.forget_before(
            self.db, self.topic, self.day - timedelta(days=FORGET_AFTER_DAYS)
        )
