"""The real discord.py against a fake Discord on 127.0.0.1: chat commands and delivery."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.discord.app import DiscordAdapter, discord_adapter
from app.service import make_commands, serve
from bot.commands import Commands
from bot.config import Secrets
from bot.delivery.compose import digest_reply
from bot.delivery.fanout import Fanout
from bot.delivery.platform import Part
from bot.delivery.types import Paragraph, Reply, SourceLink, Subscription
from bot.errors import DeliveryError, MessageRejected
from storage import delivery as store
from storage import digests as digest_store
from storage import open_database
from tests.delivery_support import DAY, NOON, discord_config
from tests.fakes.discord import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL,
    HIDDEN_CHANNEL,
    MAX_CONTENT,
    MESSAGE_CONTENT,
    TOKEN,
    FakeDiscord,
)

pytest_plugins = ["tests.delivery_fixtures"]

ADMIN = 77
UNKNOWN_CHANNEL = 3999


@dataclass
class DiscordStack:
    fake: FakeDiscord
    adapter: DiscordAdapter
    commands: Commands
    fanout: Fanout


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def stack(fake: FakeDiscord, db_path: Path) -> AsyncIterator[DiscordStack]:
    config = discord_config(db_path, fake)
    db = open_database(config.storage.path)
    commands = make_commands(db, config)
    commands.clock = lambda: NOON
    adapter = discord_adapter(config.discord, TOKEN, commands, timeout_s=2)
    adapter.sender.backoff_s = 0.05
    await adapter.start()
    yield DiscordStack(fake, adapter, commands, Fanout(db, [adapter.sender]))
    await adapter.stop()


def _subscribe(stack: DiscordStack, channel_id: int) -> Subscription:
    return store.subscribe(
        stack.commands.db,
        platform="discord",
        chat_id=str(channel_id),
        chat_kind="group",
        topic="mistral",
        time="08:00",
        timezone="Asia/Taipei",
        language="en",
    )


async def _remembered(stack: DiscordStack, message_id: int) -> None:
    """Wait until the bot has recorded ``message_id`` as a digest's (after its last part)."""
    db = stack.commands.db
    for _ in range(600):
        if store.digest_of_message(db, "discord", str(CHANNEL_ID), str(message_id)) is not None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} was never remembered as a digest's")


async def _deliver_digest(stack: DiscordStack) -> tuple[int, dict[str, int]]:
    db = stack.commands.db
    digest_id = await stack.commands.build(stack.commands.config.topics[0], DAY, "en")
    stored = digest_store.stored_digest(db, digest_id)
    assert stored is not None
    counts = await stack.fanout.deliver(
        digest_id,
        store.active_subscriptions(db),
        lambda sub: digest_reply(stored.digest, digest_id, sub.include, sub.exclude),
    )
    return digest_id, counts


async def test_help_by_prefix_and_by_mention_gets_a_reply(stack: DiscordStack) -> None:
    fake = stack.fake
    assert fake.calls[:2] == ["GET /users/@me", "GET /oauth2/applications/@me"]
    assert fake.identify["intents"] & MESSAGE_CONTENT
    await fake.push_message("!start")
    (hello,) = await fake.until(CHANNEL_ID, 1)
    assert hello.content.startswith("你好！")  # a new chat speaks the topic's language, zh-TW
    assert "subscribe \\[主題\\] \\[HH:MM\\]" in hello.content  # brackets made inert
    await fake.push_message(f"<@{BOT_ID}> help digest")
    replies = await fake.until(CHANNEL_ID, 2)
    assert replies[1].content.startswith("digest")
    # Chatter in a guild channel is not for us; a direct message needs no prefix.
    await fake.push_message("nice weather today")
    await fake.push_message("list", channel_id=DM_CHANNEL)
    (listed,) = await fake.until(DM_CHANNEL, 1)
    assert listed.content.startswith("No subscriptions") or "ubscri" in listed.content
    assert len(fake.to(CHANNEL_ID)) == 2


async def test_in_a_guild_only_managers_subscribe(stack: DiscordStack) -> None:
    fake = stack.fake
    await fake.push_message("!subscribe 07:30 Europe/Paris en", user_id=11)
    (refused,) = await fake.until(CHANNEL_ID, 1)
    assert refused.content == "只有聊天室的管理員可以為群組訂閱。"
    assert store.active_subscriptions(stack.commands.db) == []
    fake.admins.add(ADMIN)
    await fake.push_message("!subscribe 07:30 Europe/Paris en", user_id=ADMIN)
    replies = await fake.until(CHANNEL_ID, 2)
    assert replies[1].content.startswith("Subscribed: Mistral AI (mistral): daily at 07:30")
    (sub,) = store.active_subscriptions(stack.commands.db)
    assert (sub.platform, sub.chat_id, sub.chat_kind) == ("discord", str(CHANNEL_ID), "group")


async def test_digest_is_split_under_the_limit_then_a_reply_asks_about_it(
    stack: DiscordStack,
) -> None:
    fake = stack.fake
    await fake.push_message("!digest mistral 2026-11-21")
    await fake.wait_for(lambda: any("資料來源" in m.visible for m in fake.to(CHANNEL_ID)))
    await _remembered(stack, fake.to(CHANNEL_ID)[0].id)  # every part is out
    sent = fake.to(CHANNEL_ID)
    body = [m for m in sent if m.embeds[0]["title"] != "🔗 資料來源"]
    assert body[0].embeds[0]["title"].startswith("Mistral AI")
    assert all(len(m.content) <= MAX_CONTENT for m in sent)
    for message in sent:
        assert message.payload["allowed_mentions"]["parse"] == []
        assert message.payload["enforce_nonce"] is True and message.payload["nonce"]
    sources = next(m for m in sent if m.embeds[0]["title"] == "🔗 資料來源")
    description = sources.embeds[0]["description"]
    assert re.search(r"^\[1\] \[.+\]\(https://", description, re.MULTILINE)
    assert [b["label"] for b in sources.buttons] == ["資料來源", "詢問這份摘要", "前一天"]

    await fake.push_message("where is the first office in Asia?", reply_to=body[0].id)
    replies = await fake.until(CHANNEL_ID, len(sent) + 1)
    answer = replies[len(sent)].content
    assert answer.startswith("Quoted from the sources")
    assert "Singapore" in answer and "[1]" in answer


async def test_a_channel_the_bot_cannot_see_is_deactivated_with_the_reason(
    stack: DiscordStack,
) -> None:
    db = stack.commands.db
    for channel in (CHANNEL_ID, HIDDEN_CHANNEL, UNKNOWN_CHANNEL):
        _subscribe(stack, channel)
    digest_id, counts = await _deliver_digest(stack)
    assert counts == {"sent": 1, "failed": 2}
    (hidden,) = store.chat_subscriptions(db, "discord", str(HIDDEN_CHANNEL), active_only=False)
    assert not hidden.active
    assert hidden.deactivated_reason == "Forbidden: Missing Access (code 50001)"
    (unknown,) = store.chat_subscriptions(db, "discord", str(UNKNOWN_CHANNEL), active_only=False)
    assert unknown.deactivated_reason == "Not found: Unknown Channel (code 10003)"
    assert [s.chat_id for s in store.active_subscriptions(db)] == [str(CHANNEL_ID)]
    first = stack.fake.to(CHANNEL_ID)[0]
    assert store.digest_of_message(db, "discord", str(CHANNEL_ID), str(first.id)) == digest_id


async def test_429_and_5xx_are_retried_without_a_duplicate(stack: DiscordStack) -> None:
    fake = stack.fake
    _subscribe(stack, CHANNEL_ID)
    fake.rate_limit_next[CHANNEL_ID] = 0.3  # the first send: 429, retry after 0.3 s
    fake.fail_5xx[CHANNEL_ID] = 1  # then a 503 before posting
    fake.fail_after_storing[CHANNEL_ID] = 1  # then a 503 *after* posting
    digest_id, counts = await _deliver_digest(stack)
    assert counts == {"sent": 1}
    assert fake.rate_limited >= 1 and fake.early == 0  # the retry waited as told
    contents = [m.visible for m in fake.to(CHANNEL_ID)]
    assert len(contents) == len(set(contents)) >= 2  # every part once: the nonce held
    assert contents[0].startswith("Mistral AI") and contents[-1].startswith("🔗 Sources")
    (row,) = store.deliveries_for(stack.commands.db, digest_id)
    assert row.status == "sent" and len(row.message_ids) == len(contents)
    again = await _deliver_digest(stack)
    assert sum(again[1].values()) == 0 and len(fake.to(CHANNEL_ID)) == len(contents)


async def test_no_reply_in_time_is_uncertain_and_never_resent(stack: DiscordStack) -> None:
    fake = stack.fake
    _subscribe(stack, CHANNEL_ID)
    fake.slow[CHANNEL_ID] = 3.0  # longer than the adapter's 2 s: stored, but the reply is late
    digest_id, counts = await _deliver_digest(stack)
    assert counts == {"uncertain": 1}
    (row,) = store.deliveries_for(stack.commands.db, digest_id)
    assert "no reply from Discord" in (row.error or "")
    fake.slow.clear()
    again = await _deliver_digest(stack)
    assert sum(again[1].values()) == 0
    assert len(fake.to(CHANNEL_ID)) == 1


async def test_the_token_never_reaches_a_log_line(
    fake: FakeDiscord, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    config = discord_config(db_path, fake)
    commands = make_commands(open_database(config.storage.path), config)
    wrong = "MTk5OTk5OTk5OTk5OTk5OTk5.Gwrong.not-the-token-abcdefghijklmnopqr"
    refused = discord_adapter(config.discord, wrong, commands)
    with pytest.raises(DeliveryError, match="Discord refused the token") as caught:
        await refused.start()
    assert wrong not in str(caught.value) and caught.value.__cause__ is None
    adapter = discord_adapter(config.discord, TOKEN, commands)
    await adapter.start()
    try:
        await fake.push_message("!digest mistral 2026-11-21")
        await fake.wait_for(lambda: any("資料來源" in m.visible for m in fake.to(CHANNEL_ID)))
    finally:
        await adapter.stop()
    assert fake.identify["token"] == TOKEN  # it was sent, over the gateway
    assert "discord" in caplog.text and "IDENTIFY" in caplog.text
    assert TOKEN not in caplog.text and wrong not in caplog.text


async def test_digestbot_run_starts_the_discord_adapter(fake: FakeDiscord, db_path: Path) -> None:
    config = discord_config(db_path, fake)
    stop = asyncio.Event()
    service = asyncio.create_task(serve(config, Secrets(None, None, TOKEN), stop=stop))
    try:
        await fake.wait_for(lambda: fake.connected > 0)
        await fake.push_message("!help", channel_id=DM_CHANNEL)
        (reply,) = await fake.until(DM_CHANNEL, 1)
        assert "subscribe \\[主題\\] \\[HH:MM\\]" in reply.content
    finally:
        stop.set()
        await service


async def test_mentions_in_web_text_never_ping(stack: DiscordStack) -> None:
    fake = stack.fake
    title = f"@everyone free nitro <@{ADMIN}> <@&2001> @here"
    reply = Reply(
        title=title,
        paragraphs=(Paragraph(f"{title} [1]"),),
        sources=(SourceLink(1, title, "https://e.example/spam"),),
    )
    outcome = await stack.adapter.sender.deliver(str(CHANNEL_ID), reply, chat_kind="group")
    assert outcome.status == "sent"
    messages = await fake.until(CHANNEL_ID, 2)
    assert "@everyone free nitro" in messages[0].content
    assert all(message.pings == [] for message in messages)


async def test_a_missing_message_content_intent_is_one_clear_error(
    fake: FakeDiscord, db_path: Path
) -> None:
    fake.privileged_off = True
    config = discord_config(db_path, fake)
    adapter = discord_adapter(config.discord, TOKEN, make_commands(open_database(db_path), config))
    with pytest.raises(DeliveryError, match="switch it on for the bot in the developer portal"):
        await adapter.start()


async def test_slash_commands_are_registered_and_answered(stack: DiscordStack) -> None:
    fake = stack.fake
    assert set(fake.slash_commands) >= {"subscribe", "digest", "ask", "sources", "help"}
    assert fake.slash_commands["digest"]["options"][0]["name"] == "args"
    await fake.push_interaction("subscribe", "07:30", user_id=11)
    (refused,) = await fake.until(CHANNEL_ID, 1)
    assert refused.content == "只有聊天室的管理員可以為群組訂閱。"
    # A quick reply is the interaction's own response, well within Discord's 3 s.
    assert fake.callbacks[0]["type"] == 4 and fake.callbacks[0]["after_s"] < 3
    fake.admins.add(ADMIN)
    await fake.push_interaction("subscribe", "07:30", user_id=ADMIN)
    replies = await fake.until(CHANNEL_ID, 2)
    assert replies[1].content.startswith("已訂閱：Mistral AI（mistral）：每天 07:30")
    await fake.push_interaction("digest", "mistral 2026-11-21")
    await fake.wait_for(lambda: any("資料來源" in m.visible for m in fake.to(CHANNEL_ID)))
    digest = fake.to(CHANNEL_ID)[2]
    assert digest.embeds[0]["title"].startswith("Mistral AI")
    assert digest.payload["allowed_mentions"]["parse"] == [] and digest.pings == []
    await _remembered(stack, digest.id)  # every part is out
    await fake.push_message("where is the first office in Asia?", reply_to=digest.id)
    count = len(fake.to(CHANNEL_ID))
    replies = await fake.until(CHANNEL_ID, count + 1)
    assert replies[count].content.startswith("Quoted from the sources")


async def test_an_over_long_message_is_refused_and_not_retried(stack: DiscordStack) -> None:
    too_long = Part("x" * (MAX_CONTENT + 1), "x" * (MAX_CONTENT + 1))
    with pytest.raises(MessageRejected, match="50035"):
        await stack.adapter.platform.send_part(str(CHANNEL_ID), too_long)
    assert stack.fake.to(CHANNEL_ID) == []
    assert stack.fake.calls.count(f"POST /channels/{CHANNEL_ID}/messages") == 1


async def test_a_429_discord_py_does_not_wait_out_pauses_our_sender(stack: DiscordStack) -> None:
    fake = stack.fake
    fake.via = False  # discord.py raises this 429 at once: our sender must wait instead
    fake.rate_limit_next[CHANNEL_ID] = 0.3
    outcome = await stack.adapter.sender.deliver(str(CHANNEL_ID), Reply.text("hello [1]"))
    assert outcome.status == "sent"
    assert stack.adapter.sender.rate_limited == 1 and fake.early == 0
    assert [m.content for m in fake.to(CHANNEL_ID)] == ["hello [1]"]
