"""A wall clock that a test moves, seen alike by digestbot's scheduler and apscheduler.

apscheduler reads ``datetime.now`` when it looks for due jobs and when it decides whether a
job is too late to run; :meth:`FakeClock.drive_apscheduler` points both at this clock. Its
timers still run on the event loop's monotonic clock, as on a real machine whose wall
clock jumps: this is what the scheduler's clock watch has to notice.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta, tzinfo

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.base import BaseScheduler


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.astimezone(UTC)

    def jump(self, delta: timedelta) -> None:
        self.now += delta

    def drive_apscheduler(self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = self

        class ClockedDatetime(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None) -> ClockedDatetime:
                moment = clock.now if tz is None else clock.now.astimezone(tz)
                if tz is None:
                    moment = moment.astimezone().replace(tzinfo=None)
                return cls.fromtimestamp(moment.timestamp(), moment.tzinfo)

        for module in (apscheduler.schedulers.base, apscheduler.executors.base):
            monkeypatch.setattr(module, "datetime", ClockedDatetime)


class JobEvents:
    """What apscheduler did with each job: ran it (when it was due), or found it too late."""

    def __init__(self, scheduler: BaseScheduler) -> None:
        self.ran: defaultdict[str, list[datetime]] = defaultdict(list)
        self.missed: defaultdict[str, list[datetime]] = defaultdict(list)
        self._changed: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        scheduler.add_listener(self._record, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)

    def _record(self, event: JobEvent) -> None:
        seen = self.missed if event.code == EVENT_JOB_MISSED else self.ran
        seen[event.job_id].append(event.scheduled_run_time.astimezone(UTC))
        self._changed[event.job_id].set()

    async def next(self, job_id: str) -> None:
        """Until ``job_id`` has run or been missed once more."""
        changed = self._changed[job_id]
        await asyncio.wait_for(changed.wait(), timeout=60)
        changed.clear()
