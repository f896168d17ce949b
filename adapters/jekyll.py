"""Jekyll export: each stored digest as a post in ``_posts/`` with the seeds' front matter
(layout, title, tagline, date, model, categories, tags, image, ai_summary, in that order),
and its infographic PNG in ``assets/img/posts/``. Everything comes from the database and
is drawn locally; nothing touches the network."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from adapters.infographic import InfographicData, draw_infographic
from adapters.markdown import write_markdown
from bot.config import TopicConfig
from bot.models import host
from bot.select import rank_stories
from bot.window import digest_window
from storage import digests as digest_store
from storage import repository as repo

FRONT_MATTER_KEYS = (
    "layout",
    "title",
    "tagline",
    "date",
    "model",
    "categories",
    "tags",
    "image",
    "ai_summary",
)
IMAGE_DIR = "assets/img/posts"
POSTS_DIR = "_posts"
WEEK = 7


@dataclass(frozen=True)
class ExportedPost:
    post: Path
    image: Path


def split_front_matter(markdown: str) -> tuple[dict[str, str], str]:
    """Our own rendered front matter (one ``key: value`` per line) and the body after it."""
    if not markdown.startswith("---\n"):
        return {}, markdown
    head, body = markdown[4:].split("\n---\n", 1)
    fields: dict[str, str] = {}
    for line in head.splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            fields[key.strip()] = value
    return fields, body


def post_front_matter(fields: Mapping[str, str], image_url: str) -> str:
    """The seed format, field for field; our extra ``mode`` stays in the body's notice."""
    values = {**fields, "image": image_url}
    lines = [f"{key}: {values.get(key, '')}".rstrip() for key in FRONT_MATTER_KEYS]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _names(row: Mapping[str, Any], default_language: str | None) -> tuple[str, str]:
    """Post and image file names: the seed's ``DATE-TOPIC`` for the topic's own language,
    a language suffix for the others, so two languages never overwrite each other."""
    stem = f"{row['date']}-{row['topic']}"
    if default_language is not None and row["language"] != default_language:
        stem += f"-{row['language'].lower()}"
    return f"{stem}.md", f"{stem}-infographic.png"


def infographic_data(db: sqlite_utils.Database, topic: TopicConfig, day: date) -> InfographicData:
    window = digest_window(topic, day)
    articles = repo.articles_in(db, topic.slug, window)
    per_source = Counter(host(a.url) for a in articles)
    # A "day" is a digest's window, so the last bar is exactly this post's stories.
    per_day = [
        (d, len(repo.articles_in(db, topic.slug, digest_window(topic, d))))
        for d in (day - timedelta(days=i) for i in range(WEEK - 1, -1, -1))
    ]
    copies = repo.copies_by_lead(db, topic.slug, (a.url for a in articles))
    stories = rank_stories(articles, copies, len(articles))
    top = sorted(stories, key=lambda s: -s.outlets)[:5]
    return InfographicData(
        # Latin text only: Pillow's bundled font has no CJK glyphs, and the title must read.
        title=f"{topic.slug.upper()} {day.isoformat()}: {len(articles)} stories",
        per_source=tuple(sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0]))),
        per_day=tuple((d.isoformat()[5:], n) for d, n in per_day),
        top_clusters=tuple((s.lead.title, s.outlets) for s in top),
    )


def export_jekyll(
    db: sqlite_utils.Database,
    out_dir: Path,
    topics: Mapping[str, TopicConfig],
    *,
    topic: str | None = None,
    since: date | None = None,
) -> list[ExportedPost]:
    """Write every stored digest (of ``topic``, from ``since``) as a post with its image.
    Exporting again overwrites the same files."""
    exported: list[ExportedPost] = []
    for row in digest_store.stored_digests(db, topic, since):
        config = topics.get(row["topic"])
        if config is None:
            continue  # a topic no longer configured: its window cannot be computed
        post_name, image_name = _names(row, config.language)
        fields, body = split_front_matter(row["markdown"])
        image = draw_infographic(
            infographic_data(db, config, date.fromisoformat(row["date"])),
            out_dir / IMAGE_DIR / image_name,
        )
        text = post_front_matter(fields, f"/{IMAGE_DIR}/{image_name}") + body
        post = write_markdown(text, out_dir / POSTS_DIR / post_name)
        exported.append(ExportedPost(post, image.resolve()))
    return exported
