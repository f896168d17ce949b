"""Every surface that lists the chat commands is generated from the one registry: help, the
usage errors, the Telegram command menu and the Discord slash tree. A command added in one
place (``PING`` below, declared whole in this file) shows up on every one of them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.discord.app import discord_adapter
from app.service import make_commands
from bot.commands import (
    COMMANDS,
    ChatCommand,
    ChatContext,
    Commands,
    CommandText,
    Registry,
    UsageProblem,
)
from bot.commands.parse import no_arguments
from bot.config import LANGUAGES
from bot.delivery.types import Reply
from bot.errors import StorageError
from storage import open_database
from tests.delivery_support import discord_config, private
from tests.fakes.discord import CHANNEL_ID, TOKEN, FakeDiscord

pytest_plugins = ["tests.delivery_fixtures"]


@dataclass(frozen=True)
class Ping:
    pass


async def _pong(commands: Commands, command: Ping, chat: ChatContext) -> Reply:
    return Reply.text("pong")


PING = ChatCommand(
    name="ping",
    kind=Ping,
    texts={
        "en": CommandText("ping", "check that the bot answers"),
        "zh-TW": CommandText("ping", "確認機器人有回應"),
    },
    parse=no_arguments(Ping()),
    handle=_pong,
)
WITH_PING = Registry([*COMMANDS, PING])

# One text per command that its parser refuses. A command missing here fails the test below.
REFUSED = {
    "start": "start now",
    "help": "help me please",
    "subscribe": "subscribe 25:99",
    "unsubscribe": "unsubscribe a b",
    "list": "list all",
    "digest": "digest mistral 2026-02-30",
    "ask": "ask",
    "sources": "sources 1 2",
    "settings": "settings colour red",
    "status": "status now",
    "ping": "ping pong",
}


@pytest.fixture(params=[COMMANDS, WITH_PING], ids=["built-in", "with-ping"])
def registry(request: pytest.FixtureRequest) -> Registry[Commands]:
    chosen: Registry[Commands] = request.param
    return chosen


def _names(registry: Registry[Commands]) -> list[str]:
    return [command.name for command in registry]


async def test_help_lists_exactly_the_registry(
    registry: Registry[Commands], commands: Commands
) -> None:
    commands.registry = registry
    for language in LANGUAGES:  # the chat's language: here its subscription's
        await commands.handle_text(f"subscribe {language}", private())
        help_text = await commands.handle_text("help", private())
        listed = help_text.paragraphs[0].text.splitlines()
        assert listed == [command.text(language).line for command in registry]
        assert [line.split(":")[0].split(" ")[0] for line in listed] == _names(registry)
        for command in registry:
            one = await commands.handle_text(f"help {command.name}", private())
            assert one.plain() == command.text(language).line


def test_every_usage_error_ends_with_its_commands_usage(registry: Registry[Commands]) -> None:
    assert set(_names(registry)) <= set(REFUSED)
    for command in registry:
        problem = registry.parse(REFUSED[command.name])
        assert str(problem).endswith(f". Usage: {command.text().line}"), command.name
        assert isinstance(problem, UsageProblem)
        assert problem.text("zh-TW").endswith(f"。用法：{command.text('zh-TW').line}")


def test_every_command_speaks_every_language() -> None:
    for command in COMMANDS:
        assert set(command.texts) == set(LANGUAGES)
    with pytest.raises(ValueError, match="no text in"):
        Registry([ChatCommand("pong", Ping, {"en": CommandText("pong", "x")}, PING.parse, _pong)])


async def test_the_telegram_menu_is_the_registry_in_every_language(
    registry: Registry[Commands], db_path: Path
) -> None:
    from tests.delivery_fixtures import fake_bot_api, start_stack

    with fake_bot_api() as fake:
        stack = await start_stack(fake, db_path, registry=registry)
        try:
            english = [{"command": c.name, "description": c.text("en").summary} for c in registry]
            chinese = [
                {"command": c.name, "description": c.text("zh-TW").summary} for c in registry
            ]
            assert fake.menus == {"": english, "zh": chinese}
            fake.push_text(501, "/ping")
            await asyncio.to_thread(fake.wait_for, lambda: len(fake.to(501)) >= 1)
            expected = "pong" if registry is WITH_PING else "沒有指令 'ping'"  # topic: zh-TW
            assert fake.to(501)[0].text.startswith(expected)
        finally:
            await stack.bot.stop()


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


async def test_the_discord_slash_tree_is_the_registry(
    registry: Registry[Commands], discord_fake: FakeDiscord, db_path: Path
) -> None:
    config = discord_config(db_path, discord_fake)
    commands = make_commands(open_database(db_path), config, registry=registry)
    adapter = discord_adapter(config.discord, TOKEN, commands, timeout_s=2)
    async with adapter:
        tree = discord_fake.slash_commands
        assert list(tree) == _names(registry)
        for command in registry:
            registered = tree[command.name]
            assert registered["description"] == command.text("en").summary
            assert registered["description_localizations"] == {
                "zh-TW": command.text("zh-TW").summary
            }
        if registry is WITH_PING:
            await discord_fake.push_interaction("ping")
            (pong,) = await discord_fake.until(CHANNEL_ID, 1)
            assert pong.content == "pong"


@dataclass(frozen=True)
class Boom:
    pass


async def _boom(commands: Commands, command: Boom, chat: ChatContext) -> Reply:
    raise StorageError("database /srv/digestbot.db is locked by another process: try again")


BOOM = ChatCommand(
    name="boom",
    kind=Boom,
    texts={"en": CommandText("boom", "fail"), "zh-TW": CommandText("boom", "失敗")},
    parse=no_arguments(Boom()),
    handle=_boom,
)


async def test_a_failing_command_answers_in_the_chats_language_without_internals(
    db_path: Path,
) -> None:
    from bot.config import parse_config
    from tests.conftest import example_data

    data = example_data()
    data["storage"]["path"] = str(db_path)
    commands = make_commands(
        open_database(db_path), parse_config(data), registry=Registry([*COMMANDS, BOOM])
    )
    for language in LANGUAGES:
        chat = ChatContext("test", "7", language=language)
        reply = await commands.handle(commands.registry.parse("boom"), chat)
        shown = reply.plain()
        assert "/srv/digestbot.db" not in shown and "locked" not in shown
        assert shown == chat.text("chat.failed")
