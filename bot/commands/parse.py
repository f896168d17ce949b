"""Chat commands: the command objects and their pure parsers.

The same text works on every platform: ``/subscribe mistral 08:00 Asia/Taipei zh-TW`` on
Telegram, ``subscribe ...`` in the terminal chat. A parser gets the words after the command
name and returns a command object or a :class:`UsageProblem` saying what was wrong; the
registry (:mod:`bot.commands.registry`) adds the command's usage line to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from bot.config import LANGUAGES, is_slug, is_timezone

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_WORDS = 20
MAX_WORD_LENGTH = 40
C = TypeVar("C")


@dataclass(frozen=True)
class Arguments:
    """What follows a command's name, as its parser sees it."""

    name: str
    words: tuple[str, ...]
    rest: str
    """The text after the name, unsplit (a question keeps its spacing)."""
    commands: frozenset[str]
    """Every command name the registry knows (``help NAME`` checks against them)."""


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


def no_arguments(result: C) -> Callable[[Arguments], C | UsageProblem]:
    """The parser of a command that takes nothing after its name."""

    def parse_it(args: Arguments) -> C | UsageProblem:
        if args.words:
            return UsageProblem(f"'{args.name}' takes no arguments")
        return result

    return parse_it


def _looks_like_timezone(word: str) -> bool:
    # What tells a timezone from a topic slug among subscribe's arguments.
    return "/" in word or word.upper() == "UTC"


def parse_help(args: Arguments) -> Help | UsageProblem:
    if len(args.words) > 1:
        return UsageProblem("Give at most one command name")
    if args.words:
        wanted = args.words[0].removeprefix("/").lower()
        if wanted not in args.commands:
            return UsageProblem(f"No command '{wanted[:30]}'")
        return Help(wanted)
    return Help()


def parse_subscribe(args: Arguments) -> Subscribe | UsageProblem:
    found: dict[str, str] = {}
    for arg in args.words:
        if (time := normalise_time(arg)) is not None:
            key, value = "time", time
        elif arg in LANGUAGES:
            key, value = "language", arg
        elif _looks_like_timezone(arg):
            if not is_timezone(arg):
                return UsageProblem(f"Unknown timezone '{arg[:40]}'")
            key, value = "timezone", arg
        elif is_slug(arg):
            key, value = "topic", arg
        elif ":" in arg:
            return UsageProblem(f"'{arg[:20]}' is not a time HH:MM")
        else:
            return UsageProblem(f"Cannot use '{arg[:40]}'")
        if key in found:
            return UsageProblem(f"Two values for {key}")
        found[key] = value
    return Subscribe(**found)


def parse_unsubscribe(args: Arguments) -> Unsubscribe | UsageProblem:
    words = args.words
    if len(words) > 1:
        return UsageProblem("Give at most one topic")
    if words and not is_slug(words[0]):
        return UsageProblem(f"'{words[0][:40]}' is not a topic name")
    return Unsubscribe(words[0] if words else None)


def parse_digest(args: Arguments) -> DigestNow | UsageProblem:
    topic: str | None = None
    day: date | None = None
    for arg in args.words:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", arg):
            try:
                parsed = date.fromisoformat(arg)
            except ValueError:
                return UsageProblem(f"'{arg}' is not a date")
            if day is not None:
                return UsageProblem("Give at most one date")
            day = parsed
        elif is_slug(arg) and topic is None:
            topic = arg
        else:
            return UsageProblem(f"Cannot use '{arg[:40]}'")
    return DigestNow(topic, day)


def parse_ask(args: Arguments) -> Ask | UsageProblem:
    # No length check here: the Q&A engine holds the one limit (MAX_QUESTION_CHARS).
    if not args.rest:
        return UsageProblem("Ask a question")
    return Ask(args.rest)


def parse_sources(args: Arguments) -> Sources | UsageProblem:
    words = args.words
    if not words:
        return Sources()
    if len(words) > 1 or not words[0].isdigit() or not 1 <= int(words[0]) <= 99:
        return UsageProblem("Give one source number from 1 to 99")
    return Sources(int(words[0]))


_SETTING_NAMES = {
    "time": "time",
    "timezone": "timezone",
    "tz": "timezone",
    "lang": "language",
    "language": "language",
    "include": "include",
    "exclude": "exclude",
}


def parse_settings(args: Arguments) -> Settings | UsageProblem:
    words = list(args.words)
    topic: str | None = None
    if words and words[0].lower() not in _SETTING_NAMES:
        if not is_slug(words[0]):
            return UsageProblem(f"No setting '{words[0][:30]}'")
        topic, words = words[0], words[1:]
    if not words:
        return Settings(topic)
    field = _SETTING_NAMES.get(words[0].lower())
    if field is None:
        return UsageProblem(f"No setting '{words[0][:30]}'")
    values = words[1:]
    if field in ("include", "exclude"):
        if values == ["-"]:
            return Settings(topic, field, ())
        chosen = tuple(dict.fromkeys(w.strip(",") for w in values if w.strip(",")))
        if not chosen:
            return UsageProblem(f"Give the words for {field}, or '-' to clear")
        if len(chosen) > MAX_WORDS or any(len(w) > MAX_WORD_LENGTH for w in chosen):
            return UsageProblem(f"At most {MAX_WORDS} words of {MAX_WORD_LENGTH} characters")
        return Settings(topic, field, chosen)
    if len(values) != 1:
        return UsageProblem(f"Give one value for {field}")
    value = values[0]
    if field == "time":
        time = normalise_time(value)
        if time is None:
            return UsageProblem(f"'{value[:20]}' is not a time HH:MM")
        return Settings(topic, field, time)
    if field == "timezone" and not is_timezone(value):
        return UsageProblem(f"Unknown timezone '{value[:40]}'")
    if field == "language" and value not in LANGUAGES:
        return UsageProblem(f"No language '{value[:20]}' (en or zh-TW)")
    return Settings(topic, field, value)
