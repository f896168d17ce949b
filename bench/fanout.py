"""One digest to many subscribed chats through the outbox, the real python-telegram-bot and
the fake Bot API on 127.0.0.1.

1. Limiter on, at a configured ceiling the fake also enforces (Telegram's 30 msg/s scaled up
   so the run stays short): the achieved rate as a fraction of the ceiling, and the 429s.
   Targets: at least 0.95, zero 429s.
2. Limiter off, fake unlimited: the bot's own throughput (outbox writes included) as a
   multiple of Telegram's 30 msg/s. Target: 20x.

    .venv/bin/python -m bench.fanout [--chats 10000] [--ceiling 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from adapters.telegram.app import build_application
from adapters.telegram.platform import TelegramPlatform
from bot.config import TelegramConfig
from bot.delivery.fanout import Fanout
from bot.delivery.limiter import NoLimit, RateLimiter
from bot.delivery.platform import Limits
from bot.delivery.sender import Sender
from bot.delivery.types import Reply
from bot.models import Digest
from storage import delivery as store
from storage import digests as digest_store
from storage import open_database
from tests.fakes.telegram import TOKEN

TELEGRAM_RATE = 30.0


def _database(path: Path, chats: int) -> tuple[object, int]:
    db = open_database(path)
    digest = Digest(
        topic="bench",
        topic_name="bench",
        date=date(2026, 11, 21),
        language="en",
        mode="extractive",
        trend=None,
        highlights=(),
        analysis=(),
        key_points=(),
        thoughts=(),
        sources=(),
        summary="",
    )
    digest_id = digest_store.save_digest(db, digest, title="bench", markdown="", public_json={})
    with db.atomic():
        db.table("subscriptions").insert_all(
            {
                "platform": "telegram",
                "chat_id": str(100_000 + n),
                "chat_kind": "private",
                "topic": "bench",
                "time": "08:00",
                "timezone": "UTC",
                "language": "en",
                "include": "[]",
                "exclude": "[]",
                "active": 1,
            }
            for n in range(chats)
        )
    return db, digest_id


class FakeProcess:
    """The fake Bot API in its own process, so it does not share our interpreter's GIL."""

    def __init__(self, rate: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (our own fake, by module name)
            [sys.executable, "-m", "tests.fakes.telegram", rate],
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


async def _run(url: str, db_path: Path, chats: int, limiter: RateLimiter, workers: int) -> float:
    db, digest_id = _database(db_path, chats)
    application = build_application(TelegramConfig(api_base_url=url), TOKEN, pool_size=workers + 8)
    await application.bot.initialize()
    try:
        platform = TelegramPlatform(application.bot, limiter.limits)
        fanout = Fanout(db, [Sender(platform, limiter)], workers=workers)
        reply = Reply.text("Today's digest: one short message per chat [1]")
        subs = store.active_subscriptions(db)  # type: ignore[arg-type]
        started = time.perf_counter()
        counts = await fanout.deliver(digest_id, subs, lambda _: reply)
        elapsed = time.perf_counter() - started
        print(f"  outbox: {fanout.outbox.writes} writes in {fanout.outbox.commits} commits")
    finally:
        await application.bot.shutdown()
    if counts != {"sent": chats}:
        raise SystemExit(f"fan-out incomplete: {dict(counts)}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--ceiling", type=float, default=300.0, help="msg/s for run 1")
    parser.add_argument("--workers", type=int, default=16, help="deliveries in flight")
    args = parser.parse_args(argv)
    chats, ceiling = args.chats, args.ceiling
    print(
        f"fan-out of one digest to {chats} chats, python-telegram-bot -> fake Bot API on 127.0.0.1"
    )
    with tempfile.TemporaryDirectory() as tmp:
        fake = FakeProcess(str(ceiling))
        try:
            limiter = RateLimiter(Limits(ceiling, 1.0, 20.0))
            elapsed = asyncio.run(_run(fake.url, Path(tmp) / "on.db", chats, limiter, args.workers))
            stats = fake.stats()
        finally:
            fake.close()
        rate = chats / elapsed
        print(
            f"limiter on  (ceiling {ceiling:.0f} msg/s = Telegram's 30 msg/s x "
            f"{ceiling / TELEGRAM_RATE:.1f}): {stats['messages']} sent in {elapsed:.1f} s = "
            f"{rate:.1f} msg/s = {rate / ceiling:.3f} of the ceiling (target >= 0.95); "
            f"429s: {stats['rate_limited']} (target 0)"
        )
        fake = FakeProcess("unlimited")
        try:
            elapsed = asyncio.run(
                _run(fake.url, Path(tmp) / "off.db", chats, NoLimit(), args.workers)
            )
            stats = fake.stats()
        finally:
            fake.close()
        rate = chats / elapsed
        print(
            f"limiter off (fake unlimited): {stats['messages']} sent in {elapsed:.1f} s = "
            f"{rate:.1f} msg/s = {rate / TELEGRAM_RATE:.1f}x Telegram's 30 msg/s "
            f"(target >= 20x); 429s: {stats['rate_limited']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
