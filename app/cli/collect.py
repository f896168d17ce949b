"""``digestbot collect`` and ``digestbot digest``: the main job, with a progress bar and
a report on stderr; the digest itself on stdout or in a file."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from adapters.markdown import write_markdown
from app.cli.output import EXIT_OK, err
from bot.collect import CollectReport
from bot.config import Config, Secrets, TopicConfig
from bot.digest import BuiltDigest
from bot.pipeline import build_day_digest, collect_day


def collect_command(config: Config, topic: TopicConfig, day: date, db: Any) -> int:
    _print_report(asyncio.run(_collect(config, topic, day, db)))
    return EXIT_OK


def digest_command(
    args: argparse.Namespace, config: Config, topic: TopicConfig, day: date, db: Any
) -> int:
    language = args.lang or topic.language
    if not args.no_collect:
        _print_report(asyncio.run(_collect(config, topic, day, db)))
    built = asyncio.run(
        build_day_digest(db, topic, day, language, config.mistral, Secrets.from_env())
    )
    if args.format == "json":
        output = json.dumps(built.payload, ensure_ascii=False, indent=2) + "\n"
    else:
        output = built.markdown
    err.print(_mode_line(built), markup=False)
    if args.out:
        path = write_markdown(output, Path(args.out))
        err.print(f"{built.title}: {len(built.digest.sources)} sources cited")
        print(path)
    else:
        sys.stdout.write(output)
    return EXIT_OK


async def _collect(config: Config, topic: TopicConfig, day: date, db: Any) -> CollectReport:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks = {
            "sources": bar.add_task("sources", total=len(topic.sources)),
            "pages": bar.add_task("pages", total=None),
        }

        def advance(stage: str, count: int) -> None:
            bar.advance(tasks[stage], count)

        secrets = Secrets.from_env()
        return await collect_day(
            db, topic, day, config.fetch, advance, mistral=config.mistral, secrets=secrets
        )


def _print_report(report: CollectReport) -> None:
    rejected = sum(report.rejected.values())
    err.print(
        f"[bold]{report.topic}[/] {report.day}: {report.candidates} candidates from "
        f"{report.sources} sources"
        + (f" ({len(report.failed_sources)} failed)" if report.failed_sources else "")
        + (f" ({report.not_modified} unchanged since last poll)" if report.not_modified else "")
        + f"; kept {report.kept} new articles ({report.kept_in_window} in the digest window)"
        + (f", {report.already_known} already stored" if report.already_known else "")
        + f"; rejected {rejected}"
        + (
            f"; {len(report.unlinked)} feed entries without an article link (not fetched)"
            if report.unlinked
            else ""
        )
    )
    if report.rejected:
        table = Table("reason", "count", box=None, pad_edge=False)
        for reason, count in report.rejected.most_common():
            table.add_row(reason, str(count))
        err.print(table)
    judge = report.judge
    if judge is not None and (judge.asked or judge.remembered or judge.failure):
        err.print(
            f"model judge: {judge.asked} pages asked ({judge.tokens} tokens), "
            f"{judge.remembered} remembered from earlier runs, {judge.changed} verdicts changed"
            + (f"; stopped: {judge.failure}" if judge.failure else ""),
            markup=False,
        )
    if report.names_learned:
        tokens = report.names_usage.prompt_tokens + report.names_usage.completion_tokens
        err.print(
            f"topic names learned ({tokens} tokens): {', '.join(report.names_learned)}",
            markup=False,
        )
    for url, detail in report.failed_sources:
        err.print(f"  source failed: {url}: {detail}", markup=False)
    for url, reason in report.paused_sources:
        err.print(f"  source paused: {url}: {reason}", markup=False)
    for url, title, why in report.unlinked:
        err.print(f"  entry not fetched: {url}: {title or '(untitled)'}: {why}", markup=False)


def _mode_line(built: BuiltDigest) -> str:
    """Which writer wrote the digest, and why: the first thing an operator wants to know."""
    digest = built.digest
    if digest.quiet:
        return "mode: quiet day (no stories in the window): short digest, no model call"
    if digest.mode == "model":
        used = built.usage
        line = (
            f"mode: model ({built.model}; {used.prompt_tokens} prompt + "
            f"{used.completion_tokens} completion tokens)"
        )
        if digest.fallback_sections:
            line += "; quoted from sources in: " + ", ".join(digest.fallback_sections)
        return line
    if digest.mode_reason in ("", "no_key"):
        return "mode: extractive (no MISTRAL_API_KEY): text quoted from the sources"
    return (
        f"mode: extractive (the model failed: {digest.mode_reason}; see the warning above): "
        "text quoted from the sources"
    )
