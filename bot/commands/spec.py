"""What a chat command is, and the registry that holds them.

A :class:`ChatCommand` is one object: its name, its usage and summary in every language the
bot speaks, a pure ``parse``, an async ``handle`` and who may run it. A :class:`Registry`
parses text into commands, runs them, and generates every surface that lists them: ``help``,
the usage errors, the Telegram command menu and the Discord slash tree.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from bot.commands.parse import Arguments, UsageProblem, split_command
from bot.config import LANGUAGES
from bot.delivery.types import ChatKind, Reply
from bot.i18n import DEFAULT_LANGUAGE, has, text

__all__ = ["DEFAULT_LANGUAGE", "ChatCommand", "ChatContext", "CommandText", "Registry"]
# What Telegram (a-z, 0-9, _; at most 32) and Discord slash commands both accept as a name.
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

S = TypeVar("S")
"""What handlers run against: the command layer's services (``Commands``)."""
C = TypeVar("C")
"""The command object one parser makes and one handler takes."""


async def _always_admin() -> bool:
    return True


@dataclass(frozen=True)
class ChatContext:
    platform: str
    chat_id: str
    chat_kind: ChatKind = "private"
    is_admin: Callable[[], Awaitable[bool]] = _always_admin
    """Asked only in groups, before a command that only admins may run there."""
    language: str = DEFAULT_LANGUAGE
    """The language replies are written in: the chat's subscription's, else the topic's."""
    user_id: str = ""
    """Who sent the command, as the platform numbers users ("" when unknown)."""

    def text(self, key: str, /, **values: object) -> str:
        """The catalog's ``key`` in this chat's language."""
        return text(self.language, key, **values)

    def speaking(self, language: str) -> ChatContext:
        return replace(self, language=language)


@dataclass(frozen=True)
class CommandText:
    """How one command is described in one language."""

    usage: str
    """Its syntax: ``subscribe [topic] [HH:MM] [timezone] [en|zh-TW]``."""
    summary: str
    """What it does, short enough for a menu (Discord allows 100 characters)."""
    admins_only: str = ""
    """The refusal when a group member who is not an admin runs it."""

    @property
    def line(self) -> str:
        return f"{self.usage}: {self.summary}"

    @classmethod
    def of(cls, name: str, language: str) -> CommandText:
        """Command ``name``'s texts in ``language``, from the catalog (``command.NAME.``)."""
        refusal = f"command.{name}.admins_only"
        return cls(
            text(language, f"command.{name}.usage"),
            text(language, f"command.{name}.summary"),
            text(language, refusal) if has(refusal) else "",
        )


def catalog_texts(name: str) -> dict[str, CommandText]:
    """Command ``name``'s texts in every language the bot speaks."""
    return {language: CommandText.of(name, language) for language in LANGUAGES}


def _anyone(command: object) -> bool:
    return False


def admins_in_groups(command: object) -> bool:
    """In a group, only its admins may run the command."""
    return True


@dataclass(frozen=True)
class ChatCommand(Generic[S, C]):
    name: str
    kind: type[C]
    """The class of the command objects ``parse`` makes: how a command finds its handler."""
    texts: Mapping[str, CommandText]
    """One per language in :data:`bot.config.LANGUAGES`."""
    parse: Callable[[Arguments], C | UsageProblem]
    handle: Callable[[S, C, ChatContext], Awaitable[Reply]]
    admins_only: Callable[[C], bool] = _anyone
    """Whether, in a group, only its admins may run this parsed command."""

    def text(self, language: str = DEFAULT_LANGUAGE) -> CommandText:
        return self.texts.get(language) or self.texts[DEFAULT_LANGUAGE]


class Registry(Generic[S]):
    """Every chat command, in the order help lists them."""

    def __init__(self, commands: Iterable[ChatCommand[S, Any]]) -> None:
        self._commands = tuple(commands)
        self._by_name = {command.name: command for command in self._commands}
        self._by_kind = {command.kind: command for command in self._commands}
        for command in self._commands:
            if not _NAME.match(command.name):
                raise ValueError(f"command name {command.name!r}: use a-z, 0-9 and _")
            missing = set(LANGUAGES) - set(command.texts)
            if missing:
                raise ValueError(f"command {command.name!r} has no text in {sorted(missing)}")
        if len(self._by_name) != len(self._commands) or len(self._by_kind) != len(self._by_name):
            raise ValueError("two commands share a name or a command class")
        self.names = frozenset(self._by_name)

    def __iter__(self) -> Iterator[ChatCommand[S, Any]]:
        return iter(self._commands)

    def get(self, name: str) -> ChatCommand[S, Any] | None:
        return self._by_name.get(name)

    def help_lines(self, language: str = DEFAULT_LANGUAGE) -> str:
        return "\n".join(command.text(language).line for command in self._commands)

    def parse(self, text: str) -> object:
        """The command object for ``text``, or a :class:`UsageProblem` (one line, ending
        with the command's usage). Pure."""
        name, rest = split_command(text)
        if not name:
            return UsageProblem("usage.no_command")
        command = self._by_name.get(name)
        if command is None:
            return UsageProblem("usage.unknown_command", {"name": name[:30]})
        parsed = command.parse(Arguments(name, tuple(rest.split()), rest, self.names))
        if isinstance(parsed, UsageProblem):
            usage = {language: command.text(language).line for language in LANGUAGES}
            return replace(parsed, usage=usage)
        return parsed

    async def handle(self, services: S, command: object, chat: ChatContext) -> Reply:
        """Run ``command`` (a parsed command object) for ``chat``, refusing group members
        who are not admins where the command says so."""
        spec = self._by_kind.get(type(command))
        if spec is None:
            raise TypeError(f"no registered command makes {type(command).__name__}")
        if chat.chat_kind == "group" and spec.admins_only(command) and not await chat.is_admin():
            refusal = spec.text(chat.language).admins_only or chat.text("chat.admins_only")
            return Reply.text(refusal)
        return await spec.handle(services, command, chat)
