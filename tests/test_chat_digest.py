"""The whole digest in chat, read as a subscriber reads it: a Telegram chat and a Discord
channel, driven against the local fakes, receive every sentence of the stored digest with
its citations and its sources (compared with the Markdown post), the buttons under it work,
and every reply in a zh-TW chat is Chinese."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from adapters.discord.app import DiscordAdapter, discord_adapter
from app.service import make_commands
from bot.config import TopicConfig
from storage import delivery as store
from storage import digests as digest_store
from storage import open_database
from tests.delivery_support import NOON, discord_config
from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tests.fakes.discord import TOKEN as DISCORD_TOKEN
from tests.fakes.telegram import FakeBotAPI, Message

if TYPE_CHECKING:
    from tests.delivery_fixtures import TelegramStack

pytest_plugins = ["tests.delivery_fixtures"]

CHAT = 7301
CHINESE = re.compile(r"[\u4e00-\u9fff]")
_ESCAPE = re.compile(r"\\(.)")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


def _squeeze(text: str) -> str:
    return "".join(text.split())


def post_lines(markdown: str) -> tuple[list[str], list[tuple[int, str, str]]]:
    """The Markdown post as a reader reads it: each line of its body (headings, the notice,
    every highlight, point and citation) as plain text, and its sources (n, title, url).
    The front matter and the footer are the post's own, not the digest's text."""
    body = markdown.split("\n---\n", 1)[1].rsplit("\n---\n", 1)[0]
    lines, sources = [], []
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        numbered = re.match(r"^(\d+)\. \[(.*)\]\((.*)\)$", line)
        if numbered:
            title = _ESCAPE.sub(r"\1", numbered.group(2))
            sources.append((int(numbered.group(1)), title, numbered.group(3)))
            continue
        line = re.sub(r"^(## |> |- )", "", line).replace("**", "").replace("`", "")
        lines.append(_ESCAPE.sub(r"\1", line))
    return lines, sources


def assert_whole_digest(markdown: str, seen: str, links: str) -> None:
    """Every line of the post is in what the chat shows (``seen``), and every source's
    number and title; every source's URL is linked (``links``: the markup)."""
    lines, sources = post_lines(markdown)
    assert len(lines) > 10 and sources
    shown = _squeeze(seen)
    for line in lines:
        assert _squeeze(line) in shown, line
    for n, title, url in sources:
        assert _squeeze(f"[{n}]{title}") in shown, (n, title)
        assert url in links, url


async def _stored(commands_db: object, digest_id: int) -> str:
    stored = digest_store.stored_digest(commands_db, digest_id)  # type: ignore[arg-type]
    assert stored is not None
    return stored.markdown


# --- Telegram ------------------------------------------------------------------------------


async def _telegram_until(fake: FakeBotAPI, count: int) -> list[Message]:
    await asyncio.to_thread(fake.wait_for, lambda: len(fake.to(CHAT)) >= count, 60)
    return fake.to(CHAT)


async def _telegram_settled(fake: FakeBotAPI, stack: TelegramStack) -> list[Message]:
    """Every part of the last reply is out once the last message carries its buttons or the
    count stops growing."""
    count = -1
    while count != len(fake.to(CHAT)):
        count = len(fake.to(CHAT))
        await asyncio.sleep(1.5)  # the fake allows one message a second per chat
    return fake.to(CHAT)


async def test_telegram_gets_the_whole_digest_and_its_buttons_work(
    stack: TelegramStack,
) -> None:
    fake, db = stack.fake, stack.commands.db
    fake.push_text(CHAT, "/digest mistral 2026-11-21")
    await _telegram_until(fake, 2)
    digest = await _telegram_settled(fake, stack)
    digest_id = store.digest_of_message(db, "telegram", str(CHAT), str(digest[0].message_id))
    assert digest_id is not None
    markdown = await _stored(db, digest_id)
    seen = "\n".join(m.text for m in digest)
    assert_whole_digest(markdown, seen, "\n".join(m.raw for m in digest))
    assert all(m.parse_mode == "HTML" and len(m.text) <= 4096 for m in digest)
    assert digest[0].raw.startswith("<b>Mistral AI 每日動態 - 2026-11-21</b>")
    assert "<b>📰 新聞焦點</b>" in "".join(m.raw for m in digest)  # bold section headings
    buttons = {b["text"]: b["callback_data"] for b in digest[-1].buttons}
    assert list(buttons) == ["資料來源", "詢問這份摘要", "前一天"]

    # "Sources": the query is answered at once, then the sources come as a message.
    query = fake.push_button(digest[-1], buttons["資料來源"])
    listed = (await _telegram_until(fake, len(digest) + 1))[len(digest) :]
    assert fake.answered[query] < 5  # Telegram shows a spinner until the query is answered
    assert listed[0].text.startswith("Mistral AI 每日動態 - 2026-11-21 的資料來源")

    # "Ask about this digest": a prompt to reply to; the reply asks about that digest.
    before = len(await _telegram_settled(fake, stack))
    fake.push_button(digest[-1], buttons["詢問這份摘要"])
    (prompt,) = (await _telegram_until(fake, before + 1))[before:]
    assert prompt.text == "請回覆此訊息，提出關於「Mistral AI 每日動態 - 2026-11-21」的問題。"
    assert prompt.reply_markup == {"force_reply": True, "selective": True}
    for _ in range(100):  # remembered once sent
        if store.digest_of_message(db, "telegram", str(CHAT), str(prompt.message_id)):
            break
        await asyncio.sleep(0.05)
    fake.push_text(CHAT, "新加坡辦公室有多少員工？", reply_to=prompt.message_id)
    answer = (await _telegram_until(fake, before + 2))[before + 1]
    assert CHINESE.search(answer.text)

    # "Previous day": the digest of the day before, with its own buttons.
    before = len(await _telegram_settled(fake, stack))
    fake.push_button(digest[-1], buttons["前一天"])
    await _telegram_until(fake, before + 1)
    previous = (await _telegram_settled(fake, stack))[before:]
    assert previous[0].text.startswith("Mistral AI 每日動態 - 2026-11-20")
    assert [b["text"] for b in previous[-1].buttons] == ["資料來源", "詢問這份摘要", "前一天"]

    # A zh-TW chat: every reply is Chinese.
    fake.push_text(CHAT, "/subscribe 7:75")
    fake.push_text(CHAT, "/help")
    replies = await _telegram_settled(fake, stack)
    assert all(CHINESE.search(m.text) for m in replies), [m.text[:40] for m in replies]


async def test_settings_lang_changes_the_replies_too(stack: TelegramStack) -> None:
    fake = stack.fake
    for count, text in enumerate(["/subscribe", "/settings lang en", "/settings lang zh-TW"]):
        fake.push_text(CHAT, text)  # one at a time: updates are handled concurrently
        await _telegram_until(fake, count + 1)
    replies = [m.text for m in fake.to(CHAT)]
    assert replies[0].startswith("已訂閱：")
    assert replies[1].startswith("Updated: Mistral AI (mistral): daily at 08:00")
    assert replies[2].startswith("已更新：")


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
    adapter = discord_adapter(config.discord, DISCORD_TOKEN, commands, timeout_s=5)
    async with adapter:
        yield adapter


async def _discord_settled(fake: FakeDiscord) -> None:
    count = -1
    while count != len(fake.to(CHANNEL_ID)):
        count = len(fake.to(CHANNEL_ID))
        await asyncio.sleep(1.2)


async def test_discord_gets_the_whole_digest_as_embeds_and_its_buttons_work(
    discord: DiscordAdapter, discord_fake: FakeDiscord
) -> None:
    fake, commands = discord_fake, discord.bot.commands
    await fake.push_message("!digest mistral 2026-11-21")
    await fake.until(CHANNEL_ID, 2)
    await _discord_settled(fake)
    digest = fake.to(CHANNEL_ID)
    first = str(digest[0].id)
    digest_id = store.digest_of_message(commands.db, "discord", str(CHANNEL_ID), first)
    assert digest_id is not None
    markdown = await _stored(commands.db, digest_id)
    seen = "\n".join(_ESCAPE.sub(r"\1", m.visible.replace("**", "")) for m in digest)
    shown_links = " ".join(url for m in digest for _, url in _LINK.findall(m.visible))
    assert_whole_digest(markdown, _LINK.sub(r"\1", seen), shown_links)
    for message in digest:  # every limit Discord enforces (the fake checked them too)
        assert len(message.embeds) <= 10 and message.payload["allowed_mentions"]["parse"] == []
        assert (
            sum(len(e.get("title", "")) + len(e.get("description", "")) for e in message.embeds)
            <= 6000
        )
    titles = [e.get("title") for m in digest for e in m.embeds]
    assert titles[:2] == ["Mistral AI 每日動態 - 2026-11-21", "📈 趨勢觀察"]
    buttons = {b["label"]: b["custom_id"] for b in digest[-1].buttons}
    assert list(buttons) == ["資料來源", "詢問這份摘要", "前一天"]

    # A quick answer is the interaction's own response, within Discord's 3 s.
    await fake.push_button(digest[-1], buttons["資料來源"])
    listed = (await fake.until(CHANNEL_ID, len(digest) + 1))[len(digest)]
    assert fake.callbacks[-1]["type"] == 4 and fake.callbacks[-1]["after_s"] < 3
    assert "Mistral AI 每日動態 - 2026-11-21 的資料來源" in listed.visible

    # "Ask": the prompt is remembered; replying to it asks about the digest.
    await _discord_settled(fake)
    before = len(fake.to(CHANNEL_ID))
    await fake.push_button(digest[-1], buttons["詢問這份摘要"])
    prompt = (await fake.until(CHANNEL_ID, before + 1))[before]
    assert prompt.content.startswith("請回覆此訊息")
    for _ in range(100):
        if store.digest_of_message(commands.db, "discord", str(CHANNEL_ID), str(prompt.id)):
            break
        await asyncio.sleep(0.05)
    await fake.push_message("where is the first office in Asia?", reply_to=prompt.id)
    answer = (await fake.until(CHANNEL_ID, before + 2))[before + 1]
    assert "Singapore" in answer.content and "[1]" in answer.content

    # "Previous day" that takes longer than 3 s to build: deferred in time, then answered.
    build = commands.build

    async def slow(topic: TopicConfig, day: date, language: str) -> int:
        await asyncio.sleep(3.5)
        return await build(topic, day, language)

    commands.build = slow
    await _discord_settled(fake)
    before = len(fake.to(CHANNEL_ID))
    await fake.push_button(digest[-1], buttons["前一天"])
    await fake.until(CHANNEL_ID, before + 1)
    deferred = fake.callbacks[-1]
    assert deferred["type"] == 5 and deferred["after_s"] < 3
    await _discord_settled(fake)
    previous = fake.to(CHANNEL_ID)[before:]
    assert previous[0].embeds[0]["title"] == "Mistral AI 每日動態 - 2026-11-20"
    assert [b["label"] for b in previous[-1].buttons] == ["資料來源", "詢問這份摘要", "前一天"]
