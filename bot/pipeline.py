"""The main job for one topic and day, each step opening and closing what it needs.

``collect_day`` holds the fetcher's connections for one collection run; ``build_day_digest``
holds the language model's client for one digest. Both return the core's data (a
:class:`~bot.collect.CollectReport`, a :class:`~bot.digest.BuiltDigest`) for a caller to
show as it likes.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from bot.collect import CollectReport, Progress, collect
from bot.config import FetchConfig, MistralConfig, Secrets, TopicConfig
from bot.digest import BuiltDigest, build_digest_async
from bot.fetch import Fetcher
from bot.llm import make_model
from bot.second_opinion import PageJudge
from bot.window import require_closed


def _no_progress(stage: str, count: int) -> None:
    return None


async def collect_day(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    day: date,
    fetch: FetchConfig,
    progress: Progress = _no_progress,
    *,
    mistral: MistralConfig | None = None,
    secrets: Secrets | None = None,
) -> CollectReport:
    """Fetch, extract, filter and store the topic's news for the digest of ``day``; with
    ``mistral`` and a key in ``secrets``, doubtful pages get the model's second opinion."""
    model = make_model(mistral, secrets) if mistral and secrets and mistral.judge_pages else None
    judge = PageJudge(model, mistral.judge_pages) if model and mistral else None
    try:
        async with Fetcher(fetch) as fetcher:
            return await collect(db, topic, day, fetcher, progress, judge=judge)
    finally:
        if model is not None:
            await model.aclose()


async def build_day_digest(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    day: date,
    language: str,
    mistral: MistralConfig,
    secrets: Secrets,
) -> BuiltDigest:
    """Write, render and store the digest from stored articles: with the model when
    ``secrets`` hold a key, else extractive. A day whose window is still open raises
    :class:`~bot.window.WindowNotClosed`: its digest would be stored half empty."""
    require_closed(topic, day)
    model = make_model(mistral, secrets)
    try:
        return await build_digest_async(db, topic, day, language, model=model)
    finally:
        if model is not None:
            await model.aclose()
