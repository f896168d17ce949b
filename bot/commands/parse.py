"""Chat commands: the command objects and their pure parsers.

The same text works on every platform: ``/subscribe mistral 08:00 Asia/Taipei zh-TW`` on
Telegram, ``subscribe ...`` in the terminal chat. A parser gets the words after the command
name and returns a command object or a :class:`UsageProblem` saying what was wrong; the
registry (:mod:`bot.commands.registry`) adds the command's usage line to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from bot.config import LANGUAGES, is_slug, is_timezone
from bot.i18n import DEFAULT_LANGUAGE, text

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
    word: str = ""
    """What was given instead of a number: the handler, which knows how many sources the
    digest has, says which numbers exist."""


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


_ARGUMENT_VALUES = ("what", "field")
"""Values of a problem that name an argument: shown in the reader's language (``arg.``)."""


@dataclass(frozen=True)
class UsageProblem:
    """What was wrong: a catalog key (``usage.``) and its values. The registry adds the
    command's ``usage``, so the text ends with that command's usage line. Shown in the
    chat's language by :meth:`text`."""

    key: str
    values: dict[str, str] = field(default_factory=dict)
    usage: dict[str, str] = field(default_factory=dict)
    """The command's usage line in each language (set by the registry)."""

    def text(self, language: str = DEFAULT_LANGUAGE) -> str:
        values = {
            name: text(language, f"arg.{value}") if name in _ARGUMENT_VALUES else value
            for name, value in self.values.items()
        }
        problem = text(language, self.key, **values)
        usage = self.usage.get(language) or self.usage.get(DEFAULT_LANGUAGE)
        if not usage:
            return problem
        return text(language, "usage.line", problem=problem, usage=usage)

    @property
    def message(self) -> str:
        return self.text()

    def __str__(self) -> str:
        return self.text()


def _problem(key: str, **values: str) -> UsageProblem:
    return UsageProblem(key, values)


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
            return _problem("usage.no_arguments", name=args.name)
        return result

    return parse_it


def _looks_like_timezone(word: str) -> bool:
    # What tells a timezone from a topic slug among subscribe's arguments.
    return "/" in word or word.upper() == "UTC"


def parse_help(args: Arguments) -> Help | UsageProblem:
    if len(args.words) > 1:
        return _problem("usage.one_command")
    if args.words:
        wanted = args.words[0].removeprefix("/").lower()
        if wanted not in args.commands:
            names = ", ".join(sorted(args.commands))
            return _problem("usage.unknown_help", name=wanted[:30], commands=names)
        return Help(wanted)
    return Help()


_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$", re.IGNORECASE)
_LANGUAGE_NAMES = ", ".join(LANGUAGES)


def _looks_like_language(word: str) -> bool:
    # "fr", "de-CH", "zh_tw": a language code the bot does not speak, not a second topic.
    return bool(_LANGUAGE_CODE.match(word)) and len(word) <= 7


def parse_subscribe(args: Arguments) -> Subscribe | UsageProblem:
    found: dict[str, str] = {}
    for arg in args.words:
        if (time := normalise_time(arg)) is not None:
            key, value = "time", time
        elif arg in LANGUAGES:
            key, value = "language", arg
        elif _looks_like_timezone(arg):
            if not is_timezone(arg):
                return _problem("usage.unknown_timezone", value=arg[:40])
            key, value = "timezone", arg
        elif is_slug(arg) and "topic" in found and _looks_like_language(arg):
            return _problem("usage.not_a_language", value=arg[:20], languages=_LANGUAGE_NAMES)
        elif is_slug(arg):
            key, value = "topic", arg
        elif ":" in arg:
            return _problem("usage.not_a_time", value=arg[:20])
        else:
            return _problem("usage.cannot_use", value=arg[:40])
        if key in found:
            return _problem("usage.second_value", value=value[:40], what=key, first=found[key])
        found[key] = value
    return Subscribe(**found)


def parse_unsubscribe(args: Arguments) -> Unsubscribe | UsageProblem:
    words = args.words
    if len(words) > 1:
        return _problem("usage.one_topic")
    if words and not is_slug(words[0]):
        return _problem("usage.not_a_topic", value=words[0][:40])
    return Unsubscribe(words[0] if words else None)


def parse_digest(args: Arguments) -> DigestNow | UsageProblem:
    topic: str | None = None
    day: date | None = None
    for arg in args.words:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", arg):
            try:
                parsed = date.fromisoformat(arg)
            except ValueError:
                return _problem("usage.not_a_date", value=arg)
            if day is not None:
                return _problem("usage.one_date")
            day = parsed
        elif is_slug(arg) and topic is None:
            topic = arg
        else:
            return _problem("usage.cannot_use", value=arg[:40])
    return DigestNow(topic, day)


def parse_ask(args: Arguments) -> Ask | UsageProblem:
    # No length check here: the Q&A engine holds the one limit (MAX_QUESTION_CHARS).
    if not args.rest:
        return _problem("usage.ask_question")
    return Ask(args.rest)


def parse_sources(args: Arguments) -> Sources | UsageProblem:
    words = args.words
    if not words:
        return Sources()
    if len(words) > 1:
        return _problem("usage.one_source")
    word = words[0]
    if not word.isascii() or not word.isdigit() or len(word) > 6:
        return Sources(word=word[:20])
    return Sources(int(word))


_SETTING_NAMES = {
    "time": "time",
    "timezone": "timezone",
    "tz": "timezone",
    "lang": "language",
    "language": "language",
    "include": "include",
    "exclude": "exclude",
}


_SETTINGS_LIST = ", ".join(("time", "timezone", "lang", "include", "exclude"))  # the syntax


def parse_settings(args: Arguments) -> Settings | UsageProblem:
    words = list(args.words)
    topic: str | None = None
    if words and words[0].lower() not in _SETTING_NAMES:
        # A topic comes first only when a setting (or nothing) follows it: in "settings
        # bogus value", "bogus" is the unknown setting, not a topic.
        follows = words[1].lower() if len(words) > 1 else None
        if not is_slug(words[0]) or (follows is not None and follows not in _SETTING_NAMES):
            return _problem("usage.no_setting", value=words[0][:30], settings=_SETTINGS_LIST)
        topic, words = words[0], words[1:]
    if not words:
        return Settings(topic)
    field = _SETTING_NAMES.get(words[0].lower())
    if field is None:
        return _problem("usage.no_setting", value=words[0][:30], settings=_SETTINGS_LIST)
    values = words[1:]
    if field in ("include", "exclude"):
        if values == ["-"]:
            return Settings(topic, field, ())
        chosen = tuple(dict.fromkeys(w.strip(",") for w in values if w.strip(",")))
        if not chosen:
            return _problem("usage.words_needed", field=field)
        if len(chosen) > MAX_WORDS or any(len(w) > MAX_WORD_LENGTH for w in chosen):
            return _problem(
                "usage.too_many_words", words=str(MAX_WORDS), characters=str(MAX_WORD_LENGTH)
            )
        return Settings(topic, field, chosen)
    if len(values) != 1:
        return _problem("usage.one_value", field=field)
    value = values[0]
    if field == "time":
        time = normalise_time(value)
        if time is None:
            return _problem("usage.not_a_time", value=value[:20])
        return Settings(topic, field, time)
    if field == "timezone" and not is_timezone(value):
        return _problem("usage.unknown_timezone", value=value[:40])
    if field == "language" and value not in LANGUAGES:
        return _problem("usage.not_a_language", value=value[:20], languages=_LANGUAGE_NAMES)
    return Settings(topic, field, value)
