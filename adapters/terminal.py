"""``digestbot chat``: the chat commands in a terminal, no token needed.

The same command layer as Telegram and Discord; replies are printed as plain text.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.commands import ChatContext, Commands
from bot.delivery.types import Sent

PLATFORM = "terminal"
GREETING = "digestbot chat: the same commands as on Telegram. 'help' lists them; 'quit' ends."


async def chat_loop(commands: Commands, stdin: TextIO, stdout: TextIO) -> None:
    chat = ChatContext(platform=PLATFORM, chat_id="local", chat_kind="private")
    interactive = stdin.isatty()
    print(GREETING, file=stdout)
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            break
        text = line.strip()
        if not text:
            continue
        if text.lower() in ("quit", "exit", "/quit", "/exit"):
            break
        reply = await commands.handle_text(text, chat)
        print(reply.plain(), file=stdout)
        print(file=stdout, flush=True)
        commands.remember(chat, reply, Sent((str(time.time_ns()),)))


def run_chat(commands: Commands, *, on_exit: Callable[[], Awaitable[None]] | None = None) -> None:
    """The REPL on stdin/stdout; ``on_exit`` runs in the same event loop when it ends."""

    async def session() -> None:
        try:
            await chat_loop(commands, sys.stdin, sys.stdout)
        finally:
            if on_exit is not None:
                await on_exit()

    asyncio.run(session())
