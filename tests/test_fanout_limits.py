"""A real digest fanned out through the real platform libraries to fakes that enforce the
platforms' real limits (Telegram: 30 msg/s, 1 per chat a second, 20 a minute per group;
Discord: 50 requests/s, 5 messages per 5 s per channel): not one 429, and every chat gets
every part of the digest, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from adapters.discord.app import DiscordAdapter, discord_adapter
from adapters.discord.render import render as discord_render
from adapters.telegram.render import render as telegram_render
from app.service import make_commands
from bot.delivery.compose import digest_reply
from bot.delivery.fanout import Fanout
from bot.delivery.types import Reply, Subscription
from storage import delivery as store
from storage import digests as digest_store
from storage import open_database
from tests.delivery_support import DAY, NOON, discord_config
from tests.fakes.discord import TOKEN, FakeDiscord

if TYPE_CHECKING:
    import sqlite_utils

    from tests.delivery_fixtures import TelegramStack

pytest_plugins = ["tests.delivery_fixtures"]


def _subscribe(
    db: sqlite_utils.Database, platform: str, chats: list[int], groups: set[int]
) -> list[Subscription]:
    for chat in chats:
        store.subscribe(
            db,
            platform=platform,
            chat_id=str(chat),
            chat_kind="group" if chat in groups else "private",
            topic="mistral",
            time="08:00",
            timezone="Asia/Taipei",
            language="en",
        )
    return store.active_subscriptions(db, platforms=[platform])


def _reply(db: sqlite_utils.Database, digest_id: int) -> Reply:
    stored = digest_store.stored_digest(db, digest_id)
    assert stored is not None
    return digest_reply(stored.digest, digest_id)


async def test_telegram_fan_out_of_a_two_part_digest_meets_no_429(stack: TelegramStack) -> None:
    db, fake = stack.commands.db, stack.fake
    digest_id = await stack.commands.build(stack.commands.config.topics[0], DAY, "en")
    reply = _reply(db, digest_id)
    parts = telegram_render(reply)
    assert len(parts) == 2  # the sample day's digest, then its sources
    groups = {-5001, -5002, -5003}
    chats = [*range(7001, 7041), *groups]
    subs = _subscribe(db, "telegram", chats, groups)

    counts = await stack.fanout.deliver(digest_id, subs, lambda _: reply)

    assert counts == {"sent": len(chats)}
    assert fake.rate_limited == 0
    for chat in chats:
        texts = [m.raw for m in fake.to(chat)]
        assert texts == [part.text for part in parts], chat


@pytest.fixture
async def discord_stack(db_path: Path) -> AsyncIterator[tuple[FakeDiscord, DiscordAdapter]]:
    fake = FakeDiscord()
    fake.open_channels = range(50_000, 50_100)
    await fake.start()
    config = discord_config(db_path, fake)
    commands = make_commands(open_database(config.storage.path), config)
    commands.clock = lambda: NOON
    adapter = discord_adapter(config.discord, TOKEN, commands, timeout_s=5)
    await adapter.start()
    yield fake, adapter
    await adapter.stop()
    await fake.close()


async def test_discord_fan_out_of_a_digest_with_embeds_meets_no_429(
    discord_stack: tuple[FakeDiscord, DiscordAdapter],
) -> None:
    fake, adapter = discord_stack
    commands = adapter.bot.commands
    db = commands.db
    digest_id = await commands.build(commands.config.topics[0], DAY, "en")
    reply = _reply(db, digest_id)
    parts = discord_render(reply)
    assert len(parts) >= 2 and all(part.cards for part in parts)
    channels = list(range(50_000, 50_080))
    subs = _subscribe(db, "discord", channels, set(channels))
    fanout = Fanout(db, [adapter.sender])

    counts = await fanout.deliver(digest_id, subs, lambda _: reply)

    assert counts == {"sent": len(channels)}
    assert fake.rate_limited == 0
    assert adapter.sender.rate_limited == 0
    for channel in channels:
        titles = [[embed["title"] for embed in m.embeds] for m in fake.to(channel)]
        assert titles == [[card.title for card in part.cards] for part in parts], channel
