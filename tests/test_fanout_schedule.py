"""The delivery schedule at 50,000 subscriptions: loaded once at start, then a subscribe,
a settings change or an unsubscribe reads that one subscription's row and touches only its
old and new slot's job (counted in rows and SQL statements, not time)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.commands import ChatContext
from bot.delivery.prepare import DigestSource
from bot.scheduler import DeliveryScheduler
from tests.delivery_support import NOON

if TYPE_CHECKING:
    from tests.delivery_fixtures import TelegramStack

pytest_plugins = ["tests.delivery_fixtures"]

SUBSCRIBERS = 50_000
ZONES = ("UTC", "Europe/Paris", "Asia/Taipei", "America/New_York")


async def test_a_change_at_50000_subscriptions_reads_one_row(stack: TelegramStack) -> None:
    db = stack.commands.db
    db.table("subscriptions").insert_all(
        {
            "platform": "telegram",
            "chat_id": str(1_000_000 + n),
            "chat_kind": "private",
            "topic": "mistral",
            "time": f"{7 + n % 3:02d}:00",
            "timezone": ZONES[n % len(ZONES)],
            "language": "en",
            "include": "[]",
            "exclude": "[]",
            "active": 1,
        }
        for n in range(SUBSCRIBERS)
    )
    scheduler = DeliveryScheduler(
        db, stack.commands.config, stack.fanout, DigestSource(db), clock=lambda: NOON
    )
    stack.commands.on_change = scheduler.refresh
    scheduler.start()
    try:
        assert scheduler.rows_read == SUBSCRIBERS  # once, at start
        assert len(scheduler.job_ids()) == 3 * len(ZONES)
        chat = ChatContext("telegram", "77", "private")

        async def command(text: str) -> tuple[int, list[str]]:
            """Run a chat command; the rows and SQL of the scheduler's update after it."""
            before, seen = scheduler.rows_read, []

            def on_change(subscription_id: int) -> None:
                db.conn.set_trace_callback(seen.append)
                try:
                    scheduler.refresh(subscription_id)
                finally:
                    db.conn.set_trace_callback(None)

            stack.commands.on_change = on_change
            await stack.commands.handle_text(text, chat)
            return scheduler.rows_read - before, seen

        read, sql = await command("subscribe 21:05 Asia/Tokyo")
        assert read == 1
        (query,) = [s for s in sql if "subscriptions" in s]
        assert re.fullmatch(r"select \* from subscriptions where id = \d+", query)
        assert "deliver:mistral|21:05|Asia/Tokyo" in scheduler.job_ids()
        assert len(scheduler.job_ids()) == 3 * len(ZONES) + 1

        read, sql = await command("settings time 06:45")  # its slot moves
        assert read == 1 and len([s for s in sql if "subscriptions" in s]) == 1
        jobs = scheduler.job_ids()
        assert "deliver:mistral|21:05|Asia/Tokyo" not in jobs  # it was alone there
        assert "deliver:mistral|06:45|Asia/Tokyo" in jobs

        read, sql = await command("unsubscribe")
        assert read == 1 and len([s for s in sql if "subscriptions" in s]) == 1
        assert len(scheduler.job_ids()) == 3 * len(ZONES)
        assert scheduler.rows_read == SUBSCRIBERS + 3
    finally:
        scheduler.shutdown()
