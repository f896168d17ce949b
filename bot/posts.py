"""The stored digests with what an export draws beside each: its window's articles, the
copies of each story, and the week's story counts. Exporters (``adapters/jekyll.py``) get
these typed values and never read the database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlite_utils

from bot.config import TopicConfig
from bot.models import Article, StoredDigest, Window
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
    published_per_day: tuple[tuple[date, int], ...]
    """Articles by publication date in the topic's timezone, over the seven dates ending
    with the one the digest's window closes on, oldest first."""

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
        if config is None or stored.digest.date > latest_closed_day(config, now):
            continue
        posts.append(post_for(db, config, stored))
    return posts


def post_for(db: sqlite_utils.Database, config: TopicConfig, stored: StoredDigest) -> Post:
    """One stored digest of topic ``config`` with what is drawn beside it."""
    window = digest_window(config, stored.digest.date)
    articles = article_store.articles_in(db, config.slug, window)
    return Post(
        stored=stored,
        topic=config,
        articles=tuple(articles),
        copies=article_store.copies_by_lead(db, config.slug, (a.url for a in articles)),
        published_per_day=_published_per_day(db, config, window),
    )


def _published_per_day(
    db: sqlite_utils.Database, topic: TopicConfig, window: Window
) -> tuple[tuple[date, int], ...]:
    last = window.end.astimezone(topic.tz).date()
    first = last - timedelta(days=WEEK - 1)
    start = datetime.combine(first, time(0), tzinfo=topic.tz)
    week = article_store.articles_between(db, topic.slug, start, window.end)
    per_day = Counter(a.published.astimezone(topic.tz).date() for a in week)
    return tuple(
        (first + timedelta(days=n), per_day[first + timedelta(days=n)]) for n in range(WEEK)
    )
