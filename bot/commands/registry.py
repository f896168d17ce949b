"""Every chat command the bot answers, each one :class:`~bot.commands.spec.ChatCommand`.

This list is the one place a command is declared: ``help``, the usage errors, the Telegram
command menu and the Discord slash tree are all generated from :data:`COMMANDS`. A new
command is one more entry here (its command class and parser may sit right beside it).
"""

from __future__ import annotations

from bot.commands.handle import Commands
from bot.commands.parse import (
    Ask,
    DigestNow,
    Help,
    ListSubscriptions,
    Settings,
    Sources,
    Start,
    Subscribe,
    Unsubscribe,
    no_arguments,
    parse_ask,
    parse_digest,
    parse_help,
    parse_settings,
    parse_sources,
    parse_subscribe,
    parse_unsubscribe,
)
from bot.commands.spec import ChatCommand, ChatContext, Registry, admins_in_groups, catalog_texts
from bot.commands.status import Status, status_of
from bot.delivery.types import Reply


async def _sources(commands: Commands, command: Sources, chat: ChatContext) -> Reply:
    return commands._sources(command, chat)


async def _status(commands: Commands, command: Status, chat: ChatContext) -> Reply:
    return status_of(commands.config, commands.db, chat)


def _changes_a_setting(command: Settings) -> bool:
    return command.field is not None


COMMANDS: Registry[Commands] = Registry(
    [
        ChatCommand(
            name="start",
            kind=Start,
            texts=catalog_texts("start"),
            parse=no_arguments(Start()),
            handle=Commands._start,
        ),
        ChatCommand(
            name="help",
            kind=Help,
            texts=catalog_texts("help"),
            parse=parse_help,
            handle=Commands._help,
        ),
        ChatCommand(
            name="subscribe",
            kind=Subscribe,
            texts=catalog_texts("subscribe"),
            parse=parse_subscribe,
            handle=Commands._subscribe,
            admins_only=admins_in_groups,
        ),
        ChatCommand(
            name="unsubscribe",
            kind=Unsubscribe,
            texts=catalog_texts("unsubscribe"),
            parse=parse_unsubscribe,
            handle=Commands._unsubscribe,
            admins_only=admins_in_groups,
        ),
        ChatCommand(
            name="list",
            kind=ListSubscriptions,
            texts=catalog_texts("list"),
            parse=no_arguments(ListSubscriptions()),
            handle=Commands._list,
        ),
        ChatCommand(
            name="digest",
            kind=DigestNow,
            texts=catalog_texts("digest"),
            parse=parse_digest,
            handle=Commands._digest,
        ),
        ChatCommand(
            name="ask",
            kind=Ask,
            texts=catalog_texts("ask"),
            parse=parse_ask,
            handle=Commands._ask,
        ),
        ChatCommand(
            name="sources",
            kind=Sources,
            texts=catalog_texts("sources"),
            parse=parse_sources,
            handle=_sources,
        ),
        ChatCommand(
            name="settings",
            kind=Settings,
            texts=catalog_texts("settings"),
            parse=parse_settings,
            handle=Commands._settings,
            admins_only=_changes_a_setting,
        ),
        ChatCommand(
            name="status",
            kind=Status,
            texts=catalog_texts("status"),
            parse=no_arguments(Status()),
            handle=_status,
        ),
    ]
)
