"""Getting the one digest for (topic, date, language): stored, or built once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

import sqlite_utils

from bot.collect import collect
from bot.config import FetchConfig, TopicConfig
from bot.digest import build_digest_async
from bot.fetch import Fetcher
from bot.llm import LanguageModel
from bot.models import StoredDigest
from bot.second_opinion import PageJudge
from bot.window import digest_window
from storage import digests as digest_store

log = logging.getLogger(__name__)


def complete_digest(
    db: sqlite_utils.Database, topic: TopicConfig, day: date, language: str
) -> StoredDigest | None:
    """The stored digest for (topic, date, language) if it was built after its window
    closed (so it is complete); None when asking for it would build it."""
    stored = digest_store.find_digest(db, topic.slug, day, language)
    if stored is None or stored.updated < digest_window(topic, day).end:
        return None
    return stored


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DigestSource:
    """Finds the stored digest for (topic, date, language) or builds it, once.

    A stored digest is used when it was built after its window closed (so it is complete);
    otherwise it is built again. Concurrent callers for the same key wait for one build.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        model: LanguageModel | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.db = db
        self.model = model
        self.clock = clock
        self._locks: dict[tuple[str, date, str], asyncio.Lock] = {}

    async def __call__(self, topic: TopicConfig, day: date, language: str) -> int:
        key = (topic.slug, day, language)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            stored = complete_digest(self.db, topic, day, language)
            if stored is not None:
                return stored.id
            await self.before_build(topic, day)
            built = await build_digest_async(self.db, topic, day, language, model=self.model)
            log.info("built digest %s for %s %s %s", built.digest_id, topic.slug, day, language)
            return built.digest_id

    async def before_build(self, topic: TopicConfig, day: date) -> None:
        """A hook run before a build; the service collects the day's articles here."""

    async def prepare(self, topic: TopicConfig, day: date, languages: Iterable[str]) -> None:
        """Ahead of a delivery slot, the work its firing would do: when ``day``'s window
        has closed, its digests built (a slot then only sends them); while it is still
        open, what has been published so far collected (the slot collects the rest)."""
        if digest_window(topic, day).end <= self.clock():
            for language in sorted(set(languages)):
                await self(topic, day, language)
        else:
            await self.before_build(topic, day)


class CollectingDigestSource(DigestSource):
    """Collects (fetch, extract, filter, store) a (topic, date) before building it.

    A collection that started after the date's window closed, with every source read, has
    all of the window's news: it is not run again for that date. One that started earlier
    (ahead of a delivery slot) or could not read a source is topped up before the build:
    the feeds are polled again and only pages announced since are fetched."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        fetch: FetchConfig,
        *,
        model: LanguageModel | None = None,
        judge_pages: int = 0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(db, model=model, clock=clock)
        self.fetch = fetch
        self.judge = PageJudge(model, judge_pages) if model is not None and judge_pages else None
        self._complete_runs: set[tuple[str, date]] = set()
        """(topic, date) whose collection has all of the window's news."""
        self._collecting: dict[tuple[str, date], asyncio.Lock] = {}

    async def before_build(self, topic: TopicConfig, day: date) -> None:
        await self._collect(topic, day)

    async def prepare(self, topic: TopicConfig, day: date, languages: Iterable[str]) -> None:
        wanted = sorted(set(languages))
        if all(complete_digest(self.db, topic, day, language) for language in wanted):
            return  # built already (another slot of the topic, or before a restart)
        # Built ahead only from a collection that has the whole window: otherwise the slot
        # would send a digest missing what the top-up would have found.
        if await self._collect(topic, day):
            for language in wanted:
                await self(topic, day, language)

    async def _collect(self, topic: TopicConfig, day: date) -> bool:
        """Collect (topic, day) unless a collection already has all of its window's news;
        whether one has, now."""
        key = (topic.slug, day)
        # One collection of a (topic, date) at a time: a slot firing while the collection
        # ahead of it still runs waits for it, then needs at most a top-up.
        async with self._collecting.setdefault(key, asyncio.Lock()):
            if key in self._complete_runs:
                return True
            started = self.clock()
            async with Fetcher(self.fetch) as fetcher:
                report = await collect(self.db, topic, day, fetcher, judge=self.judge)
            log.info(
                "collected %s %s: kept %s new articles, fetched %s pages",
                topic.slug,
                day,
                report.kept,
                report.page_fetches,
            )
            if started >= digest_window(topic, day).end and not report.failed_sources:
                self._complete_runs.add(key)
                return True
            return False
