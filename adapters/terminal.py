"""``digestbot chat``: the chat commands in a terminal, no token needed.

A :class:`~bot.chat.ChatAdapter` like Telegram and Discord: each line goes through the same
chat flow, and the reply through a paced sender whose platform prints it as plain text.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TextIO

from rich.cells import cell_len

from bot.chat import ChatFlow, Inbound, Lifecycle
from bot.commands import Commands
from bot.delivery.limiter import RateLimiter
from bot.delivery.platform import Limits, Part
from bot.delivery.sender import Sender
from bot.delivery.types import Reply

PLATFORM = "terminal"
CHAT_ID = "local"
GREETING = "digestbot chat: the same commands as on Telegram. 'help' lists them; 'quit' ends."
_QUIT = ("quit", "exit", "/quit", "/exit")


class TerminalPlatform:
    """Prints each reply whole, as plain text: a terminal has no markup and no length limit,
    and no buttons (a digest lists its buttons as the commands to type instead)."""

    name = PLATFORM
    limits = Limits(per_second=0, per_chat_per_second=0, group_per_minute=0)

    def __init__(self, stdout: TextIO) -> None:
        self.stdout = stdout

    def render(self, reply: Reply) -> list[Part]:
        text = reply.plain()
        if reply.actions:
            # No buttons here: each one's label, then the command that does the same, in
            # one column (a CJK character takes two cells).
            width = max(cell_len(action.label) for action in reply.actions)
            text += "\n\n" + "\n".join(
                f"{action.label}{' ' * (width - cell_len(action.label))}  → {action.command}"
                for action in reply.actions
            )
        return [Part(text, text)]

    async def send_part(self, chat_id: str, part: Part, *, markup: bool = True) -> str:
        print(part.text if markup else part.fallback, file=self.stdout)
        print(file=self.stdout, flush=True)
        # Unique across sessions: replying to a remembered message is looked up by its id.
        return str(time.time_ns())

    async def identity(self) -> str:
        return PLATFORM


class TerminalChat(Lifecycle):
    """Reads commands from ``stdin`` until it ends or says 'quit' (see :meth:`closed`)."""

    name = PLATFORM

    def __init__(self, commands: Commands, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.platform = TerminalPlatform(stdout)
        self.sender = Sender(self.platform, RateLimiter(self.platform.limits))
        self.flow = ChatFlow(commands, self.sender)
        self._session: asyncio.Task[None] | None = None

    async def _open(self) -> None:
        self.flow.open()
        print(GREETING, file=self.stdout)
        self._session = asyncio.create_task(self._read())

    async def _close(self) -> None:
        if self._session is not None and not self._session.done():
            self._session.cancel()
            await asyncio.wait([self._session])
        await self.flow.close(finish=False)  # the one at the keyboard is leaving

    async def closed(self) -> None:
        """Wait until the session ends: end of input, 'quit', or :meth:`stop`."""
        if self._session is not None:
            await asyncio.wait([self._session])

    async def _read(self) -> None:
        interactive = self.stdin is sys.stdin and self.stdin.isatty()
        if interactive:
            _line_editing()
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                try:
                    # input() edits the line and recalls history once readline is loaded.
                    line = await loop.run_in_executor(None, input, "> ") + "\n"
                except EOFError:
                    return
            else:
                line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                return
            text = line.strip()
            if not text:
                continue
            if text.lower() in _QUIT:
                return
            await self.flow.submit(Inbound(CHAT_ID, text))  # in order, like every chat


def _line_editing() -> None:
    """Arrow keys, Ctrl-R and history for the prompt, where the platform has GNU readline
    or libedit (not on Windows: there the line is read as it is typed)."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (loading it is what turns editing on for input())


def run_chat(commands: Commands, *, on_exit: Callable[[], Awaitable[None]] | None = None) -> None:
    """The REPL on stdin/stdout; ``on_exit`` runs in the same event loop when it ends."""

    async def session() -> None:
        try:
            async with TerminalChat(commands, sys.stdin, sys.stdout) as chat:
                await chat.closed()
        finally:
            if on_exit is not None:
                await on_exit()

    asyncio.run(session())
