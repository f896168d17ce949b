"""The stored digests with what an export draws beside each: its window's articles, the
copies of each story, and the week's story counts. Exporters (``adapters/jekyll.py``) get
these typed values and never read the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlite_utils

from bot.config import TopicConfig
from bot.models import Article, StoredDigest
from bot.window import digest_window, latest_closed_day
from storage import articles as article_store
from storage import digests as digest_store

WEEK = 7


@dataclass(frozen=True)
class Post:
    stored: StoredDigest
    topic: TopicConfig
    articles: tuple[Article, ...]
    """The articles published in the digest's window."""
    copies: Mapping[str, list[str]]
    """Lead URL -> the URLs rejected as copies of its story."""
    stories_per_day: tuple[tuple[date, int], ...]
    """Articles in each digest window of the week ending with this digest's day."""

    @property
    def day(self) -> date:
        return self.stored.digest.date


def load_posts(
    db: sqlite_utils.Database,
    topics: Mapping[str, TopicConfig],
    *,
    topic: str | None = None,
    since: date | None = None,
    now: datetime | None = None,
) -> list[Post]:
    """Every stored digest (of ``topic``, from ``since``) of a configured topic, oldest
    first, quiet days included. Skipped: a topic no longer configured (its windows cannot
    be computed) and a digest whose window has not closed by ``now`` (stored by an older
    version: half a day's news, never to be published)."""
    posts: list[Post] = []
    for stored in digest_store.stored_digests(db, topic, since):
        config = topics.get(stored.digest.topic)
        if config is None:
            continue
        day = stored.digest.date
        if day > latest_closed_day(config, now):
            continue
        articles = article_store.articles_in(db, config.slug, digest_window(config, day))
        week = [day - timedelta(days=back) for back in range(WEEK - 1, -1, -1)]
        posts.append(
            Post(
                stored=stored,
                topic=config,
                articles=tuple(articles),
                copies=article_store.copies_by_lead(db, config.slug, (a.url for a in articles)),
                stories_per_day=tuple(
                    (d, len(article_store.articles_in(db, config.slug, digest_window(config, d))))
                    for d in week
                ),
            )
        )
    return posts
