"""Every adapter answers through the one inbound flow (``bot.chat.ChatFlow``), end to end
against its fake: Telegram messages, Discord messages, Discord slash commands, the terminal.
What the flow does shows the same everywhere: a gone chat is deactivated, replies go through
the paced sender (429s waited out), a digest's messages are remembered so that replying to
them asks about it. Adapters start and stop idempotently, and ``digestbot run`` survives an
adapter that cannot start."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from adapters.discord.app import DiscordAdapter, discord_adapter
from adapters.terminal import TerminalChat
from app.service import make_commands, serve
from bot.chat.fairness import ChatQueues, Notices, TokenBuckets
from bot.commands import Commands
from bot.config import Secrets, parse_config
from bot.errors import DeliveryError
from storage import delivery as store
from storage import open_database
from tests.conftest import example_data
from tests.delivery_support import NOON, discord_config
from tests.fakes.discord import CHANNEL_ID, HIDDEN_CHANNEL, FakeDiscord
from tests.fakes.discord import TOKEN as DISCORD_TOKEN
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram import FakeBotAPI

if TYPE_CHECKING:
    from tests.delivery_fixtures import TelegramStack

pytest_plugins = ["tests.delivery_fixtures"]

BLOCKED_USER = 601


def _subscribe(commands: Commands, platform: str, chat_id: str, kind: str = "private") -> None:
    store.subscribe(
        commands.db,
        platform=platform,
        chat_id=chat_id,
        chat_kind="group" if kind == "group" else "private",
        topic="mistral",
        time="08:00",
        timezone="Asia/Taipei",
        language="en",
    )


async def _deactivated(commands: Commands, platform: str, chat_id: str) -> str | None:
    for _ in range(400):
        subs = store.chat_subscriptions(commands.db, platform, chat_id, active_only=False)
        if subs and not subs[0].active:
            return subs[0].deactivated_reason
        await asyncio.sleep(0.05)
    raise AssertionError(f"{platform} chat {chat_id} was never deactivated")


# --- Telegram ------------------------------------------------------------------------------


async def test_telegram_a_reply_to_a_user_who_blocked_the_bot_deactivates_the_chat(
    stack: TelegramStack,
) -> None:
    _subscribe(stack.commands, "telegram", str(BLOCKED_USER))
    stack.fake.blocked[BLOCKED_USER] = "bot was blocked by the user"
    stack.fake.push_text(BLOCKED_USER, "/list")
    reason = await _deactivated(stack.commands, "telegram", str(BLOCKED_USER))
    assert reason == "Forbidden: bot was blocked by the user"
    assert stack.fake.to(BLOCKED_USER) == []


async def test_telegram_lifecycle_is_idempotent(stack: TelegramStack) -> None:
    def start_up_calls() -> list[str]:  # polling goes on meanwhile: count the rest only
        return [c for c in stack.fake.calls if c != "getUpdates"]

    before = start_up_calls()
    await stack.bot.start()  # already running: nothing happens
    assert start_up_calls() == before
    await stack.bot.stop()
    await stack.bot.stop()
    assert not stack.bot.running


# --- Discord -------------------------------------------------------------------------------


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def discord(discord_fake: FakeDiscord, db_path: Path) -> AsyncIterator[DiscordAdapter]:
    config = discord_config(db_path, discord_fake)
    commands = make_commands(open_database(db_path), config)
    commands.clock = lambda: NOON
    adapter = discord_adapter(config.discord, DISCORD_TOKEN, commands, timeout_s=2)
    adapter.sender.backoff_s = 0.05
    async with adapter:
        yield adapter


async def test_discord_a_message_in_a_channel_the_bot_cannot_post_in_deactivates_it(
    discord: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    commands = discord.bot.commands
    _subscribe(commands, "discord", str(HIDDEN_CHANNEL), "group")
    await discord_fake.push_message("!list", channel_id=HIDDEN_CHANNEL)
    reason = await _deactivated(commands, "discord", str(HIDDEN_CHANNEL))
    assert reason == "Forbidden: Missing Access (code 50001)"


async def test_discord_slash_replies_go_through_the_sender(
    discord: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    fake = discord_fake
    fake.via = False  # discord.py gives this 429 up at once: only our sender waits it out
    fake.rate_limit_next[CHANNEL_ID] = 0.3
    await fake.push_interaction("digest", "mistral 2026-11-21")
    await fake.wait_for(lambda: any("資料來源" in m.visible for m in fake.to(CHANNEL_ID)))
    parts = fake.to(CHANNEL_ID)
    assert discord.sender.rate_limited == 1 and fake.early == 0
    assert len({m.visible for m in parts}) == len(parts) >= 2  # each part once
    # The first part answers the interaction; the rest are the sender's own messages.
    assert "nonce" not in parts[0].payload and parts[0].embeds[0]["title"].startswith("Mistral AI")
    assert all(m.payload["enforce_nonce"] for m in parts[1:])
    commands = discord.bot.commands
    for _ in range(100):  # remembered once the last part is out
        if store.digest_of_message(commands.db, "discord", str(CHANNEL_ID), str(parts[0].id)):
            break
        await asyncio.sleep(0.05)
    await fake.push_message("where is the first office in Asia?", reply_to=parts[0].id)
    answer = (await fake.until(CHANNEL_ID, len(parts) + 1))[len(parts)]
    assert answer.content.startswith("Quoted from the sources")


async def test_discord_a_slash_reply_that_cannot_be_posted_deactivates_the_channel(
    discord: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    commands = discord.bot.commands
    _subscribe(commands, "discord", str(HIDDEN_CHANNEL), "group")
    # The interaction's response arrives; the digest's next part is refused (403).
    await discord_fake.push_interaction("digest", "mistral 2026-11-21", channel_id=HIDDEN_CHANNEL)
    reason = await _deactivated(commands, "discord", str(HIDDEN_CHANNEL))
    assert reason == "Forbidden: Missing Access (code 50001)"
    assert len(discord_fake.to(HIDDEN_CHANNEL)) == 1


async def test_discord_lifecycle_is_idempotent(
    discord: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    await discord.start()
    assert discord_fake.connected == 1
    assert discord_fake.calls.count("GET /users/@me") == 1
    await discord.stop()
    await discord.stop()
    await discord_fake.wait_for(lambda: discord_fake.connected == 0)


# --- the terminal --------------------------------------------------------------------------


async def test_the_terminal_answers_through_the_flow_and_remembers_digests(
    commands: Commands,
) -> None:
    stdin = io.StringIO("digest mistral 2026-11-21\nsources 1\n\nfrobnicate\nquit\nlist\n")
    stdout = io.StringIO()
    chat = TerminalChat(commands, stdin, stdout)
    async with chat:
        await chat.start()  # already running: nothing happens
        await chat.closed()
    await chat.stop()
    out = stdout.getvalue()
    assert out.startswith("digestbot chat:")
    assert "Mistral AI 每日動態 - 2026-11-21" in out  # the topic's language, zh-TW
    assert "[1] " in out and "https://" in out
    assert "沒有指令 'frobnicate'" in out
    assert "訂閱" not in out  # nothing after 'quit'
    assert store.latest_digest_for_chat(commands.db, "terminal", "local") is not None


# --- digestbot run -------------------------------------------------------------------------


async def test_run_stops_cleanly_and_fails_when_an_adapter_token_is_refused(
    fake: FakeBotAPI,
    discord_fake: FakeDiscord,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A supervisor must hear of a refused token: run ends with one line (exit 1 in the
    CLI), after the adapter that had started (Telegram) stopped cleanly."""
    caplog.set_level(logging.INFO)
    data = example_data()
    data["storage"]["path"] = str(db_path)
    data["telegram"]["api_base_url"] = fake.url
    data["discord"].update(api_base_url=discord_fake.url, gateway_url=discord_fake.gateway_url)
    wrong = "MTk5OTk5OTk5OTk5OTk5OTk5.Gwrong.not-the-token-abcdefghijklmnopqr"
    with pytest.raises(DeliveryError) as caught:
        await serve(parse_config(data), Secrets(None, TELEGRAM_TOKEN, wrong), stop=asyncio.Event())
    message = str(caught.value)
    assert message.startswith("discord adapter could not start, run stopped: discord (http://")
    assert "Discord refused the token (DISCORD_BOT_TOKEN)" in message and "\n" not in message
    assert discord_fake.connected == 0
    assert fake.calls[-1] == "getUpdates"  # Telegram's last call: polling's final offset
    assert wrong not in caplog.text and wrong not in message


async def test_run_fails_clearly_when_no_adapter_can_start(fake: FakeBotAPI, db_path: Path) -> None:
    data = example_data()
    data["storage"]["path"] = str(db_path)
    data["telegram"]["api_base_url"] = fake.url
    wrong = "999999:WRONG-token-abcdefghijklmnopqrstuvwxyz"
    with pytest.raises(DeliveryError, match="telegram adapter could not start, run stopped"):
        await serve(parse_config(data), Secrets(None, wrong, None), stop=asyncio.Event())


# --- fairness: the flow's own bookkeeping, on a clock the test moves ------------------------


def test_a_command_limit_refills_over_the_minute_and_follows_a_reload() -> None:
    now = [0.0]
    buckets = TokenBuckets(lambda: now[0])
    limits = {"chat:1": 3.0, "user:7": 3.0}
    assert [buckets.admit(limits) for _ in range(4)] == [True, True, True, False]
    now[0] = 20.0  # a third of a minute: one command's worth
    assert [buckets.admit(limits) for _ in range(2)] == [True, False]
    assert buckets.admit({"chat:2": 3.0, "user:7": 3.0}) is False  # the user's, in any chat
    now[0] = 80.0
    assert [buckets.admit({"chat:1": 1.0}) for _ in range(2)] == [True, False]  # reloaded


def test_a_chat_is_told_to_slow_down_once_a_minute() -> None:
    now = [0.0]
    notices = Notices(lambda: now[0])
    assert [notices.due("1"), notices.due("1"), notices.due("2")] == [True, False, True]
    now[0] = 59.0
    assert notices.due("1") is False
    now[0] = 61.0
    assert notices.due("1") is True


async def test_queued_items_of_a_chat_are_handled_one_at_a_time_in_order() -> None:
    handled: list[str] = []
    running: set[str] = set()
    overlapped: list[str] = []
    all_handled = asyncio.Event()

    async def handle(item: str) -> None:
        chat = item.split(":")[0]
        if chat in running:
            overlapped.append(item)
        running.add(chat)
        await asyncio.sleep(0)
        handled.append(item)
        running.discard(chat)
        if len(handled) == 4:
            all_handled.set()

    queues: ChatQueues[str] = ChatQueues(handle)
    accepted = [queues.put(item[0], item, limit=2) for item in ("a:1", "a:2", "b:1", "a:3", "a:4")]
    assert accepted == [True, True, True, True, False]  # a:1 at once, two waiting behind it
    await asyncio.wait_for(all_handled.wait(), 10)
    await asyncio.sleep(0)  # each worker ends once its queue is empty
    assert queues.busy_chats == 0
    assert [i for i in handled if i.startswith("a")] == ["a:1", "a:2", "a:3"]
    assert "b:1" in handled and overlapped == []
