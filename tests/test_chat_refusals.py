"""A question the Q&A engine refuses is refused in the chat's language, through the real
chat flow (the terminal's, which every platform shares): a zh-TW chat never reads the
engine's English reasons."""

from __future__ import annotations

import io
import re

from adapters.terminal import CHAT_ID, PLATFORM, TerminalChat
from bot.chat import Inbound
from bot.commands import Commands
from bot.qa.service import MAX_QUESTION_CHARS
from storage import delivery as store

pytest_plugins = ["tests.delivery_fixtures"]

LATIN = re.compile(r"[A-Za-z]{3,}")


async def _session(commands: Commands, *lines: str) -> tuple[TerminalChat, io.StringIO]:
    stdout = io.StringIO()
    chat = TerminalChat(commands, io.StringIO("".join(f"{line}\n" for line in lines)), stdout)
    async with chat:
        await chat.closed()
    return chat, stdout


def _replies(stdout: io.StringIO) -> list[str]:
    """The replies printed after the greeting, one per blank-line-ended block."""
    body = stdout.getvalue().split("\n", 1)[1]
    return [block.strip() for block in body.split("\n\n") if block.strip()]


async def test_a_too_long_question_is_refused_in_chinese_in_a_zh_tw_chat(
    commands: Commands,
) -> None:
    question = "新加坡辦公室" * (MAX_QUESTION_CHARS // 6 + 1)
    _, stdout = await _session(commands, f"ask {question}")
    (reply,) = _replies(stdout)
    assert reply == f"抱歉，問題超過 {MAX_QUESTION_CHARS} 個字元。"
    assert not LATIN.search(reply)


async def test_the_same_refusal_is_english_once_the_chat_speaks_english(
    commands: Commands,
) -> None:
    question = "why " * (MAX_QUESTION_CHARS // 4 + 1)
    _, stdout = await _session(commands, "subscribe en", f"ask {question}")
    assert _replies(stdout)[-1] == (
        f"Sorry, the question is longer than {MAX_QUESTION_CHARS} characters."
    )


async def test_a_question_about_a_digest_no_longer_stored_is_refused_in_chinese(
    commands: Commands,
) -> None:
    db = commands.db
    _, stdout = await _session(commands, "digest mistral 2026-11-21")
    digest_id = store.latest_digest_for_chat(db, PLATFORM, CHAT_ID)
    assert digest_id is not None
    message_id = next(
        row["message_id"]
        for row in db.query(
            "select message_id from message_digests where digest_id = ?", [digest_id]
        )
    )
    # Gone from the archive (pruned, say), while the chat still shows the message.
    db.execute("pragma foreign_keys = off")
    db.execute("delete from digests where id = ?", [digest_id])
    chat = TerminalChat(commands, io.StringIO(), stdout)
    before = len(_replies(stdout))
    await chat.flow.answer(Inbound(CHAT_ID, "新加坡辦公室有多少員工？", replying_to=message_id))
    (reply,) = _replies(stdout)[before:]
    assert reply == "抱歉，這份摘要已不再保存。"
