"""The ``digestbot`` command line. Argument parsing and printing only: the work happens in
the core modules it calls."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from adapters.markdown import write_markdown
from bot import __version__
from bot.collect import CollectReport, collect
from bot.config import LANGUAGES, Config, Secrets, TopicConfig, load_config, resolve_config_path
from bot.digest import BuiltDigest, build_digest_async
from bot.errors import ConfigError, DigestbotError, UsageError
from bot.fetch import Fetcher
from bot.llm import make_model
from bot.models import host
from bot.opml import parse_opml
from bot.qa.service import answer_question
from bot.window import digest_window, today_in
from storage import articles as article_store
from storage import open_database, schema_status
from storage import sources as source_store
from storage.db import count_rows

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digestbot",
        description="Daily, cited news digests for a topic, delivered to chat.",
        epilog="config: --config, else $DIGESTBOT_CONFIG, else ./config.toml, else the "
        "bundled sample (offline demo)",
    )
    parser.add_argument("--config", metavar="PATH", help="configuration file (TOML)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--version", action="version", version=f"digestbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def topic_and_date(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--topic", metavar="SLUG", help="topic slug (default: the first)")
        sub.add_argument(
            "--date",
            metavar="D",
            type=_date,
            help="digest date YYYY-MM-DD (default: today in the topic's timezone)",
        )

    sub = commands.add_parser("collect", help="fetch, extract, filter, store")
    topic_and_date(sub)

    sub = commands.add_parser("digest", help="build (collecting first) and render a digest")
    topic_and_date(sub)
    sub.add_argument("--lang", choices=LANGUAGES, help="language (default: the topic's)")
    sub.add_argument("--format", choices=("markdown", "json"), default="markdown")
    sub.add_argument("--out", metavar="PATH", help="write to this file and print its path")
    sub.add_argument("--no-collect", action="store_true", help="use stored articles only")

    sub = commands.add_parser(
        "sources",
        help="what was kept and rejected, with the reason; or import FILE.opml",
        usage="digestbot sources [--topic SLUG] [--date D] [--rejected] [--format text|json]\n"
        "       digestbot sources import FILE.opml --topic SLUG",
    )
    topic_and_date(sub)
    sub.add_argument("--rejected", action="store_true", help="also list rejected candidates")
    sub.add_argument("--format", choices=("text", "json"), default="text")
    sub.add_argument(
        "action", nargs="*", metavar="import FILE.opml", help="add the feeds of an OPML file"
    )

    sub = commands.add_parser("ask", help="a follow-up question over the stored sources")
    sub.add_argument("question", metavar="QUESTION")
    topic_and_date(sub)
    sub.add_argument("--format", choices=("text", "json"), default="text")

    commands.add_parser("chat", help="terminal chat: the same commands as Discord/Telegram")

    sub = commands.add_parser("export", help="export digests")
    sub.add_argument("target", choices=("jekyll",), help="export format")
    sub.add_argument("--out", metavar="DIR", required=True)
    sub.add_argument("--topic", metavar="SLUG")
    sub.add_argument("--since", metavar="D", type=_date)

    commands.add_parser("run", help="the service: scheduler + every configured adapter")
    commands.add_parser("doctor", help="check config, database, tokens, endpoints")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL at INFO; URLs can carry tokens.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    try:
        return _dispatch(args)
    except (ConfigError, UsageError) as exc:
        print(f"digestbot: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DigestbotError as exc:
        print(f"digestbot: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    config_path = resolve_config_path(args.config)
    config = load_config(config_path)
    if args.command == "doctor":
        return _doctor(config, config_path)
    if args.command == "export":
        return _export(args, config)
    if args.command == "chat":
        return _chat(config)
    if args.command == "run":
        return _run(config)
    topic = config.topic(args.topic)
    day: date = args.date or today_in(topic)
    db = open_database(config.storage.path)
    if args.command == "collect":
        report = asyncio.run(_collect(config, topic, day, db))
        _print_report(report)
        return EXIT_OK
    if args.command == "digest":
        return _digest(args, config, topic, day, db)
    if args.command == "sources":
        return _sources(args, topic, day, db)
    if args.command == "ask":
        return asyncio.run(_ask(args, config, topic, day, db))
    raise UsageError(f"unknown command {args.command}")  # argparse prevents this


async def _collect(config: Config, topic: TopicConfig, day: date, db: Any) -> CollectReport:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks = {
            "sources": bar.add_task("sources", total=len(topic.sources)),
            "pages": bar.add_task("pages", total=None),
        }

        def advance(stage: str, count: int) -> None:
            bar.advance(tasks[stage], count)

        async with Fetcher(config.fetch) as fetcher:
            return await collect(db, topic, day, fetcher, advance)


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
    )
    if report.rejected:
        table = Table("reason", "count", box=None, pad_edge=False)
        for reason, count in report.rejected.most_common():
            table.add_row(reason, str(count))
        err.print(table)
    for url, detail in report.failed_sources:
        err.print(f"  source failed: {url}: {detail}", markup=False)
    for url, reason in report.paused_sources:
        err.print(f"  source paused: {url}: {reason}", markup=False)


def _digest(
    args: argparse.Namespace, config: Config, topic: TopicConfig, day: date, db: Any
) -> int:
    language = args.lang or topic.language
    if not args.no_collect:
        _print_report(asyncio.run(_collect(config, topic, day, db)))
    built = asyncio.run(_build(config, topic, day, language, db))
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


async def _build(
    config: Config, topic: TopicConfig, day: date, language: str, db: Any
) -> BuiltDigest:
    model = make_model(config.mistral, Secrets.from_env())
    try:
        return await build_digest_async(db, topic, day, language, model=model)
    finally:
        if model is not None:
            await model.aclose()


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


def _export(args: argparse.Namespace, config: Config) -> int:
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


def _sources(args: argparse.Namespace, topic: TopicConfig, day: date, db: Any) -> int:
    if args.action:
        return _import_opml(args, topic, db)
    window = digest_window(topic, day)
    kept = article_store.articles_in(db, topic.slug, window)
    rejected = article_store.rejections_on(db, topic.slug, day)
    if args.format == "json":
        payload = {
            "kept": [
                {
                    "url": a.url,
                    "title": a.title,
                    "published": a.published.isoformat(),
                    "cluster": a.cluster,
                }
                for a in kept
            ],
            "rejected": [
                {"url": r.url, "reason": str(r.reason), "detail": r.detail} for r in rejected
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    out = Console(highlight=False, soft_wrap=True)
    clusters = article_store.rejection_clusters(db, topic.slug, day)
    copies: dict[int, list[str]] = {}
    for url, cluster in clusters.items():
        copies.setdefault(cluster, []).append(url)
    table = Table(title=f"{topic.slug} {day}: kept ({len(kept)}) by story", title_justify="left")
    for column in ("story", "published (UTC)", "title", "site", "copies"):
        table.add_column(column, overflow="fold")
    publishers = article_store.publishers_of(db, [a.id for a in kept if a.id is not None])
    for article in sorted(kept, key=lambda a: (a.cluster or 0, a.published)):
        others = copies.get(article.cluster or -1, [])
        table.add_row(
            f"#{article.cluster}",
            f"{article.published:%m-%d %H:%M}",
            article.title,
            publishers.get(article.id or -1) or host(article.url),
            ", ".join(sorted({host(u) for u in others})) if others else "",
        )
    out.print(table)
    if args.rejected:
        by_reason: dict[str, int] = {}
        for rejection in rejected:
            by_reason[str(rejection.reason)] = by_reason.get(str(rejection.reason), 0) + 1
        summary = ", ".join(f"{reason} {n}" for reason, n in sorted(by_reason.items()))
        table = Table(title=f"rejected ({len(rejected)}): {summary}", title_justify="left")
        for column in ("reason", "title / url", "detail"):
            table.add_column(column, overflow="fold")
        for rejection in rejected:
            story = clusters.get(rejection.url)
            table.add_row(
                str(rejection.reason) + (f" of #{story}" if story is not None else ""),
                rejection.title or rejection.url,
                rejection.detail,
            )
        out.print(table)
    elif rejected:
        out.print(f"{len(rejected)} rejected: see --rejected")
    for line in _source_health_lines(db, topic.slug):
        out.print(line, markup=False)
    return EXIT_OK


def _chat(config: Config) -> int:
    from adapters.terminal import run_chat
    from app.service import make_commands
    from bot.delivery.prepare import CollectingDigestSource
    from bot.logging_setup import install_redaction

    secrets = Secrets.from_env()
    install_redaction([secrets.mistral_api_key, secrets.telegram_bot_token])
    db = open_database(config.storage.path)
    model = make_model(config.mistral, secrets)
    source = CollectingDigestSource(db, config.fetch, model=model)
    run_chat(
        make_commands(db, config, source=source, model=model),
        on_exit=model.aclose if model is not None else None,
    )
    return EXIT_OK


def _run(config: Config) -> int:
    from app.service import serve
    from bot.logging_setup import install_redaction

    secrets = Secrets.from_env()
    if not (secrets.telegram_bot_token or secrets.discord_bot_token):
        # Without an adapter nothing could be delivered or asked: say so instead of idling.
        raise UsageError(
            "no chat adapter to run: set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN "
            "(try the commands without a token in 'digestbot chat')"
        )
    logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
    install_redaction(
        [secrets.mistral_api_key, secrets.telegram_bot_token, secrets.discord_bot_token]
    )
    asyncio.run(serve(config, secrets))
    return EXIT_OK


async def _ask(
    args: argparse.Namespace, config: Config, topic: TopicConfig, day: date, db: Any
) -> int:
    model = make_model(config.mistral, Secrets.from_env())
    try:
        answer = await answer_question(
            db,
            topic,
            args.question,
            day=day,
            model=model,
            qa=config.qa,
            embed_model=config.mistral.embed_model,
        )
    finally:
        if model is not None:
            await model.aclose()
    if not answer.grounded and not count_rows(db, "articles", "topic = ?", [topic.slug]):
        err.print(f"no stored articles for topic {topic.slug}: run 'digestbot collect' first")
    if args.format == "json":
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    if answer.mode == "extractive":
        reason = "no MISTRAL_API_KEY" if model is None else "the model's answer was unusable"
        err.print(f"mode: extractive ({reason}): text quoted from the sources")
    print(answer.to_text())
    return EXIT_OK


def _import_opml(args: argparse.Namespace, topic: TopicConfig, db: Any) -> int:
    if len(args.action) != 2 or args.action[0] != "import":
        raise UsageError("expected: digestbot sources import FILE.opml --topic SLUG")
    if not args.topic:
        raise UsageError("sources import needs --topic SLUG (the topic the feeds are for)")
    path = Path(args.action[1])
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    result = parse_opml(content)
    source_store.upsert_topic(db, topic.slug, topic.name, topic.language, topic.timezone)
    added, known = source_store.import_sources(
        db, topic.slug, [(f.kind, f.url, f.name) for f in result.feeds]
    )
    print(f"{topic.slug}: imported {added} feeds from {path} ({known} already known)")
    for problem in result.skipped:
        print(f"  skipped {problem}")
    return EXIT_OK


def _source_health_lines(db: Any, topic: str) -> list[str]:
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


def _doctor(config: Config, config_path: Path) -> int:
    out = Console(highlight=False, soft_wrap=True)
    problems = 0
    out.print(f"config: {config_path} ({len(config.topics)} topic(s))")
    try:
        db = open_database(config.storage.path)
        schema = schema_status(db)
        out.print(f"database: {config.storage.path} (schema version {schema.version})")
    except DigestbotError as exc:
        out.print(f"database: FAILED: {exc}", markup=False)
        problems += 1
    secrets = Secrets.from_env()
    for name, value in (
        ("MISTRAL_API_KEY", secrets.mistral_api_key),
        ("TELEGRAM_BOT_TOKEN", secrets.telegram_bot_token),
        ("DISCORD_BOT_TOKEN", secrets.discord_bot_token),
    ):
        out.print(f"{name}: {'set' if value else 'not set'}")
    if not secrets.mistral_api_key:
        out.print("  digests are written in extractive mode (no language model)")
    replay = config.fetch.replay_path()
    if replay is not None:
        out.print(f"fetch: replaying recorded responses from {replay} (no network)")
    for topic in config.topics:
        out.print(
            f"topic {topic.slug}: {len(topic.sources)} sources, {topic.language}, "
            f"{topic.delivery_time} {topic.timezone}"
        )
        if not problems:
            for line in _source_health_lines(db, topic.slug):
                out.print(f"  {line}", markup=False)
    return EXIT_FAILURE if problems else EXIT_OK
