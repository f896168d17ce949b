"""The terminal chat has no buttons: a digest there lists its buttons (Sources, Ask about
this digest, Previous day) as the commands to type, and typing them does what the buttons
do."""

from __future__ import annotations

import io

from adapters.terminal import TerminalChat
from bot.commands import Commands

pytest_plugins = ["tests.delivery_fixtures"]


async def _session(commands: Commands, *lines: str) -> str:
    stdout = io.StringIO()
    chat = TerminalChat(commands, io.StringIO("".join(f"{line}\n" for line in lines)), stdout)
    async with chat:
        await chat.closed()
    return stdout.getvalue()


async def test_a_digest_lists_its_buttons_as_commands_in_the_chats_language(
    commands: Commands,
) -> None:
    out = await _session(commands, "digest mistral 2026-11-21")
    assert out.rstrip().splitlines()[-3:] == [
        "資料來源      → sources",
        "詢問這份摘要  → ask 問題",
        "前一天        → digest mistral 2026-11-20",
    ]


async def test_the_listed_commands_do_what_the_buttons_do(commands: Commands) -> None:
    out = await _session(commands, "subscribe en", "digest mistral 2026-11-21")
    actions = out.rstrip().splitlines()[-3:]
    assert actions == [
        "Sources                → sources",
        "Ask about this digest  → ask QUESTION",
        "Previous day           → digest mistral 2026-11-20",
    ]
    typed = [line.split("→ ", 1)[1] for line in actions]
    out = await _session(commands, typed[0], typed[2])
    assert "Sources of Mistral AI daily updates - 2026-11-21" in out
    assert "Mistral AI daily updates - 2026-11-20" in out
    assert "Previous day           → digest mistral 2026-11-19" in out
    # A reply that is no digest (an answer, a list) has no buttons and lists none.
    assert "→ sources" not in out.split("Mistral AI daily updates - 2026-11-20")[0]
