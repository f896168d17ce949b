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
from bot.errors import DeliveryError


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

    async def failed(self) -> DeliveryError:
        """Return once the adapter has failed for good while running (its token revoked,
        its connection closed for a reason that reconnecting cannot cure), with that error.
        Transient trouble (a dropped connection, a 5xx) is retried inside and never ends
        up here."""
        ...


class Lifecycle:
    """Idempotent ``start()``/``stop()`` (and ``async with``) around an adapter's
    ``_open()``/``_close()``. A failed ``_open`` must clean up after itself: the adapter
    stays stopped."""

    _running = False
    _lock: asyncio.Lock | None = None
    _failure: DeliveryError | None = None
    _failed: asyncio.Event | None = None

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

    def fail(self, error: DeliveryError) -> None:
        """Report a permanent failure found while running; the first one is kept."""
        if self._failure is None:
            self._failure = error
        self._failure_event().set()

    @property
    def failure(self) -> DeliveryError | None:
        return self._failure

    def _failure_event(self) -> asyncio.Event:
        if self._failed is None:
            self._failed = asyncio.Event()
        return self._failed

    async def failed(self) -> DeliveryError:
        await self._failure_event().wait()
        assert self._failure is not None
        return self._failure

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
