"""Fairness of the inbound chat flow: no chat or user keeps the bot from answering others.

Three parts, each platform-free so Telegram, Discord and the terminal share them:

- :class:`TokenBuckets`: each user's and each chat's commands a minute (``[chat]``
  ``commands_per_minute``, ``chat_commands_per_minute``), a burst of that many, then that
  pace;
- :class:`ChatQueues`: each chat's messages answered in order by at most one task per
  chat, at most ``queue_per_chat`` waiting; a message over either bound is dropped;
- :class:`Notices`: the polite reply to a dropped message goes out at most once per
  :data:`NOTICE_EVERY_S` in a chat, so a flood never turns into a flood of apologies.

Everything here is synchronous bookkeeping except the queues' workers, so an adapter's
update handler hands a message over and returns at once: python-telegram-bot's 256
concurrent updates and discord.py's event loop are never held by one chat's pace.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

NOTICE_EVERY_S = 60.0
"""At most one "slow down" reply per chat in this long."""
MAX_TRACKED = 4096
"""Past this many buckets (or notices), the ones that say nothing are forgotten."""

T = TypeVar("T")
Clock = Callable[[], float]


@dataclass
class TokenBucket:
    """``per_minute`` tokens at most, refilled evenly over a minute."""

    per_minute: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.per_minute, self.tokens + elapsed * self.per_minute / 60.0)
        self.stamp = now

    def resize(self, per_minute: float) -> None:
        """A reloaded configuration's pace; what was spent stays spent."""
        self.tokens = min(self.tokens, per_minute)
        self.per_minute = per_minute

    @property
    def full(self) -> bool:
        return self.tokens >= self.per_minute


class TokenBuckets:
    """One bucket per key ("user:7", "chat:-100"); a command takes one token from each of
    its keys, or from none when any of them is empty."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def admit(self, limits: dict[str, float]) -> bool:
        """Take a token from every bucket in ``limits`` (key -> per minute) if each has one."""
        now = self._clock()
        buckets = [self._bucket(key, per_minute, now) for key, per_minute in limits.items()]
        if any(bucket.tokens < 1.0 for bucket in buckets):
            return False
        for bucket in buckets:
            bucket.tokens -= 1.0
        if len(self._buckets) > MAX_TRACKED:
            self._forget_full()
        return True

    def _bucket(self, key: str, per_minute: float, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(per_minute, per_minute, now)
        bucket.refill(now)
        if bucket.per_minute != per_minute:
            bucket.resize(per_minute)
        return bucket

    def _forget_full(self) -> None:
        # A full bucket is what a new one would be: forgetting it changes nothing.
        now = self._clock()
        for key, bucket in list(self._buckets.items()):
            bucket.refill(now)
            if bucket.full:
                del self._buckets[key]


class Notices:
    """When each chat was last told to slow down."""

    def __init__(self, clock: Clock = time.monotonic, every_s: float = NOTICE_EVERY_S) -> None:
        self._clock = clock
        self.every_s = every_s
        self._last: dict[str, float] = {}

    def due(self, chat_id: str) -> bool:
        """Whether ``chat_id`` may be told now; if so, it counts as told."""
        now = self._clock()
        last = self._last.get(chat_id)
        if last is not None and now - last < self.every_s:
            return False
        if len(self._last) > MAX_TRACKED:
            self._last = {k: v for k, v in self._last.items() if now - v < self.every_s}
        self._last[chat_id] = now
        return True


class ChatQueues(Generic[T]):
    """Each chat's items, handled in order by one worker task per chat.

    A worker exists only while its chat has work: it ends when the queue is empty, so an
    idle chat costs nothing. ``handle`` must not raise (the chat flow's ``answer`` never
    does); if it does, the error is logged and the chat's next item is handled.
    """

    def __init__(self, handle: Callable[[T], Awaitable[None]]) -> None:
        self._handle = handle
        self._queues: dict[str, deque[T]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}

    def waiting(self, chat_id: str) -> int:
        """Items of ``chat_id`` not yet being handled."""
        return len(self._queues.get(chat_id, ()))

    @property
    def busy_chats(self) -> int:
        return len(self._workers)

    def put(self, chat_id: str, item: T, *, limit: int) -> bool:
        """Queue ``item`` behind ``chat_id``'s others; False (nothing queued) when ``limit``
        items wait already. An item for an idle chat is handled at once, waiting for none."""
        queue = self._queues.setdefault(chat_id, deque())
        if chat_id not in self._workers:
            self._workers[chat_id] = asyncio.create_task(
                self._drain(chat_id, item, queue), name=f"chat-queue:{chat_id}"
            )
            return True
        if len(queue) >= limit:
            return False
        queue.append(item)
        return True

    async def _drain(self, chat_id: str, item: T, queue: deque[T]) -> None:
        try:
            while True:
                try:
                    await self._handle(item)
                except Exception:
                    log.exception("chat %s: a queued message failed", chat_id)
                if not queue:
                    break
                item = queue.popleft()
        finally:
            self._workers.pop(chat_id, None)
            if not queue:
                self._queues.pop(chat_id, None)

    async def close(self, *, finish: bool = True) -> list[T]:
        """Stop: return the items that never started. With ``finish``, each worker ends the
        item it is handling first (cancelled only if ``close`` itself is: its deadline);
        without, those are cancelled at once."""
        left = [item for queue in self._queues.values() for item in queue]
        for queue in self._queues.values():
            queue.clear()  # each worker ends after the item it is handling
        workers = list(self._workers.values())
        try:
            if workers and finish:
                await asyncio.wait(workers)
        finally:
            for worker in workers:
                worker.cancel()
            if workers and not finish:
                await asyncio.wait(workers)
        return left
