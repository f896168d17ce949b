"""Building the one digest for (topic, date, language) from stored articles, and storing it.

:func:`build_digest_async` is the one entry point (the CLI, delivery and the benchmarks
await it). With ``model=None`` (no key) the extractive composer writes the digest and no
network is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlite_utils

from bot import metrics
from bot.compose import compose_extractive
from bot.config import TopicConfig
from bot.llm import LanguageModel, Usage
from bot.models import Digest, Story
from bot.render import render_markdown, title_of, to_json
from bot.select import rank_stories
from bot.window import digest_window
from bot.writer.assemble import mark_updates
from bot.writer.citations import topic_stopwords
from bot.writer.memory import Memory, StoryStatus, triage
from bot.writer.schemas import ClusterSummary
from bot.writer.write import Written, write_digest
from storage import articles as article_store
from storage import digests as digest_store


@dataclass(frozen=True)
class BuiltDigest:
    digest: Digest
    markdown: str
    payload: dict[str, Any]
    digest_id: int
    usage: Usage = field(default_factory=Usage)
    model: str = ""

    @property
    def title(self) -> str:
        return title_of(self.digest)


async def build_digest_async(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    day: date,
    language: str,
    *,
    model: LanguageModel | None = None,
) -> BuiltDigest:
    """Compose, render and store the digest; building it again replaces the stored one."""
    prepared = _prepare(db, topic, day, language)
    cached: dict[int, ClusterSummary] = {}
    if model is not None:
        ids = (s.lead.id for s in prepared.stories if s.lead.id is not None)
        stored = digest_store.cached_summaries(db, ids, language, model.name)
        cached = {k: ClusterSummary.model_validate(v) for k, v in stored.items()}
    written = await write_digest(
        model,
        topic,
        day.isoformat(),
        prepared.extractive,
        prepared.stories,
        statuses=prepared.statuses,
        memory=prepared.memory,
        cached=cached,
    )
    if written.summaries:
        digest_store.save_summaries(
            db,
            language,
            written.model,
            {k: v.model_dump() for k, v in written.summaries.items()},
        )
    return _store(db, topic, day, language, written)


@dataclass(frozen=True)
class _Prepared:
    stories: list[Story]
    statuses: list[StoryStatus]
    memory: Memory
    extractive: Digest


def _prepare(db: sqlite_utils.Database, topic: TopicConfig, day: date, language: str) -> _Prepared:
    """Everything before the writer: stories in the window, memory, the extractive digest."""
    window = digest_window(topic, day)
    articles = article_store.articles_in(db, topic.slug, window)
    copies = article_store.copies_by_lead(db, topic.slug, (a.url for a in articles))
    ranked = rank_stories(articles, copies, len(articles))
    memory = digest_store.memory_before(db, topic.slug, day, language)
    # Stories already told on an earlier day, with nothing new, are left out in both modes.
    kept = triage(ranked, memory, topic_stopwords(topic.name, topic.slug))[: topic.max_stories]
    stories = [story for story, _ in kept]
    statuses = [status for _, status in kept]
    rejected = article_store.rejections_on(db, topic.slug, day)
    extractive = mark_updates(
        compose_extractive(
            topic, day, language, window, stories, rejected, total_stories=len(articles)
        ),
        dict(enumerate(statuses, start=1)),
    )
    return _Prepared(stories, statuses, memory, extractive)


def _store(
    db: sqlite_utils.Database, topic: TopicConfig, day: date, language: str, written: Written
) -> BuiltDigest:
    digest = written.digest
    metrics.DIGESTS.labels(digest.mode).inc()
    markdown = render_markdown(digest, written.model)
    payload = to_json(digest, markdown)
    digest_id = digest_store.save_digest(
        db,
        digest,
        title=title_of(digest),
        markdown=markdown,
        public_json=payload,
        model=written.model,
        prompt_tokens=written.usage.prompt_tokens,
        completion_tokens=written.usage.completion_tokens,
    )
    return BuiltDigest(digest, markdown, payload, digest_id, written.usage, written.model)
