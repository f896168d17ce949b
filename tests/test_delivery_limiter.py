"""The token-bucket pace, on a simulated clock: what the platform would see, message by
message (no real waiting, no timing assertions)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable

from bot.delivery.limiter import RateLimiter
from bot.delivery.platform import Limits


class SimClock:
    """Simulated time: ``sleep`` waits until the driver moves the clock past its wake-up."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._count = 0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._count += 1
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), self._count, future))
        await future

    async def run(self, *jobs: Awaitable[None]) -> None:
        tasks = [asyncio.ensure_future(job) for job in jobs]
        while not all(task.done() for task in tasks):
            for _ in range(5):
                await asyncio.sleep(0)
            if self._sleepers:
                wake, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, wake)
                future.set_result(None)
        await asyncio.gather(*tasks)


async def _send_times(
    limiter: RateLimiter, clock: SimClock, chats: list[tuple[str, bool]]
) -> list[float]:
    times: list[float] = []

    async def one(chat: str, group: bool) -> None:
        await limiter.acquire(chat, group=group)
        times.append(clock.now)

    await clock.run(*(one(chat, group) for chat, group in chats))
    return sorted(times)


def _max_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window - 1e-9) for start in times)


async def test_overall_pace_never_exceeds_30_per_second() -> None:
    clock = SimClock()
    limiter = RateLimiter(Limits(30, 1, 20), clock=clock, sleep=clock.sleep)
    times = await _send_times(limiter, clock, [(str(n), False) for n in range(300)])
    assert _max_in_window(times, 1.0) <= 30
    assert times[-1] < 10.1  # and it uses the whole allowance: 300 messages in ~10 s


async def test_one_chat_gets_one_per_second_and_a_group_20_per_minute() -> None:
    clock = SimClock()
    limiter = RateLimiter(Limits(30, 1, 20), clock=clock, sleep=clock.sleep)
    private = await _send_times(limiter, clock, [("a", False)] * 5)
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(private))
    clock.now = 1000.0
    group = await _send_times(limiter, clock, [("-g", True)] * 45)
    assert _max_in_window(group, 60.0) <= 20
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(group))


async def test_a_429_pauses_every_chat_for_retry_after() -> None:
    clock = SimClock()
    limiter = RateLimiter(Limits(30, 1, 20), clock=clock, sleep=clock.sleep)
    await clock.run(limiter.acquire("a"))
    limiter.pause(5)
    times = await _send_times(limiter, clock, [(c, False) for c in "bcdef"])
    assert min(times) >= 5.0
    assert _max_in_window(times, 1.0) <= 30
