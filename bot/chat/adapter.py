"""What ``digestbot run`` and ``digestbot chat`` need from a chat platform's adapter.

An adapter receives messages (Telegram polling, Discord's gateway, the terminal's stdin),
answers each through :class:`~bot.chat.flow.ChatFlow`, and hands its paced
:class:`~bot.delivery.sender.Sender` to the fan-out for scheduled digests.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Protocol, Self

from bot.delivery.sender import Sender


class ChatAdapter(Protocol):
    @property
    def name(self) -> str:
        """The platform's name, as stored with its subscriptions ("telegram", ...)."""
        ...

    @property
    def sender(self) -> Sender: ...

    async def start(self) -> None:
        """Connect and begin answering. Raises :class:`~bot.errors.DeliveryError` when the
        platform refuses us (a bad token); nothing is left open then. A second call while
        running does nothing."""
        ...

    async def stop(self) -> None:
        """Stop answering and close every connection. Safe to call twice, or before start."""
        ...


class Lifecycle:
    """Idempotent ``start()``/``stop()`` (and ``async with``) around an adapter's
    ``_open()``/``_close()``. A failed ``_open`` must clean up after itself: the adapter
    stays stopped."""

    _running = False
    _lock: asyncio.Lock | None = None

    @property
    def running(self) -> bool:
        return self._running

    def _guard(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def start(self) -> None:
        async with self._guard():
            if not self._running:
                await self._open()
                self._running = True

    async def stop(self) -> None:
        async with self._guard():
            if self._running:
                self._running = False
                await self._close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _open(self) -> None:
        raise NotImplementedError

    async def _close(self) -> None:
        raise NotImplementedError
