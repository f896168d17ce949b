"""Chat commands: text in, a command object or a one-line usage problem out. Pure.

The same text works on every platform: ``/subscribe mistral 08:00 Asia/Taipei zh-TW`` on
Telegram, ``subscribe ...`` in the terminal chat.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import LANGUAGES

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_WORDS = 20
MAX_WORD_LENGTH = 40
MAX_QUESTION = 500

USAGE: dict[str, str] = {
    "start": "start: a greeting and the list of commands",
    "help": "help [command]: what each command does",
    "subscribe": "subscribe [topic] [HH:MM] [timezone] [en|zh-TW]: a daily digest in this chat",
    "unsubscribe": "unsubscribe [topic]: stop the daily digest",
    "list": "list: this chat's subscriptions",
    "digest": "digest [topic] [YYYY-MM-DD]: the digest now",
    "ask": "ask QUESTION: a question answered from the stored sources, with citations",
    "sources": "sources [n]: the sources of the last digest, or source n in detail",
    "settings": (
        "settings [topic] [time HH:MM | timezone TZ | lang en|zh-TW | include WORDS | "
        "exclude WORDS]: show or change (include/exclude with '-' clears)"
    ),
}


@dataclass(frozen=True)
class Start:
    pass


@dataclass(frozen=True)
class Help:
    command: str | None = None


@dataclass(frozen=True)
class Subscribe:
    topic: str | None = None
    time: str | None = None
    timezone: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Unsubscribe:
    topic: str | None = None


@dataclass(frozen=True)
class ListSubscriptions:
    pass


@dataclass(frozen=True)
class DigestNow:
    topic: str | None = None
    day: date | None = None


@dataclass(frozen=True)
class Ask:
    question: str
    digest_id: int | None = None
    """Set when the question replies to a digest message: it is about that digest."""


@dataclass(frozen=True)
class Sources:
    n: int | None = None


@dataclass(frozen=True)
class Settings:
    topic: str | None = None
    field: str | None = None
    """``time``, ``timezone``, ``language``, ``include`` or ``exclude``; None shows them."""
    value: str | tuple[str, ...] | None = None


Command = (
    Start
    | Help
    | Subscribe
    | Unsubscribe
    | ListSubscriptions
    | DigestNow
    | Ask
    | Sources
    | Settings
)


@dataclass(frozen=True)
class UsageProblem:
    """What was wrong, in one line, with the command's usage."""

    message: str

    def __str__(self) -> str:
        return self.message


def _problem(command: str, what: str) -> UsageProblem:
    return UsageProblem(f"{what}. Usage: {USAGE[command]}")


def split_command(text: str) -> tuple[str, str]:
    """``"/Digest@mybot mistral"`` -> ``("digest", "mistral")``."""
    stripped = text.strip()
    head, _, rest = stripped.partition(" ")
    name = head.removeprefix("/").split("@", 1)[0].lower()
    return name, rest.strip()


def normalise_time(value: str) -> str | None:
    match = _TIME.match(value)
    if not match:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def valid_timezone(value: str) -> bool:
    if "/" not in value and value.upper() != "UTC":
        return False
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse(text: str) -> Command | UsageProblem:
    name, rest = split_command(text)
    args = rest.split()
    if not name:
        return UsageProblem("Say 'help' for the list of commands.")
    parser = _PARSERS.get(name)
    if parser is None:
        return UsageProblem(f"Unknown command '{name[:30]}'. Say 'help' for the list of commands.")
    return parser(args, rest)


Parser = Callable[[list[str], str], "Command | UsageProblem"]


def _no_args(command: str, result: Command) -> Parser:
    def parse_it(args: list[str], rest: str) -> Command | UsageProblem:
        if args:
            return _problem(command, f"'{command}' takes no arguments")
        return result

    return parse_it


def _parse_help(args: list[str], rest: str) -> Command | UsageProblem:
    if len(args) > 1:
        return _problem("help", "Give at most one command name")
    if args:
        wanted = args[0].removeprefix("/").lower()
        if wanted not in USAGE:
            return _problem("help", f"No command '{wanted[:30]}'")
        return Help(wanted)
    return Help()


def _parse_subscribe(args: list[str], rest: str) -> Command | UsageProblem:
    found: dict[str, str] = {}
    for arg in args:
        if (time := normalise_time(arg)) is not None:
            key, value = "time", time
        elif arg in LANGUAGES:
            key, value = "language", arg
        elif "/" in arg or arg.upper() == "UTC":
            if not valid_timezone(arg):
                return _problem("subscribe", f"Unknown timezone '{arg[:40]}'")
            key, value = "timezone", arg
        elif _SLUG.match(arg):
            key, value = "topic", arg
        elif ":" in arg:
            return _problem("subscribe", f"'{arg[:20]}' is not a time HH:MM")
        else:
            return _problem("subscribe", f"Cannot use '{arg[:40]}'")
        if key in found:
            return _problem("subscribe", f"Two values for {key}")
        found[key] = value
    return Subscribe(**found)


def _parse_unsubscribe(args: list[str], rest: str) -> Command | UsageProblem:
    if len(args) > 1:
        return _problem("unsubscribe", "Give at most one topic")
    if args and not _SLUG.match(args[0]):
        return _problem("unsubscribe", f"'{args[0][:40]}' is not a topic name")
    return Unsubscribe(args[0] if args else None)


def _parse_digest(args: list[str], rest: str) -> Command | UsageProblem:
    topic: str | None = None
    day: date | None = None
    for arg in args:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", arg):
            try:
                parsed = date.fromisoformat(arg)
            except ValueError:
                return _problem("digest", f"'{arg}' is not a date")
            if day is not None:
                return _problem("digest", "Give at most one date")
            day = parsed
        elif _SLUG.match(arg) and topic is None:
            topic = arg
        else:
            return _problem("digest", f"Cannot use '{arg[:40]}'")
    return DigestNow(topic, day)


def _parse_ask(args: list[str], rest: str) -> Command | UsageProblem:
    if not rest:
        return _problem("ask", "Ask a question")
    if len(rest) > MAX_QUESTION:
        return _problem("ask", f"Keep the question under {MAX_QUESTION} characters")
    return Ask(rest)


def _parse_sources(args: list[str], rest: str) -> Command | UsageProblem:
    if not args:
        return Sources()
    if len(args) > 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= 99:
        return _problem("sources", "Give one source number from 1 to 99")
    return Sources(int(args[0]))


_SETTING_NAMES = {
    "time": "time",
    "timezone": "timezone",
    "tz": "timezone",
    "lang": "language",
    "language": "language",
    "include": "include",
    "exclude": "exclude",
}


def _parse_settings(args: list[str], rest: str) -> Command | UsageProblem:
    topic: str | None = None
    if args and args[0].lower() not in _SETTING_NAMES:
        if not _SLUG.match(args[0]):
            return _problem("settings", f"No setting '{args[0][:30]}'")
        topic, args = args[0], args[1:]
    if not args:
        return Settings(topic)
    field = _SETTING_NAMES.get(args[0].lower())
    if field is None:
        return _problem("settings", f"No setting '{args[0][:30]}'")
    values = args[1:]
    if field in ("include", "exclude"):
        if values == ["-"]:
            return Settings(topic, field, ())
        words = tuple(dict.fromkeys(w.strip(",") for w in values if w.strip(",")))
        if not words:
            return _problem("settings", f"Give the words for {field}, or '-' to clear")
        if len(words) > MAX_WORDS or any(len(w) > MAX_WORD_LENGTH for w in words):
            return _problem(
                "settings", f"At most {MAX_WORDS} words of {MAX_WORD_LENGTH} characters"
            )
        return Settings(topic, field, words)
    if len(values) != 1:
        return _problem("settings", f"Give one value for {field}")
    value = values[0]
    if field == "time":
        time = normalise_time(value)
        if time is None:
            return _problem("settings", f"'{value[:20]}' is not a time HH:MM")
        return Settings(topic, field, time)
    if field == "timezone" and not valid_timezone(value):
        return _problem("settings", f"Unknown timezone '{value[:40]}'")
    if field == "language" and value not in LANGUAGES:
        return _problem("settings", f"No language '{value[:20]}' (en or zh-TW)")
    return Settings(topic, field, value)


_PARSERS: dict[str, Parser] = {
    "start": _no_args("start", Start()),
    "help": _parse_help,
    "subscribe": _parse_subscribe,
    "unsubscribe": _parse_unsubscribe,
    "list": _no_args("list", ListSubscriptions()),
    "digest": _parse_digest,
    "ask": _parse_ask,
    "sources": _parse_sources,
    "settings": _parse_settings,
}
