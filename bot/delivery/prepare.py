"""Getting the one digest for (topic, date, language): stored, or built once."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

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


class DigestSource:
    """Finds the stored digest for (topic, date, language) or builds it, once.

    A stored digest is used when it was built after its window closed (so it is complete);
    otherwise it is built again. Concurrent callers for the same key wait for one build.
    """

    def __init__(self, db: sqlite_utils.Database, *, model: LanguageModel | None = None) -> None:
        self.db = db
        self.model = model
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


class CollectingDigestSource(DigestSource):
    """Collects (fetch, extract, filter, store) once per (topic, date) before building."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        fetch: FetchConfig,
        *,
        model: LanguageModel | None = None,
        judge_pages: int = 0,
    ) -> None:
        super().__init__(db, model=model)
        self.fetch = fetch
        self.judge = PageJudge(model, judge_pages) if model is not None and judge_pages else None
        self._collected: set[tuple[str, date]] = set()

    async def before_build(self, topic: TopicConfig, day: date) -> None:
        if (topic.slug, day) in self._collected:
            return
        async with Fetcher(self.fetch) as fetcher:
            report = await collect(self.db, topic, day, fetcher, judge=self.judge)
        self._collected.add((topic.slug, day))
        log.info("collected %s %s: kept %s new articles", topic.slug, day, report.kept)
