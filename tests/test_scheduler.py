"""The delivery scheduler: slots from subscriptions, catch-up within the grace period, never
twice; one digest built per (topic, date, language). Real Telegram stack against the fake."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.commands import ChatContext
from bot.delivery.prepare import DigestSource
from bot.scheduler import DeliveryScheduler
from storage import delivery as store
from storage.db import count_rows
from tests.delivery_support import NOON

if TYPE_CHECKING:
    from tests.delivery_fixtures import TelegramStack

pytest_plugins = ["tests.delivery_fixtures"]


def _sub(stack: TelegramStack, chat: int, time: str, tz: str, lang: str) -> None:
    store.subscribe(
        stack.commands.db,
        platform="telegram",
        chat_id=str(chat),
        chat_kind="private",
        topic="mistral",
        time=time,
        timezone=tz,
        language=lang,
    )


def _scheduler(stack: TelegramStack) -> DeliveryScheduler:
    db = stack.commands.db
    return DeliveryScheduler(
        db, stack.commands.config, stack.fanout, DigestSource(db), clock=lambda: NOON
    )


async def test_catch_up_sends_missed_slots_in_grace_once_and_skips_older(
    stack: TelegramStack,
) -> None:
    fake, db = stack.fake, stack.commands.db
    _sub(stack, 1, "11:30", "UTC", "en")  # fired 30 minutes before NOON: caught up
    _sub(stack, 2, "12:15", "Europe/Paris", "zh-TW")  # 11:15 UTC: caught up, in zh-TW
    _sub(stack, 3, "19:45", "Asia/Taipei", "en")  # 11:45 UTC: caught up, same en digest
    _sub(stack, 4, "08:00", "Asia/Taipei", "en")  # 00:00 UTC: 12 h ago, past the 6 h grace
    scheduler = _scheduler(stack)

    counts = await scheduler.catch_up()

    assert counts == {"sent": 3}
    assert fake.to(1)[0].text.startswith("Mistral AI daily updates - 2026-11-21")
    assert fake.to(2)[0].text.startswith("Mistral AI 每日動態 - 2026-11-21")
    assert fake.to(3)[0].text == fake.to(1)[0].text
    assert fake.to(4) == []
    # One digest per (topic, date, language), however many slots asked for it.
    assert count_rows(db, "digests") == 2

    again = await scheduler.catch_up()  # a restart within the grace period
    assert sum(again.values()) == 0
    assert [len(fake.to(chat)) for chat in (1, 2, 3)] == [2, 2, 2]


async def test_jobs_follow_subscriptions(stack: TelegramStack) -> None:
    _sub(stack, 1, "07:30", "Europe/Paris", "en")
    scheduler = _scheduler(stack)
    stack.commands.on_change = scheduler.refresh
    scheduler.start()
    try:
        assert scheduler.job_ids() == ["deliver:mistral|07:30|Europe/Paris"]
        assert scheduler.scheduler is not None
        job = scheduler.scheduler.get_job("deliver:mistral|07:30|Europe/Paris")
        local = job.next_run_time.astimezone(job.trigger.timezone)
        assert (local.hour, local.minute, str(job.trigger.timezone)) == (7, 30, "Europe/Paris")
        assert job.misfire_grace_time == 6 * 3600
        # Its topic is collected 30 minutes ahead (delivery.collect_ahead_minutes).
        assert scheduler.collect_job_ids() == ["collect:mistral|07:30|Europe/Paris"]
        ahead = scheduler.scheduler.get_job("collect:mistral|07:30|Europe/Paris")
        assert job.next_run_time - ahead.next_run_time == timedelta(minutes=30)

        chat = ChatContext("telegram", "77", "private")
        await stack.commands.handle_text("subscribe 21:05 Asia/Tokyo", chat)
        assert scheduler.job_ids() == [
            "deliver:mistral|07:30|Europe/Paris",
            "deliver:mistral|21:05|Asia/Tokyo",
        ]
        await stack.commands.handle_text("unsubscribe", chat)
        assert scheduler.job_ids() == ["deliver:mistral|07:30|Europe/Paris"]
        assert scheduler.collect_job_ids() == ["collect:mistral|07:30|Europe/Paris"]

        # When the job fires (made due now), apscheduler runs the delivery.
        job.modify(next_run_time=datetime.now(UTC))
        await asyncio.to_thread(stack.fake.wait_for, lambda: len(stack.fake.to(1)) >= 2)
        assert stack.fake.to(1)[0].text.startswith("Mistral AI daily updates - 2026-11-21")
    finally:
        scheduler.shutdown()


async def test_deliveries_not_sent_while_the_api_was_down_are_retried_later(
    stack: TelegramStack,
) -> None:
    fake, db = stack.fake, stack.commands.db
    _sub(stack, 21, "11:30", "UTC", "en")
    _sub(stack, 22, "11:30", "UTC", "zh-TW")  # another digest: never sent the en one
    fake.fail_5xx[21] = 50  # the Bot API answers 502 for this chat, again and again
    scheduler = _scheduler(stack)
    counts = await scheduler.catch_up()
    assert counts == {"pending": 1, "sent": 1}
    assert fake.to(21) == []
    fake.fail_5xx.clear()  # the API is back
    retried = await scheduler.retry_pending()
    assert retried == {"sent": 1}
    assert len(fake.to(21)) == 2 and len(fake.to(22)) == 2
    assert fake.to(21)[0].text.startswith("Mistral AI daily updates")
    assert sum((await scheduler.retry_pending()).values()) == 0
    assert store.count_by_status(db) == {"sent": 2}
