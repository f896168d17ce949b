"""Collection: fetch every source of a topic, fetch and extract each item, screen it,
and store articles and rejections. One bad source or page never stops the run."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlite_utils

from bot.config import SourceConfig, TopicConfig
from bot.errors import ExtractError, FetchError
from bot.extract import extract_page
from bot.fetch import Fetcher
from bot.filters.dedup import cluster_texts
from bot.filters.urls import canonical_url
from bot.models import Article, Candidate, Reason, Rejection
from bot.screen import screen_page, stale_rejection
from bot.sources import FeedError, parse_feed
from bot.window import digest_window, history_start
from storage import repository as repo

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
"""Called with (stage, count) as work completes; the CLI draws it with rich."""


@dataclass
class CollectReport:
    topic: str
    day: date
    sources: int = 0
    failed_sources: list[tuple[str, str]] = field(default_factory=list)
    candidates: int = 0
    already_known: int = 0
    kept: int = 0
    kept_in_window: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


def _noop(stage: str, count: int) -> None:
    return None


async def collect(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    day: date,
    fetcher: Fetcher,
    progress: Progress = _noop,
) -> CollectReport:
    window = digest_window(topic, day)
    not_before = history_start(topic, window)
    report = CollectReport(topic=topic.slug, day=day, sources=len(topic.sources))
    repo.upsert_topic(db, topic.slug, topic.name, topic.language, topic.timezone)

    def reject(rejection: Rejection) -> None:
        repo.upsert_rejection(db, topic.slug, day, rejection)
        report.rejected[str(rejection.reason)] += 1

    feeds = await asyncio.gather(*(_read_source(fetcher, source) for source in topic.sources))
    candidates: list[Candidate] = []
    for source, outcome in zip(topic.sources, feeds, strict=True):
        source_id = repo.upsert_source(db, topic.slug, source.kind, source.url, source.name)
        if isinstance(outcome, Rejection):
            repo.record_source_result(db, source_id, f"{outcome.reason}: {outcome.detail}")
            report.failed_sources.append((source.url, outcome.detail))
            reject(outcome)
        else:
            repo.record_source_result(db, source_id, None)
            candidates.extend(outcome)
        progress("sources", 1)
    report.candidates = len(candidates)

    known = repo.known_canonical_urls(db, topic.slug)
    seen: dict[str, str] = {}
    to_fetch: list[Candidate] = []
    # Of several URLs for one page, the one closest to its canonical form is kept.
    candidates.sort(key=lambda c: len(c.url) - len(canonical_url(c.url)))
    for candidate in candidates:
        canonical = canonical_url(candidate.url)
        if canonical in known:
            report.already_known += 1
            continue
        if canonical in seen:
            reject(
                Rejection(
                    candidate.url,
                    Reason.DUPLICATE,
                    f"same page as {seen[canonical]} (URL differs only in tracking "
                    "parameters or form)",
                    candidate.title,
                    candidate.published,
                    duplicate_of=seen[canonical],
                )
            )
            continue
        seen[canonical] = candidate.url
        if candidate.published is not None:
            stale = stale_rejection(candidate, candidate.published, not_before)
            if stale is not None:
                reject(stale)
                continue
        to_fetch.append(candidate)

    screened = await asyncio.gather(
        *(_fetch_and_screen(fetcher, c, topic, not_before, progress) for c in to_fetch)
    )
    accepted = [o for o in screened if isinstance(o, Article)]
    for verdict in screened:
        if isinstance(verdict, Rejection):
            reject(verdict)

    for article, rejection in _deduplicate(db, topic, not_before, accepted):
        if rejection is not None:
            reject(rejection)
            continue
        repo.insert_article(db, topic.slug, article)
        report.kept += 1
        if article.published in window:
            report.kept_in_window += 1
    return report


async def _read_source(fetcher: Fetcher, source: SourceConfig) -> list[Candidate] | Rejection:
    if source.kind == "json":
        return Rejection(
            source.url, Reason.FETCH_ERROR, "source kind 'json' is not supported yet; skipped"
        )
    try:
        fetched = await fetcher.get(source.url)
        return parse_feed(fetched.content, fetched.url, fetched.content_type)
    except FetchError as exc:
        log.info("source %s failed: %s", source.url, exc.detail)
        return Rejection(source.url, Reason(exc.reason), f"source: {exc.detail}")
    except FeedError as exc:
        log.info("source %s is not a feed: %s", source.url, exc)
        return Rejection(source.url, Reason.EXTRACT_ERROR, f"source: {exc}")


async def _fetch_and_screen(
    fetcher: Fetcher,
    candidate: Candidate,
    topic: TopicConfig,
    not_before: datetime,
    progress: Progress,
) -> Article | Rejection:
    try:
        fetched = await fetcher.get(candidate.url)
        page = await asyncio.to_thread(extract_page, fetched.content, fetched.url)
        return screen_page(candidate, page, topic, datetime.now(UTC), not_before, fetched.url)
    except FetchError as exc:
        return Rejection(
            candidate.url, Reason(exc.reason), exc.detail, candidate.title, candidate.published
        )
    except ExtractError as exc:
        return Rejection(
            candidate.url, Reason.EXTRACT_ERROR, str(exc), candidate.title, candidate.published
        )
    finally:
        progress("pages", 1)


def _deduplicate(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    not_before: datetime,
    accepted: list[Article],
) -> list[tuple[Article, Rejection | None]]:
    """Cluster new articles with each other and with stored recent ones; stored articles
    and, among new ones, the earliest published lead their cluster."""
    stored = repo.articles_between(db, topic.slug, not_before, datetime.max.replace(tzinfo=UTC))
    fresh = sorted(accepted, key=lambda a: (a.published, -len(a.text)))
    pool: list[Article] = stored + fresh
    by_hash: dict[str, Article] = {}
    results: dict[int, tuple[Article, Rejection | None]] = {}
    for index, article in enumerate(pool):
        twin = by_hash.get(article.content_hash)
        if twin is not None and index >= len(stored):
            results[index] = (article, _duplicate(article, twin, "identical text"))
        by_hash.setdefault(article.content_hash, article)
    for cluster in cluster_texts([a.text for a in pool]):
        lead = pool[cluster.lead]
        for member in cluster.members:
            if member == cluster.lead or member < len(stored) or member in results:
                continue
            article = pool[member]
            detail = f"near-copy of the same story (similarity {cluster.scores[member]:.2f})"
            results[member] = (article, _duplicate(article, lead, detail))
    return [results.get(index, (pool[index], None)) for index in range(len(stored), len(pool))]


def _duplicate(article: Article, lead: Article, detail: str) -> Rejection:
    return Rejection(
        article.url,
        Reason.DUPLICATE,
        f"{detail} as {lead.url}",
        article.title,
        article.published,
        duplicate_of=lead.url,
    )
