"""``digestbot sources``: what a day's collection kept (by story) and rejected, as tables or
JSON, and the sources that are paused or failing; ``sources import FILE.opml``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from rich.table import Table

from app.cli.output import EXIT_OK, out_console, print_json
from bot.config import TopicConfig
from bot.errors import UsageError
from bot.models import host
from bot.opml_import import FeedsImported, import_opml_file
from bot.review import DayReview, review_day
from storage import sources as source_store


def sources_command(args: argparse.Namespace, topic: TopicConfig, day: date, db: Any) -> int:
    if args.action:
        _print_import(_import_opml(args, topic, db))
        return EXIT_OK
    review = review_day(db, topic, day)
    if args.format == "json":
        print_json(_review_json(review))
        return EXIT_OK
    out = out_console()
    out.print(_kept_table(review))
    if args.rejected:
        out.print(_rejected_table(review))
    elif review.rejected:
        out.print(f"{len(review.rejected)} rejected: see --rejected")
    for line in source_health_lines(db, topic.slug):
        out.print(line, markup=False)
    return EXIT_OK


def _review_json(review: DayReview) -> dict[str, Any]:
    """The public ``sources --format json`` shape (design section 4)."""
    return {
        "kept": [
            {
                "url": a.url,
                "title": a.title,
                "published": a.published.isoformat(),
                "cluster": a.cluster,
                "kept_because": a.kept_because,
            }
            for a in review.kept
        ],
        "rejected": [
            {"url": r.url, "reason": str(r.reason), "detail": r.detail} for r in review.rejected
        ],
    }


def _kept_table(review: DayReview) -> Table:
    table = Table(
        title=f"{review.topic} {review.day}: kept ({len(review.kept)}) by story",
        title_justify="left",
    )
    for column in ("story", "published (UTC)", "title", "site", "copies", "kept because"):
        table.add_column(column, overflow="fold")
    for article in review.by_story():
        copies = review.copies_of(article)
        table.add_row(
            f"#{article.cluster}",
            f"{article.published:%m-%d %H:%M}",
            article.title,
            review.site_of(article),
            ", ".join(sorted({host(u) for u in copies})),
            article.kept_because,
        )
    return table


def _rejected_table(review: DayReview) -> Table:
    by_reason = review.rejected_by_reason()
    summary = ", ".join(f"{reason} {n}" for reason, n in sorted(by_reason.items()))
    table = Table(title=f"rejected ({len(review.rejected)}): {summary}", title_justify="left")
    for column in ("reason", "title / url", "detail"):
        table.add_column(column, overflow="fold")
    for rejection in review.rejected:
        story = review.copy_clusters.get(rejection.url)
        table.add_row(
            str(rejection.reason) + (f" of #{story}" if story is not None else ""),
            rejection.title or rejection.url,
            rejection.detail,
        )
    return table


def _import_opml(args: argparse.Namespace, topic: TopicConfig, db: Any) -> FeedsImported:
    if len(args.action) != 2 or args.action[0] != "import":
        raise UsageError("expected: digestbot sources import FILE.opml --topic SLUG")
    if not args.topic:
        raise UsageError("sources import needs --topic SLUG (the topic the feeds are for)")
    return import_opml_file(db, topic, Path(args.action[1]))


def _print_import(imported: FeedsImported) -> None:
    print(
        f"{imported.topic}: imported {imported.added} feeds from {imported.path} "
        f"({imported.known} already known)"
    )
    for problem in imported.skipped:
        print(f"  skipped {problem}")


def source_health_lines(db: Any, topic: str) -> list[str]:
    """One line per paused or failing source, so a silent source is never invisible."""
    lines: list[str] = []
    for source in source_store.source_health(db, topic):
        failures = source.consecutive_failures
        if source.paused_until:
            lines.append(
                f"source PAUSED until {source.paused_until:%Y-%m-%dT%H:%M} UTC: {source.url}: "
                f"{source.paused_reason}"
            )
        elif failures:
            last_ok = f"{source.last_success:%Y-%m-%dT%H:%M}" if source.last_success else "never"
            lines.append(
                f"source failing ({failures} run(s), last success {last_ok}): {source.url}: "
                f"{source.last_error}"
            )
    return lines
