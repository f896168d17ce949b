"""The fake Discord REST API in its own process, for benchmarks (so it does not share the
bot's interpreter): ``python -m bench.fake_discord CHANNELS`` prints its URL and serves
until stdin closes; ``POST /_stats`` returns its counters. Real limits: 50 requests/s,
5 messages per 5 s per channel (tests/fakes/discord.py)."""

from __future__ import annotations

import asyncio
import sys

from tests.fakes.discord import FakeDiscord


async def serve(channels: int) -> None:
    fake = FakeDiscord()
    fake.open_channels = range(50_000, 50_000 + channels)
    await fake.start()
    print(fake.url, flush=True)
    await asyncio.to_thread(sys.stdin.read)
    await fake.close()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
