"""One sender pace per platform: overall, per chat, and per group.

Overall: at most ``per_second`` messages in any one-second window, at most twice the steady
pace for a moment (a token bucket of one second, drained at no more than 2x), so time lost
to a slow moment is made up without ever breaking the limit. Per chat: one message every
``1 / per_chat_per_second`` seconds. Per group: at most ``group_per_minute`` in any minute.
Each ``acquire`` reserves the next free slot before it waits, so concurrent senders never
exceed a limit and a slow chat never holds up the others. ``pause`` (a 429's
``retry_after``) stops every sender of the platform until it has passed.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

from bot.delivery.platform import Limits

GROUP_WINDOW_S = 60.0


class RateLimiter:
    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._sleep = sleep
        self._interval = 1.0 / limits.per_second if limits.per_second > 0 else 0.0
        self._chat_interval = (
            1.0 / limits.per_chat_per_second if limits.per_chat_per_second > 0 else 0.0
        )
        self._next_slot = 0.0
        self._per_window = max(1, int(limits.per_second)) if limits.per_second > 0 else 0
        self._recent: deque[float] = deque(maxlen=self._per_window or 1)
        self._chat_next: dict[str, float] = {}
        self._group_slots: dict[str, deque[float]] = {}
        self._paused_until = 0.0
        self.pauses = 0

    def pause(self, seconds: float) -> None:
        """Stop every send until ``seconds`` from now (a 429's ``retry_after``)."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._next_slot = max(self._next_slot, self._paused_until)
        self._recent.clear()

    def _group_ready(self, chat_id: str, now: float) -> float:
        per_minute = int(self.limits.group_per_minute)
        slots = self._group_slots.get(chat_id)
        if per_minute <= 0 or slots is None:
            return 0.0
        while slots and slots[0] <= now - GROUP_WINDOW_S:
            slots.popleft()
        return slots[0] + GROUP_WINDOW_S if len(slots) >= per_minute else 0.0

    async def acquire(self, chat_id: str, *, group: bool = False) -> None:
        """Wait until one more message to ``chat_id`` is within every limit."""
        while True:
            now = self._clock()
            ready = max(self._paused_until, self._chat_next.get(chat_id, 0.0))
            if group:
                ready = max(ready, self._group_ready(chat_id, now))
            if ready > now:
                await self._sleep(ready - now)
                continue
            # Reserve the slot before any await, so no other sender can take it.
            slot = max(now, self._next_slot)
            if self._per_window and len(self._recent) == self._per_window:
                slot = max(slot, self._recent[0] + 1.0)  # the one-second window is full
            self._next_slot = slot + self._interval / 2
            if self._per_window:
                self._recent.append(slot)
            if self._chat_interval:
                self._chat_next[chat_id] = slot + self._chat_interval
            if group and self.limits.group_per_minute > 0:
                self._group_slots.setdefault(chat_id, deque()).append(slot)
            if slot > now:
                await self._sleep(slot - now)
            if self._paused_until <= self._clock():
                return
            # A 429 arrived while we waited for the slot: queue again behind the pause.


class NoLimit(RateLimiter):
    """No pacing at all (benchmarks measure the bot's own throughput with it)."""

    def __init__(self) -> None:
        super().__init__(Limits(0, 0, 0))

    async def acquire(self, chat_id: str, *, group: bool = False) -> None:
        while self._paused_until > self._clock():
            await self._sleep(self._paused_until - self._clock())
