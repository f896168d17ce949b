"""Getting the one digest for (topic, date, language): stored, or built once."""

from __future__ import annotations

import asyncio
from datetime import date

import sqlite_utils

from bot.config import TopicConfig
from bot.digest import build_digest
from storage import delivery as store


class DigestSource:
    """Finds the stored digest for (topic, date, language) or builds it, once.

    Concurrent callers for the same key wait for the one build in progress.
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._locks: dict[tuple[str, date, str], asyncio.Lock] = {}

    async def __call__(self, topic: TopicConfig, day: date, language: str) -> int:
        key = (topic.slug, day, language)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            row = store.find_digest(self.db, topic.slug, day.isoformat(), language)
            if row is not None:
                return int(row["id"])
            await self.before_build(topic, day)
            built = build_digest(db=self.db, topic=topic, day=day, language=language)
            return built.digest_id

    async def before_build(self, topic: TopicConfig, day: date) -> None:
        """A hook: the service collects the day's articles here before the first build."""
