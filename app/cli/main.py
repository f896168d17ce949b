"""The ``digestbot`` command line: the parser, logging, and the dispatch to one module per
command group. The work happens in the core functions those modules call.

Each command module, the config models and the console are imported when a command runs,
not here: between them they load trafilatura, numpy, the Mistral
SDK, sqlite-utils, pydantic and rich, which took ``digestbot --help`` about 2.6 s.
tests/test_cli_startup.py keeps the parser path light."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.mcp import add_mcp_parser
from bot import __version__
from bot.errors import ConfigError, DigestbotError, UsageError
from bot.languages import LANGUAGES

if TYPE_CHECKING:
    from bot.config import Config

DEFAULT_DAY = "(default: the newest day whose digest window has closed)"


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
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        help="log lines as text, or as one JSON object per line (default: logging.format, text)",
    )
    parser.add_argument("--version", action="version", version=f"digestbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def topic_and_date(
        sub: argparse.ArgumentParser,
        date_help: str = f"digest date YYYY-MM-DD {DEFAULT_DAY}",
    ) -> None:
        sub.add_argument("--topic", metavar="SLUG", help="topic slug (default: the first)")
        sub.add_argument("--date", metavar="D", type=_date, help=date_help)

    sub = commands.add_parser("collect", help="fetch, extract, filter, store")
    topic_and_date(
        sub,
        "collect for the digest of D, YYYY-MM-DD, today at the latest "
        "(default: today in the topic's timezone)",
    )

    sub = commands.add_parser("digest", help="build (collecting first) and render a digest")
    topic_and_date(sub)
    sub.add_argument("--lang", choices=LANGUAGES, help="language (default: the topic's)")
    sub.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="output format (default: markdown)",
    )
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
    sub.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    sub.add_argument(
        "action", nargs="*", metavar="import FILE.opml", help="add the feeds of an OPML file"
    )

    sub = commands.add_parser("ask", help="a follow-up question over the stored sources")
    sub.add_argument("question", metavar="QUESTION", help="the question, quoted as one argument")
    topic_and_date(
        sub,
        "end of the search window YYYY-MM-DD: the answer searches the sources of the 30 "
        f"days (qa.scope_days) ending on D {DEFAULT_DAY}",
    )
    sub.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )

    commands.add_parser(
        "chat",
        help="terminal chat: the same commands as Discord/Telegram",
        description="A chat in the terminal with the same commands as Discord and Telegram "
        "(help, digest, ask, sources, subscribe, ...). Needs no chat token; 'quit' or the "
        "end of the input ends it.",
    )

    sub = commands.add_parser(
        "export",
        help="export digests (Jekyll posts + infographic PNGs)",
        description="Write every stored digest as a Jekyll post in DIR/_posts/ with its "
        "infographic PNG in DIR/assets/img/posts/. Exporting again overwrites the same files.",
    )
    sub.add_argument("target", choices=("jekyll",), help="export format")
    sub.add_argument(
        "--out",
        metavar="DIR",
        required=True,
        help="the Jekyll site to write into (created if missing)",
    )
    sub.add_argument(
        "--topic", metavar="SLUG", help="only this topic's digests (default: every topic)"
    )
    sub.add_argument(
        "--since", metavar="D", type=_date, help="only digests dated D or later, YYYY-MM-DD"
    )

    commands.add_parser(
        "run",
        help="the service: scheduler + every configured adapter",
        description="The service: delivers each subscription's digest on schedule and "
        "answers chat commands, through Telegram (TELEGRAM_BOT_TOKEN) and/or Discord "
        "(DISCORD_BOT_TOKEN), until stopped. Without either token it exits with code 2.",
    )
    add_mcp_parser(commands)
    commands.add_parser(
        "doctor",
        help="check config, database, tokens, endpoints",
        description="Ask each configured endpoint (Telegram getMe, Discord /users/@me, "
        "Mistral /v1/models) whether its token works, open the database, and read each "
        "source's last fetch (failing, paused, stale), the newest digests, deliveries and "
        "today's model tokens. Prints a table and a line per problem saying what to do. "
        "Exits 0 only when all is well, 1 when something is wrong; a platform without a "
        "token is off, not wrong.",
    )
    sub = commands.add_parser(
        "web",
        help="the read-only web archive and Atom feeds",
        description="Serve the stored digests, their sources, rejected candidates, search "
        "and questions as web pages, and an Atom feed per topic and language. Off loopback "
        "it needs DIGESTBOT_WEB_TOKEN.",
    )
    sub.add_argument("--host", help="address to listen on (default: web.host, 127.0.0.1)")
    sub.add_argument("--port", type=int, help="port to listen on (default: web.port, 8080)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from app.cli.output import EXIT_FAILURE, EXIT_USAGE
    from bot.logging_setup import configure_logging

    configure_logging(_log_level(args), args.log_format or "text")
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a full disk under a redirected stdout fails here, not at exit
        return code
    except (ConfigError, UsageError) as exc:
        print(f"digestbot: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DigestbotError as exc:
        print(f"digestbot: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as exc:  # a file of ours (--out, stdout, a folder) could not be written
        _drop_stdout()
        print(f"digestbot: error: {_os_error(exc, getattr(args, 'out', None))}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


def _log_level(args: argparse.Namespace) -> int:
    return logging.INFO if args.verbose else logging.WARNING


def _drop_stdout() -> None:
    """Whatever stdout still buffers is lost (its disk is full, its reader gone): point it
    at /dev/null so the interpreter's own flush at exit does not fail a second time."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def _os_error(exc: OSError, out: str | None) -> str:
    filename = exc.filename if exc.filename is not None else out
    what = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        target = filename or "the output"
        return f"cannot write {target}: {what}: free some space (or raise the limit), try again"
    where = f"{filename}: " if filename is not None else ""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{where}{what}: choose a place this user can write to, or fix its permissions"
    return f"{where}{what}"


def _dispatch(args: argparse.Namespace) -> int:
    from bot.config import load_config, resolve_config_path

    config_path = resolve_config_path(args.config)
    config = load_config(config_path)
    if args.log_format is None and config.logging.format != "text":
        from bot.logging_setup import configure_logging

        configure_logging(_log_level(args), config.logging.format)
    try:
        return _command(args, config, config_path)
    except sqlite3.Error as exc:  # locked by another writer, a full disk, a damaged file
        from storage.db import storage_error

        raise storage_error(exc, config.storage.path) from None


def _command(args: argparse.Namespace, config: Config, config_path: Path) -> int:
    if args.command == "doctor":
        from app.cli.doctor import doctor_command

        return doctor_command(config, config_path)
    if args.command == "export":
        from app.cli.export import export_command

        return export_command(args, config)
    if args.command in ("sources", "ask"):
        return _on_day(args, config)  # read what is stored: nothing replayed
    # A bare command on the bundled sample replays it moved to the present; a --date
    # asks for the recorded days as they are.
    if getattr(args, "date", None) is not None:
        return _on_day(args, config)
    from app.cli.sample import current_sample

    with current_sample(config) as current:
        return _on_day(args, current)


def _on_day(args: argparse.Namespace, config: Config) -> int:
    if args.command == "chat":
        from app.cli.chat import chat_command

        return chat_command(config)
    if args.command == "run":
        from app.cli.run import run_command
        from bot.config import resolve_config_path

        return run_command(config, resolve_config_path(args.config))
    if args.command == "web":
        from app.cli.web import web_command

        return web_command(args, config)
    if args.command == "mcp":
        from app.cli.mcp import mcp_command

        return mcp_command(args, config)
    from bot.window import latest_closed_day, require_closed, require_started, today_in
    from storage import open_database

    topic = config.topic(args.topic)
    if args.command == "collect":
        from app.cli.collect import collect_command

        # Collecting today's window while it is open is fine; a day ahead has no news yet.
        day = require_started(topic, args.date or today_in(topic))
        return collect_command(config, topic, day, open_database(config.storage.path))
    if args.date is None:
        day = latest_closed_day(topic)
    elif args.command == "digest":
        # A digest of an open window would be stored, exported and delivered half empty.
        day = require_closed(topic, args.date)
    else:
        day = require_started(topic, args.date)
    db = open_database(config.storage.path)
    if args.command == "digest":
        from app.cli.collect import digest_command

        return digest_command(args, config, topic, day, db)
    if args.command == "sources":
        from app.cli.sources import sources_command

        return sources_command(args, topic, day, db)
    if args.command == "ask":
        from app.cli.ask import ask_command

        return ask_command(args, config, topic, day, db)
    raise UsageError(f"unknown command {args.command}")  # argparse prevents this
