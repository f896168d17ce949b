"""``digestbot export jekyll``: stored digests as Jekyll posts with infographic PNGs."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.output import EXIT_OK, err
from bot.config import Config
from storage import open_database


def export_command(args: argparse.Namespace, config: Config) -> int:
    from adapters.jekyll import export_jekyll  # Pillow is only needed here
    from bot.posts import load_posts

    if args.topic:
        config.topic(args.topic)  # an unknown slug is a usage error, as for other commands
    db = open_database(config.storage.path)
    topics = {t.slug: t for t in config.topics}
    stored = load_posts(db, topics, topic=args.topic, since=args.since)
    posts = export_jekyll(stored, Path(args.out))
    for post in posts:
        print(post.post)
    err.print(f"exported {len(posts)} post(s) with infographics to {args.out}")
    return EXIT_OK
