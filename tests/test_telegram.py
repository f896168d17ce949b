"""The real python-telegram-bot, polling a fake Bot API on 127.0.0.1: chat commands."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from adapters.telegram.app import telegram_adapter
from app.service import make_commands
from bot.errors import DeliveryError
from storage import delivery as store
from storage import open_database
from tests.delivery_support import config_at
from tests.fakes.telegram import FakeBotAPI

if TYPE_CHECKING:
    from tests.delivery_fixtures import TelegramStack

pytest_plugins = ["tests.delivery_fixtures"]

USER_CHAT = 501
GROUP = -9001


async def _until(fake: FakeBotAPI, chat_id: int, count: int) -> list[str]:
    await asyncio.to_thread(fake.wait_for, lambda: len(fake.to(chat_id)) >= count)
    return [m.text for m in fake.to(chat_id)]


async def test_start_greets_and_lists_commands(stack: TelegramStack) -> None:
    stack.fake.push_text(USER_CHAT, "/start")
    (text,) = await _until(stack.fake, USER_CHAT, 1)
    assert text.startswith("你好！")  # a new chat speaks the topic's language, zh-TW
    assert "subscribe [主題] [HH:MM]" in text
    calls = stack.fake.calls
    assert calls[0] == "getMe" and calls.index("setMyCommands") < calls.index("deleteWebhook")


async def test_subscribe_list_and_a_bad_argument(stack: TelegramStack) -> None:
    stack.fake.push_text(USER_CHAT, "/subscribe 07:30 Europe/Paris en")
    await _until(stack.fake, USER_CHAT, 1)
    stack.fake.push_text(USER_CHAT, "/list")
    await _until(stack.fake, USER_CHAT, 2)
    stack.fake.push_text(USER_CHAT, "/subscribe 7:75")
    replies = await _until(stack.fake, USER_CHAT, 3)
    assert replies[0].startswith("Subscribed: Mistral AI (mistral): daily at 07:30 Europe/Paris")
    assert "daily at 07:30 Europe/Paris in en" in replies[1]
    assert replies[2] == "'7:75' is not a time: give HH:MM, from 00:00 to 23:59. Usage: " + (
        "subscribe [topic] [HH:MM] [timezone] [en|zh-TW]: a daily digest in this chat"
    )
    (sub,) = store.active_subscriptions(stack.commands.db)
    assert (sub.platform, sub.chat_id, sub.chat_kind) == ("telegram", str(USER_CHAT), "private")


async def test_in_groups_only_admins_subscribe(stack: TelegramStack) -> None:
    stack.fake.push_text(GROUP, "/subscribe@digest_test_bot", user_id=11, chat_type="group")
    (refused,) = await _until(stack.fake, GROUP, 1)
    assert refused == "只有聊天室的管理員可以為群組訂閱。"
    assert store.active_subscriptions(stack.commands.db) == []
    stack.fake.admins.add((GROUP, 12))
    stack.fake.push_text(GROUP, "/subscribe@digest_test_bot", user_id=12, chat_type="group")
    replies = await _until(stack.fake, GROUP, 2)
    assert replies[1].startswith("已訂閱：")
    (sub,) = store.active_subscriptions(stack.commands.db)
    assert sub.chat_kind == "group"
    # Plain chatter in a group is not a command.
    stack.fake.push_text(GROUP, "nice weather today", user_id=11, chat_type="group")
    stack.fake.push_text(GROUP, "/list", user_id=11, chat_type="group")
    replies = await _until(stack.fake, GROUP, 3)
    assert replies[2].startswith("訂閱列表")


async def test_digest_then_reply_to_it_asks_about_that_digest(stack: TelegramStack) -> None:
    stack.fake.push_text(USER_CHAT, "/digest mistral 2026-11-21")
    await _until(stack.fake, USER_CHAT, 2)
    body, sources = stack.fake.to(USER_CHAT)[:2]
    assert body.raw.startswith("<b>Mistral AI")
    assert body.parse_mode == "HTML"
    assert sources.text.startswith("🔗 資料來源\n[1] ")
    assert '<a href="https://' in sources.raw
    stack.fake.push_text(USER_CHAT, "where is the first office in Asia?", reply_to=body.message_id)
    replies = await _until(stack.fake, USER_CHAT, 4)
    assert replies[2].startswith("Quoted from the sources")
    assert "Singapore" in replies[2] and "[1]" in replies[2]
    assert replies[3].startswith("🔗 資料來源\n[1] ")


async def test_a_refused_token_is_one_clear_error(fake: FakeBotAPI, tmp_path: Path) -> None:
    config = config_at(tmp_path / "db.sqlite", api_base_url=fake.url)
    db = open_database(config.storage.path)
    wrong = "999999:WRONG-token-abcdefghijklmnopqrstuvwxyz"
    bot = telegram_adapter(config.telegram, wrong, make_commands(db, config))
    with pytest.raises(DeliveryError, match="Telegram refused the token") as caught:
        await bot.start()
    assert wrong not in str(caught.value) and caught.value.__cause__ is None
