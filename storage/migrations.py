"""Ordered schema migrations, applied at start-up and recorded in ``_sqlite_migrations``.

Never edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

import sqlite_utils

migrations = sqlite_utils.Migrations("digestbot")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("topics").create(
        {"slug": str, "name": str, "language": str, "timezone": str, "updated": str},
        pk="slug",
    )
    db.table("sources").create(
        {
            "id": int,
            "topic": str,
            "kind": str,
            "url": str,
            "name": str,
            "etag": str,
            "last_modified": str,
            "last_success": str,
            "last_error": str,
            "consecutive_failures": int,
        },
        pk="id",
        not_null={"topic", "kind", "url"},
        defaults={"consecutive_failures": 0},
    )
    db.table("sources").create_index(["topic", "url"], unique=True)
    db.table("articles").create(
        {
            "id": int,
            "topic": str,
            "url": str,
            "canonical_url": str,
            "link": str,
            "title": str,
            "text": str,
            "author": str,
            "published": str,
            "fetched": str,
            "language": str,
            "content_hash": str,
            "source_url": str,
            "relevance": float,
            "cluster": int,
        },
        pk="id",
        not_null={"topic", "url", "canonical_url", "title", "text", "published", "fetched"},
    )
    db.table("articles").create_index(["topic", "canonical_url"], unique=True)
    db.table("articles").create_index(["topic", "published"])
    db.table("articles").create_index(["topic", "content_hash"])
    db.table("rejections").create(
        {
            "id": int,
            "topic": str,
            "date": str,
            "url": str,
            "reason": str,
            "detail": str,
            "title": str,
            "published": str,
            "duplicate_of": str,
            "rejected_at": str,
        },
        pk="id",
        not_null={"topic", "date", "url", "reason", "rejected_at"},
    )
    db.table("rejections").create_index(["topic", "date", "url"], unique=True)
    db.table("digests").create(
        {
            "id": int,
            "topic": str,
            "date": str,
            "language": str,
            "mode": str,
            "title": str,
            "markdown": str,
            "json": str,
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"topic", "date", "language", "mode", "markdown", "json"},
    )
    db.table("digests").create_index(["topic", "date", "language"], unique=True)
    db.table("digest_sources").create(
        {"digest_id": int, "n": int, "article_id": int},
        pk=("digest_id", "n"),
        foreign_keys=[("digest_id", "digests", "id"), ("article_id", "articles", "id")],
    )


@migrations()
def m002_collection(db: sqlite_utils.Database) -> None:
    """Source health (pausing), OPML-imported sources, and story clusters of duplicates."""
    sources = db.table("sources")
    sources.add_column("paused_until", str)
    sources.add_column("paused_reason", str)
    # "config" for sources in config.toml, "opml" for ones imported with `sources import`.
    sources.add_column("origin", str)
    db.execute("update sources set origin = 'config' where origin is null")
    rejections = db.table("rejections")
    rejections.add_column("cluster", int)
    rejections.create_index(["topic", "cluster"])
    # Copies find their story's cluster by the lead's URL or by the link that led to it.
    db.table("articles").create_index(["topic", "link"])
    # The outlet a news-search result names (its link is a redirect through the service).
    db.table("articles").add_column("publisher", str)


SCHEMA_VERSION = len(migrations._migrations)
