"""Adding the feeds of an OPML file to a topic's stored sources."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from bot.config import TopicConfig
from bot.errors import UsageError
from bot.opml import parse_opml
from storage import sources as source_store


@dataclass(frozen=True)
class FeedsImported:
    topic: str
    path: Path
    added: int
    known: int
    """Feeds of the file that the topic already had."""
    skipped: list[str]
    """Entries that are not usable feeds, each with the reason."""


def import_opml_file(db: sqlite_utils.Database, topic: TopicConfig, path: Path) -> FeedsImported:
    """Store the file's feeds as the topic's imported sources; polled from the next run on.

    Raises :class:`UsageError` when the file cannot be read or is not OPML."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    result = parse_opml(content)
    source_store.upsert_topic(db, topic.slug, topic.name, topic.language, topic.timezone)
    added, known = source_store.import_sources(
        db, topic.slug, [(f.kind, f.url, f.name) for f in result.feeds]
    )
    return FeedsImported(topic.slug, path, added, known, list(result.skipped))
