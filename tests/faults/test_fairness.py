"""No chat or stranger can delay another's reply: the real python-telegram-bot polling the
fake Bot API, and the real discord.py on the fake gateway, on 127.0.0.1, one chat flooding.

Expected outcomes, each asserted below:
- 500 commands from one private chat: a bystander's command is answered while the
  flooder's first reply is still held at the Bot API; the flooder gets the replies its
  queue holds, in order, and one polite "busy" reply; the rest are dropped;
- a user over ``chat.commands_per_minute`` gets one polite "slow down" reply, in every chat
  they write from, and another user is answered as ever;
- a stranger's fourth on-demand digest of a day never built is refused with the reason
  (a stored day stays free), while an operator's is built; a restart does not reset it;
- a chat's messages are answered in the order they were sent, whatever each costs;
- on Discord too: a flooding channel (many members) gets what its queue holds, in order,
  and one polite reply, while a direct message is answered.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.telegram.app import TelegramBot, build_application, limits_of
from adapters.telegram.platform import TelegramPlatform
from app.service import make_commands
from bot.chat.flow import BUSY, SLOW_DOWN
from bot.config import Config, TopicConfig, parse_config
from bot.delivery.limiter import RateLimiter
from bot.delivery.prepare import DigestSource
from bot.delivery.sender import Sender
from bot.i18n import text
from storage import open_database
from tests.conftest import example_data
from tests.delivery_support import DAY, NOON
from tests.fakes.telegram import TOKEN, FakeBotAPI, running

pytest_plugins = ["tests.delivery_fixtures"]

FLOODER = 601
BYSTANDER = 602
OPERATOR = 603
_UNKNOWN = re.compile(r"'(nosuch\d+)'")


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    # No platform limits here: what is measured is the bot's own fairness, not Telegram's.
    with running(FakeBotAPI(unlimited=True)) as fake:
        yield fake


class CountingSource(DigestSource):
    """The digest source ``digestbot chat`` uses, counting the builds it is asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[date] = []

    async def before_build(self, topic: TopicConfig, day: date) -> None:
        self.asked.append(day)


def _config(db_path: Path, api: FakeBotAPI, **chat: object) -> Config:
    data = example_data()
    data["storage"]["path"] = str(db_path)
    data["telegram"].update(
        api_base_url=api.url, chat_messages_per_second=100, read_timeout_s=5, admins=[OPERATOR]
    )
    data["chat"].update(chat)
    return parse_config(data)


async def _start(config: Config) -> tuple[TelegramBot, CountingSource]:
    db = open_database(config.storage.path)
    source = CountingSource(db)
    commands = make_commands(db, config, source=source)
    commands.clock = lambda: NOON
    application = build_application(config.telegram, TOKEN)
    platform = TelegramPlatform(application.bot, limits_of(config.telegram))
    sender = Sender(platform, RateLimiter(platform.limits), backoff_s=0.05)
    bot = TelegramBot(application, commands, sender, platform)
    await bot.start()
    return bot, source


@pytest.fixture
async def started(
    request: pytest.FixtureRequest, api: FakeBotAPI, db_path: Path
) -> AsyncIterator[tuple[TelegramBot, CountingSource]]:
    chat: dict[str, object] = getattr(request, "param", {})
    bot, source = await _start(_config(db_path, api, **chat))
    yield bot, source
    await bot.stop()


async def _until(api: FakeBotAPI, chat_id: int, count: int) -> list[str]:
    await asyncio.to_thread(api.wait_for, lambda: len(api.to(chat_id)) >= count)
    return [m.text for m in api.to(chat_id)]


def _answered(texts: list[str]) -> list[str]:
    """The unknown command each reply answers, in the order the replies arrived."""
    return [match[1] for t in texts if (match := _UNKNOWN.search(t))]


def _language(bot: TelegramBot) -> str:
    return bot.commands.config.topics[0].language  # a chat with no subscription speaks it


@pytest.mark.parametrize(
    "started",
    [{"queue_per_chat": 5, "commands_per_minute": 1000, "chat_commands_per_minute": 1000}],
    indirect=True,
)
async def test_a_flooding_chat_never_delays_a_bystander(
    api: FakeBotAPI, started: tuple[TelegramBot, CountingSource]
) -> None:
    bot, _ = started
    api.hold_after = 1  # the flooder's first reply stays in flight until released
    for n in range(500):
        api.push_text(FLOODER, f"/nosuch{n:03d}", user_id=FLOODER)
    await asyncio.to_thread(api.held.wait, 30)
    api.push_text(BYSTANDER, "/help", user_id=BYSTANDER)
    (help_text,) = await _until(api, BYSTANDER, 1)  # answered while the flooder's is held
    assert "subscribe" in help_text
    api.release.set()
    await _until(api, FLOODER, 7)
    await bot.stop()  # lets the replies under way finish: nothing more can arrive after
    flooder = api.to(FLOODER)
    texts = [m.text for m in flooder]
    # The one being answered and the five queued behind it, in order; the other 494 dropped
    # with one polite reply between them.
    assert _answered(texts) == [f"nosuch{n:03d}" for n in range(6)]
    assert texts.count(text(_language(bot), BUSY)) == 1
    assert len(flooder) == 7
    (bystander,) = api.to(BYSTANDER)
    assert bystander.message_id < max(m.message_id for m in flooder)


@pytest.mark.parametrize(
    "started", [{"commands_per_minute": 4, "chat_commands_per_minute": 1000}], indirect=True
)
async def test_a_user_over_the_command_limit_is_told_once_and_others_are_answered(
    api: FakeBotAPI, started: tuple[TelegramBot, CountingSource]
) -> None:
    bot, _ = started
    group = -7001
    for n in range(3):
        api.push_text(FLOODER, f"/nosuch{n}", user_id=FLOODER)
    for n in range(3, 30):  # the same user, in a group: the limit is theirs, in every chat
        api.push_text(group, f"/nosuch{n}", user_id=FLOODER, chat_type="group")
    api.push_text(BYSTANDER, "/nosuch99", user_id=BYSTANDER)
    await _until(api, BYSTANDER, 1)
    await _until(api, group, 2)
    await bot.stop()
    slow_down = text(_language(bot), SLOW_DOWN)
    private, in_group = [m.text for m in api.to(FLOODER)], [m.text for m in api.to(group)]
    assert _answered(private) == ["nosuch0", "nosuch1", "nosuch2"]
    assert _answered(in_group) == ["nosuch3"]
    assert in_group.count(slow_down) == 1 and len(in_group) == 2
    assert _answered([m.text for m in api.to(BYSTANDER)]) == ["nosuch99"]


@pytest.mark.parametrize("started", [{"collections_per_day": 3}], indirect=True)
async def test_a_strangers_fourth_collection_is_refused_and_an_operators_is_run(
    api: FakeBotAPI, started: tuple[TelegramBot, CountingSource]
) -> None:
    bot, source = started
    days = [DAY - timedelta(days=n) for n in range(5)]
    for day in days[:4]:
        api.push_text(FLOODER, f"/digest mistral {day}", user_id=FLOODER)
    api.push_text(FLOODER, f"/digest mistral {days[0]}", user_id=FLOODER)  # stored now: free
    api.push_text(OPERATOR, f"/digest mistral {days[4]}", user_id=OPERATOR)
    refusal = text(_language(bot), "chat.collection_limit", name="Mistral AI", day=days[3], limit=3)

    def answered_all() -> bool:
        texts = [m.text for m in api.to(FLOODER)]
        # the refusal, then the stored day's digest after it
        return refusal in texts and texts[-1].startswith("🔗") and days[4] in source.asked

    await asyncio.to_thread(api.wait_for, answered_all)
    await bot.stop()
    # The operator's build runs alongside, in its own chat.
    assert [day for day in source.asked if day != days[4]] == days[:3]  # each built once
    texts = [m.text for m in api.to(FLOODER)]
    assert texts.count(refusal) == 1
    assert texts[texts.index(refusal) + 1].startswith("Mistral AI")


async def test_a_restart_does_not_give_a_stranger_a_new_days_collections(
    api: FakeBotAPI, db_path: Path
) -> None:
    config = _config(db_path, api, collections_per_day=2)
    days = [DAY - timedelta(days=n) for n in range(3)]
    refusal = text(
        config.topics[0].language, "chat.collection_limit", name="Mistral AI", day=days[2], limit=2
    )
    bot, source = await _start(config)
    for day in days[:2]:
        api.push_text(FLOODER, f"/digest mistral {day}", user_id=FLOODER)
    await asyncio.to_thread(
        api.wait_for, lambda: len(source.asked) == 2 and len(api.to(FLOODER)) >= 4
    )
    await bot.stop()  # a crash or a deploy: the same database, a new process's handler
    bot, source = await _start(config)
    try:
        api.push_text(FLOODER, f"/digest mistral {days[2]}", user_id=FLOODER)
        await asyncio.to_thread(api.wait_for, lambda: refusal in [m.text for m in api.to(FLOODER)])
    finally:
        await bot.stop()
    assert source.asked == []


@pytest.mark.parametrize("started", [{"queue_per_chat": 20}], indirect=True)
async def test_a_chats_messages_are_answered_in_order(
    api: FakeBotAPI, started: tuple[TelegramBot, CountingSource]
) -> None:
    bot, _ = started
    sent = ["/nosuch1", f"/digest mistral {DAY}", "/nosuch2", "/help", "/nosuch3"]
    for command in sent:
        api.push_text(FLOODER, command, user_id=FLOODER)
    await asyncio.to_thread(api.wait_for, lambda: any("nosuch3" in m.text for m in api.to(FLOODER)))
    await bot.stop()
    texts = [m.text for m in api.to(FLOODER)]
    kinds = [
        "unknown" if _UNKNOWN.search(t) else "digest" if t.startswith("Mistral AI") else "other"
        for t in texts
    ]
    # The digest (its body, then its sources) between the first and second unknown command,
    # help between the second and the third.
    first, second, third = (i for i, kind in enumerate(kinds) if kind == "unknown")
    assert first == 0 and kinds[1] == "digest"
    assert "digest" not in kinds[second:] and first < second < third == len(texts) - 1
    assert "subscribe" in texts[third - 1]


async def test_discord_a_flooding_channel_gets_its_queue_in_order_and_one_polite_reply(
    db_path: Path,
) -> None:
    from adapters.discord.app import discord_adapter
    from tests.fakes.discord import CHANNEL_ID, DM_CHANNEL, FakeDiscord
    from tests.fakes.discord import TOKEN as DISCORD_TOKEN

    fake = FakeDiscord()
    await fake.start()
    try:
        data = example_data()
        data["storage"]["path"] = str(db_path)
        data["discord"].update(api_base_url=fake.url, gateway_url=fake.gateway_url)
        data["chat"]["queue_per_chat"] = 3
        config = parse_config(data)
        commands = make_commands(open_database(config.storage.path), config)
        adapter = discord_adapter(config.discord, DISCORD_TOKEN, commands, timeout_s=2)
        adapter.sender.backoff_s = 0.05
        await adapter.start()
        for n in range(60):
            await fake.push_message(f"!nosuch{n:02d}", user_id=1000 + n)  # many members
        await fake.push_message("!nosuch99", channel_id=DM_CHANNEL, user_id=2000)
        await fake.until(DM_CHANNEL, 1)
        await fake.until(CHANNEL_ID, 5)
        await adapter.stop()
        texts = [m.content for m in fake.to(CHANNEL_ID)]
        assert _answered(texts) == [f"nosuch{n:02d}" for n in range(4)]
        assert len(texts) == 5 and sum("nosuch" not in t for t in texts) == 1  # "busy", once
        assert _answered([m.content for m in fake.to(DM_CHANNEL)]) == ["nosuch99"]
    finally:
        await fake.close()
