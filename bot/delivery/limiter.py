"""One sender pace per platform: overall, per chat, and per group.

Overall: at most ``per_second`` messages in any one-second window, at most twice the steady
pace for a moment, so time lost to a slow moment is made up without ever breaking the limit
(a platform's token bucket of one second's worth takes any sequence that a one-second
window does, with half a second of network jitter to spare). Per chat: one message every
``1 / per_chat_per_second`` seconds. Per group: at most ``group_per_minute`` in any minute.

Slots are handed out one at a time as they come due, and a chat already in the middle of a
reply (the second part of a digest, say) is served before a chat waiting for its first
part: the parts of one digest arrive close together, and a fan-out with many deliveries in
flight fills every slot without spreading each digest out. A chat's next message is
counted from when the platform *answered* the previous one (:meth:`sent`), not from when it
was sent: the platform counts arrivals, and an arrival can be late, never early, against
its answer. ``pause`` (a 429's ``retry_after``) stops every sender of the platform until it
has passed.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable

from bot.delivery.platform import Limits

GROUP_WINDOW_S = 60.0
WINDOW_S = 1.0
CONTINUING, FIRST = 0, 1
"""Priorities: a part after the first of one reply, then everything else."""


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
        self._held: dict[str, asyncio.Future[None]] = {}
        self._paused_until = 0.0
        self._waiting: list[tuple[int, int, asyncio.Future[float]]] = []
        self._order = itertools.count()
        self._pump: asyncio.Task[None] | None = None
        self.pauses = 0
        self.granted = 0

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

    async def acquire(self, chat_id: str, *, group: bool = False, continuing: bool = False) -> None:
        """Wait until one more message to ``chat_id`` is within every limit.

        ``continuing``: the message is a later part of a reply whose first part went out,
        so it goes before any chat's first part.
        """
        while True:
            held = self._held.get(chat_id)
            if held is not None:
                await asyncio.shield(held)
                continue
            now = self._clock()
            ready = self._chat_next.get(chat_id, 0.0)
            if group:
                ready = max(ready, self._group_ready(chat_id, now))
            if ready <= now:
                break
            await self._sleep(ready - now)
        # Hold the chat while we wait for an overall slot, so a second sender to the same
        # chat waits behind us instead of taking the same per-chat allowance.
        held = self._held[chat_id] = asyncio.get_running_loop().create_future()
        try:
            slot = await self._overall_slot(CONTINUING if continuing else FIRST)
            self._chat_next[chat_id] = slot + self._chat_interval
        finally:
            del self._held[chat_id]
            held.set_result(None)
        if group and self.limits.group_per_minute > 0:
            self._group_slots.setdefault(chat_id, deque()).append(slot)

    def sent(self, chat_id: str) -> None:
        """The platform answered the message just sent to ``chat_id``: it arrived by now, so
        the chat's next message is counted from here (and its group minute too)."""
        now = self._clock()
        if self._chat_interval:
            self._chat_next[chat_id] = max(
                self._chat_next.get(chat_id, 0.0), now + self._chat_interval
            )
        slots = self._group_slots.get(chat_id)
        if slots:
            slots[-1] = max(slots[-1], now)

    async def _overall_slot(self, priority: int) -> float:
        if not self._per_window:
            await self._wait_for_pause()
            return self._clock()
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), future))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.ensure_future(self._hand_out())
        return await future

    async def _wait_for_pause(self) -> None:
        while self._paused_until > self._clock():
            await self._sleep(self._paused_until - self._clock())

    async def _hand_out(self) -> None:
        """Give each slot, as it comes due, to the best waiter (continuing parts first)."""
        while self._waiting:
            now = self._clock()
            slot = max(now, self._next_slot, self._paused_until)
            if len(self._recent) == self._per_window:
                slot = max(slot, self._recent[0] + WINDOW_S)  # the one-second window is full
            if slot > now:
                await self._sleep(slot - now)
                continue  # a pause may have come meanwhile: look again
            while self._waiting:
                _, _, future = heapq.heappop(self._waiting)
                if future.done():  # its sender was cancelled
                    continue
                self._next_slot = now + self._interval / 2
                self._recent.append(now)
                self.granted += 1
                future.set_result(now)
                break
            await asyncio.sleep(0)  # let the winner take its slot before the next one


class NoLimit(RateLimiter):
    """No pacing at all (benchmarks measure the bot's own throughput with it)."""

    def __init__(self) -> None:
        super().__init__(Limits(0, 0, 0))

    async def acquire(self, chat_id: str, *, group: bool = False, continuing: bool = False) -> None:
        await self._wait_for_pause()

    def sent(self, chat_id: str) -> None:
        return None
