"""Building the one digest for (topic, date, language) from stored articles, and storing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from bot.compose import compose_extractive
from bot.config import TopicConfig
from bot.models import Digest
from bot.render import render_markdown, title_of, to_json
from bot.select import rank_stories
from bot.window import digest_window
from storage import repository as repo


@dataclass(frozen=True)
class BuiltDigest:
    digest: Digest
    markdown: str
    payload: dict[str, Any]
    digest_id: int

    @property
    def title(self) -> str:
        return title_of(self.digest)


def build_digest(
    db: sqlite_utils.Database, topic: TopicConfig, day: date, language: str
) -> BuiltDigest:
    """Compose, render and store the digest; building it again replaces the stored one."""
    window = digest_window(topic, day)
    articles = repo.articles_in(db, topic.slug, window)
    copies = repo.copies_by_lead(db, topic.slug, (a.url for a in articles))
    stories = rank_stories(articles, copies, topic.max_stories)
    rejected = repo.rejections_on(db, topic.slug, day)
    digest = compose_extractive(
        topic, day, language, window, stories, rejected, total_stories=len(articles)
    )
    markdown = render_markdown(digest)
    payload = to_json(digest, markdown)
    digest_id = repo.save_digest(
        db,
        topic=topic.slug,
        day=day,
        language=language,
        mode=digest.mode,
        title=title_of(digest),
        markdown=markdown,
        payload=payload,
        cited_article_ids=[(s.n, s.article_id) for s in digest.sources],
    )
    return BuiltDigest(digest, markdown, payload, digest_id)
