"""Real digests of 1, 2 and 3 parts to many subscribed chats through the outbox, the real
platform libraries (python-telegram-bot, discord.py) and the fakes on 127.0.0.1, each in
its own process, enforcing the platforms' real limits:

- Telegram: 30 msg/s overall, 1 msg/s per chat, 20 msg/min per group (tests/fakes/telegram.py);
- Discord: 50 requests/s overall, 5 messages per 5 s per channel (tests/fakes/discord.py).

1. Limiter on, at those limits: the achieved rate as a share of the ceiling, and the 429s.
   Targets: at least 0.95, zero 429s. At 30 msg/s a full 10,000-chat 3-part run is 17 min,
   so each run is a bounded slice (``--seconds`` of sending, then it is stopped); the
   share is messages the fake accepted over the slice's wall time, start-up included.
2. Limiter off, Telegram fake unlimited: the bot's own cost (outbox writes included) as
   messages per second of this process's CPU, and as a multiple of 30 msg/s of wall time.

The digests are built by the real composer (``digest_reply``) from highlights of varied
length and rendered by each platform's own renderer; the part counts are the renderer's.

    .venv/bin/python -m bench.fanout [--chats 10000] [--seconds 60] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import discord
import sqlite_utils

from adapters.discord.platform import DiscordPlatform, use_endpoints
from adapters.discord.render import render as discord_render
from adapters.telegram.app import build_application
from adapters.telegram.platform import TelegramPlatform
from adapters.telegram.render import render as telegram_render
from bot.config import TelegramConfig
from bot.delivery.compose import digest_reply
from bot.delivery.fanout import Fanout
from bot.delivery.limiter import NoLimit, RateLimiter
from bot.delivery.platform import Limits, Part, Platform
from bot.delivery.sender import Sender
from bot.delivery.types import Reply
from bot.models import Digest, Highlight, SourceRef
from storage import delivery as store
from storage import digests as digest_store
from storage import open_database
from tests.fakes.discord import TOKEN as DISCORD_TOKEN
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN

TELEGRAM = Limits(per_second=30.0, per_chat_per_second=1.0, group_per_minute=20)
GROUP_SHARE = 0.05
"""Of Telegram chats, the share that are groups (20 messages a minute each)."""
DAY = date(2026, 11, 21)
WORDS = (  # noqa: SIM905 (a paragraph of words reads better than a list of strings)
    "regulators approved a revised plan after months of talks with operators while analysts "
    "warned that costs could rise next year the company reported quarterly revenue above "
    "forecasts and said it would expand its data centre in the north engineers published "
    "benchmark results showing faster inference on smaller hardware and the city council "
    "delayed its vote on the transit budget until residents could comment on the proposal"
).split()


def _prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _digest(highlights: int, rng: random.Random) -> Digest:
    stamp = datetime(2026, 11, 21, 6, tzinfo=UTC)
    return Digest(
        topic="bench",
        topic_name="Open models",
        date=DAY,
        language="en",
        mode="model",
        trend=None,
        highlights=tuple(
            Highlight(_prose(rng, 9)[:-1], _prose(rng, rng.randint(40, 90)), (n + 1,))
            for n in range(highlights)
        ),
        analysis=(),
        key_points=(),
        thoughts=(),
        sources=tuple(
            SourceRef(n + 1, _prose(rng, 8)[:-1], f"https://news{n}.example/2026/11/{n}", stamp, n)
            for n in range(highlights)
        ),
        summary="",
    )


def digest_of_parts(parts: int, render: Callable[[Reply], list[Part]]) -> Reply:
    """The smallest real digest the platform's renderer sends as ``parts`` messages (its
    sources list is always a message of its own: a one-part digest is one without it)."""
    for highlights in range(1, 80):
        reply = digest_reply(_digest(highlights, random.Random(highlights)), 1)
        if parts == 1:
            reply = replace(reply, sources=())
        if len(render(reply)) == parts:
            return reply
    raise SystemExit(f"no digest renders as {parts} parts")


def _database(path: Path, platform: str, chats: list[tuple[str, str]]) -> sqlite_utils.Database:
    db = open_database(path)
    stored = replace(_digest(1, random.Random(0)), highlights=(), sources=())
    digest_store.save_digest(db, stored, title="bench", markdown="", public_json={})
    with db.atomic():
        db.table("subscriptions").insert_all(
            {
                "platform": platform,
                "chat_id": chat,
                "chat_kind": kind,
                "topic": "bench",
                "time": "08:00",
                "timezone": "UTC",
                "language": "en",
                "include": "[]",
                "exclude": "[]",
                "active": 1,
            }
            for chat, kind in chats
        )
    return db


class FakeProcess:
    """A fake in its own process, so it does not share our interpreter's GIL."""

    def __init__(self, *module_and_args: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (our own fakes, by module name)
            [sys.executable, "-m", *module_and_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def stats(self) -> dict[str, int]:
        request = urllib.request.Request(f"{self.url}/_stats", b"")  # noqa: S310 (127.0.0.1)
        with urllib.request.urlopen(request) as reply:  # noqa: S310 (http://127.0.0.1 only)
            result: dict[str, int] = json.loads(reply.read())
        return result

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(10)


@dataclass
class Slice:
    messages: int
    rate_limited: int
    wall_s: float
    cpu_s: float
    finished: bool
    paused: int
    queued_s: float


async def _slice(
    fake: FakeProcess,
    db: sqlite_utils.Database,
    platform: Platform,
    limiter: RateLimiter,
    reply: Reply,
    seconds: float,
) -> Slice:
    """Fan ``reply`` out for at most ``seconds``; what the fake accepted meanwhile."""
    sender = Sender(platform, limiter)
    fanout = Fanout(db, [sender])
    subs = store.active_subscriptions(db)
    queued = time.perf_counter()
    store.enqueue(db, 1, subs)  # the outbox rows, written before the first send
    queued = time.perf_counter() - queued
    before = fake.stats()
    cpu, started = time.process_time(), time.perf_counter()
    task = asyncio.ensure_future(fanout.deliver(1, subs, lambda _: reply))
    done, _ = await asyncio.wait([task], timeout=seconds)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = await asyncio.to_thread(fake.stats)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return Slice(
        after["messages"] - before["messages"],
        after["rate_limited"] - before["rate_limited"],
        wall,
        cpu,
        bool(done),
        limiter.pauses,
        queued,
    )


def _chats(count: int, groups: bool) -> list[tuple[str, str]]:
    rng = random.Random(16)
    if not groups:
        return [(str(50_000 + n), "group") for n in range(count)]
    return [
        (str(-(10**12) - n), "group") if rng.random() < GROUP_SHARE else (str(10**6 + n), "private")
        for n in range(count)
    ]


async def telegram_slice(
    fake: FakeProcess, db_path: Path, chats: int, reply: Reply, seconds: float, limit: bool
) -> Slice:
    db = _database(db_path, "telegram", _chats(chats, groups=True))
    application = build_application(TelegramConfig(api_base_url=fake.url), TELEGRAM_TOKEN)
    await application.bot.initialize()
    try:
        limiter = RateLimiter(TELEGRAM) if limit else NoLimit()
        platform = TelegramPlatform(application.bot, limiter.limits)
        return await _slice(fake, db, platform, limiter, reply, seconds)
    finally:
        await application.bot.shutdown()


async def discord_slice(
    fake: FakeProcess, db_path: Path, chats: int, reply: Reply, seconds: float
) -> Slice:
    db = _database(db_path, "discord", _chats(chats, groups=False))
    use_endpoints(fake.url, "")
    client = discord.Client(intents=discord.Intents.none())
    await client.http.static_login(DISCORD_TOKEN)
    try:
        platform = DiscordPlatform(client)
        return await _slice(fake, db, platform, RateLimiter(platform.limits), reply, seconds)
    finally:
        await client.http.close()


def _line(label: str, ceiling: float, parts: int, chats: int, got: Slice) -> str:
    rate = got.messages / got.wall_s
    scope = "all chats" if got.finished else f"a {got.wall_s:.0f} s slice"
    return (
        f"  {label} {parts}-part digest, {chats} chats, {scope}: {got.messages} messages, "
        f"{rate:.1f} msg/s = {rate / ceiling:.3f} of {ceiling:.0f} msg/s (target >= 0.95); "
        f"429s {got.rate_limited} (target 0), pauses {got.paused}; this process's CPU "
        f"{got.cpu_s:.1f} s; outbox rows written first in {got.queued_s:.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60.0, help="each paced slice")
    parser.add_argument("--quick", action="store_true", help="15 s slices, 2,000 chats")
    args = parser.parse_args(argv)
    chats, seconds = (2000, 15.0) if args.quick else (args.chats, args.seconds)
    print(
        f"fan-out at the real limits: {chats} chats ({GROUP_SHARE:.0%} Telegram groups), "
        f"each paced run stopped after {seconds:.0f} s of sending "
        f"(timed from the first send; the outbox rows are written before) (a full 3-part run at 30 "
        f"msg/s takes {chats * 3 / 30 / 60:.0f} min); fakes in their own processes"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for parts in (1, 2, 3):
            reply = digest_of_parts(parts, telegram_render)
            fake = FakeProcess("tests.fakes.telegram", "30")
            try:
                got = asyncio.run(
                    telegram_slice(fake, folder / f"t{parts}.db", chats, reply, seconds, True)
                )
            finally:
                fake.close()
            print(_line("telegram", TELEGRAM.per_second, parts, chats, got), flush=True)
        for parts in (1, 2, 3):
            reply = digest_of_parts(parts, discord_render)
            fake = FakeProcess("bench.fake_discord", str(chats))
            try:
                got = asyncio.run(
                    discord_slice(fake, folder / f"d{parts}.db", chats, reply, seconds)
                )
            finally:
                fake.close()
            print(_line("discord ", 50.0, parts, chats, got), flush=True)
        reply = digest_of_parts(2, telegram_render)
        fake = FakeProcess("tests.fakes.telegram", "unlimited")
        try:
            got = asyncio.run(telegram_slice(fake, folder / "off.db", chats, reply, seconds, False))
        finally:
            fake.close()
        print(
            f"  limiter off (telegram fake unlimited), 2-part digest: {got.messages} messages "
            f"in {got.wall_s:.1f} s wall, {got.cpu_s:.1f} s of this process's CPU = "
            f"{got.messages / got.cpu_s:.0f} messages per CPU second; wall rate "
            f"{got.messages / got.wall_s / 30:.1f}x Telegram's 30 msg/s (fake on the same 2 cores)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
