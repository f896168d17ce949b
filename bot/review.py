"""What one day's collection kept and rejected, as data for a reviewer.

``digestbot sources`` shows it; the kept articles are those of the digest window of the
day, the rejections those recorded by that day's collection runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from bot.config import TopicConfig
from bot.models import Article, Rejection, host
from bot.window import digest_window
from storage import articles as article_store


@dataclass(frozen=True)
class DayReview:
    topic: str
    day: date
    kept: list[Article]
    """The stored articles published in the digest window of ``day``."""
    rejected: list[Rejection]
    """The candidates rejected on ``day``, by reason, then URL."""
    copy_clusters: dict[str, int]
    """URL of a rejected duplicate -> the story cluster it copies."""
    publishers: dict[int, str]
    """Article id -> the outlet its news-search source named, when it named one."""

    def by_story(self) -> list[Article]:
        """The kept articles grouped by story cluster, oldest first within one."""
        return sorted(self.kept, key=lambda a: (a.cluster or 0, a.published))

    def copies_of(self, article: Article) -> list[str]:
        """URLs rejected as duplicates of the article's story."""
        return sorted(url for url, c in self.copy_clusters.items() if c == article.cluster)

    def site_of(self, article: Article) -> str:
        return self.publishers.get(article.id or -1) or host(article.url)

    def rejected_by_reason(self) -> Counter[str]:
        return Counter(str(r.reason) for r in self.rejected)


def review_day(db: sqlite_utils.Database, topic: TopicConfig, day: date) -> DayReview:
    kept = article_store.articles_in(db, topic.slug, digest_window(topic, day))
    return DayReview(
        topic=topic.slug,
        day=day,
        kept=kept,
        rejected=article_store.rejections_on(db, topic.slug, day),
        copy_clusters=article_store.rejection_clusters(db, topic.slug, day),
        publishers=article_store.publishers_of(db, [a.id for a in kept if a.id is not None]),
    )
