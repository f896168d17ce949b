"""The wall clock jumping around a delivery slot: forward over it (suspend and resume, an
NTP step) delivers it once, late, within ``delivery.catch_up_hours``, and skips it when
later than that; backward never delivers it twice. apscheduler runs for real, reading a
fake wall clock while its timers run on the event loop's monotonic one, as on a machine
whose clock jumps: the scheduler's clock watch has to notice and wake it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from bot.delivery.prepare import DigestSource
from bot.scheduler import DeliveryScheduler
from storage import delivery as store
from tests.fakes.clock import FakeClock, JobEvents

if TYPE_CHECKING:
    from tests.delivery_fixtures import TelegramStack

pytest_plugins = ["tests.delivery_fixtures"]

SLOT = ("mistral", "08:00", "Asia/Taipei")
JOB = "deliver:mistral|08:00|Asia/Taipei"
FIRES = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)  # 08:00 in Taipei: the sample day's slot
NEXT_DAY = FIRES + timedelta(days=1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(FIRES - timedelta(minutes=10))  # 07:50 in Taipei
    fake.drive_apscheduler(monkeypatch)
    return fake


@pytest.fixture
def scheduler(stack: TelegramStack, clock: FakeClock) -> Iterator[DeliveryScheduler]:
    db = stack.commands.db
    store.subscribe(
        db,
        platform="telegram",
        chat_id="1",
        chat_kind="private",
        topic=SLOT[0],
        time=SLOT[1],
        timezone=SLOT[2],
        language="en",
    )
    made = DeliveryScheduler(
        db, stack.commands.config, stack.fanout, DigestSource(db, clock=clock), clock=clock
    )
    made.clock_check_s = 0.01
    yield made
    made.shutdown()


async def _started(scheduler: DeliveryScheduler) -> JobEvents:
    """Started, and apscheduler's first look for due jobs done: its timer is set."""
    scheduler.start()
    assert scheduler.scheduler is not None
    events = JobEvents(scheduler.scheduler)
    for _ in range(3):
        await asyncio.sleep(0)
    return events


def _next_run(scheduler: DeliveryScheduler) -> datetime:
    assert scheduler.scheduler is not None
    run: datetime = scheduler.scheduler.get_job(JOB).next_run_time
    return run.astimezone(UTC)


async def _jumps_noticed(caplog: pytest.LogCaptureFixture, count: int) -> None:
    for _ in range(3000):
        noticed = [r for r in caplog.records if "the wall clock jumped" in r.getMessage()]
        if len(noticed) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the clock watch never noticed the jump")


async def test_a_jump_forward_over_the_slot_delivers_it_once_late(
    stack: TelegramStack,
    scheduler: DeliveryScheduler,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    events = await _started(scheduler)
    assert _next_run(scheduler) == FIRES
    clock.jump(timedelta(hours=2))  # resumed at 09:50, 1 h 50 min after the slot

    await _jumps_noticed(caplog, 1)
    await events.next(JOB)
    assert events.ran[JOB] == [FIRES] and events.missed[JOB] == []
    assert stack.fake.to(1)[0].text.startswith("Mistral AI daily updates - 2026-11-21")
    assert store.count_by_status(stack.commands.db) == {"sent": 1}
    assert _next_run(scheduler) == NEXT_DAY  # once: the next run is tomorrow's

    clock.jump(timedelta(minutes=30))  # another jump on the same morning
    await _jumps_noticed(caplog, 2)
    assert _next_run(scheduler) == NEXT_DAY
    assert store.count_by_status(stack.commands.db) == {"sent": 1}


async def test_a_jump_forward_past_the_grace_skips_the_slot_and_keeps_the_schedule(
    stack: TelegramStack,
    scheduler: DeliveryScheduler,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    events = await _started(scheduler)
    clock.jump(timedelta(hours=6, minutes=40))  # 14:30: the slot is 6 h 30 min late

    await _jumps_noticed(caplog, 1)
    await events.next(JOB)
    assert events.missed[JOB] == [FIRES] and events.ran[JOB] == []
    assert stack.fake.to(1) == []
    assert store.count_by_status(stack.commands.db) == {}
    assert _next_run(scheduler) == NEXT_DAY


async def test_a_jump_back_after_the_slot_never_delivers_it_twice(
    stack: TelegramStack,
    scheduler: DeliveryScheduler,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    events = await _started(scheduler)
    assert scheduler.scheduler is not None
    clock.set(FIRES + timedelta(seconds=1))
    scheduler.scheduler.wakeup()  # the timer apscheduler set for 08:00
    await events.next(JOB)
    assert events.ran[JOB] == [FIRES]
    sent = len(stack.fake.to(1))
    assert sent >= 1

    clock.jump(-timedelta(hours=1))  # an NTP step back to 07:00:01
    await _jumps_noticed(caplog, 1)
    assert _next_run(scheduler) == NEXT_DAY  # not 08:00 today again
    clock.set(FIRES + timedelta(seconds=30))  # 08:00 comes round a second time
    await _jumps_noticed(caplog, 2)
    assert _next_run(scheduler) == NEXT_DAY and events.ran[JOB] == [FIRES]

    # Whatever runs the slot again (a restart's catch-up, the job added anew), the outbox
    # has the delivery: nothing goes out a second time.
    assert sum((await scheduler.catch_up()).values()) == 0
    assert sum((await scheduler.run_slot(SLOT)).values()) == 0
    assert len(stack.fake.to(1)) == sent
    assert store.count_by_status(stack.commands.db) == {"sent": 1}
