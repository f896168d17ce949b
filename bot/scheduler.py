"""Daily delivery on schedule: two apscheduler jobs per (topic, time, timezone) slot.

A slot firing finds the newest digest whose window has closed, builds it once per
(topic, date, language) and fans it out to the slot's subscriptions through the outbox.
``delivery.collect_ahead_minutes`` before it, the slot's other job collects that digest's
topic (and builds the digest when its window has closed by then), so the slot itself only
sends, or collects what was published since. If that job failed or did not run (the
service started just before the slot), the slot collects as it would without it.

Both fire at the instants :mod:`bot.window` defines for a wall-clock time (once a day,
DST changes included: cron fires twice in a fall-back fold). Jobs are rebuilt from the
subscriptions table (memory job store), so nothing is pickled: once at start, then one
subscription at a time as chats change theirs (:meth:`refresh` with its id reads that one
row and touches at most its old and its new slot's jobs).

Clock jumps: apscheduler sleeps on the event loop's monotonic clock, which does not see the
wall clock step forward (an NTP step) or a machine's suspend. A watch compares the two every
``CLOCK_CHECK_S`` and wakes apscheduler on a jump, so a slot jumped over is delivered once,
late, when it is less than ``delivery.catch_up_hours`` late (skipped and logged if later).
A jump backward never delivers a slot twice: its job's next run is already the next day,
and the outbox sends one digest to one subscription once. After downtime, ``catch_up``
runs every slot that fired within the grace period, with the same guarantee.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import sqlite_utils
from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config
from bot.delivery.compose import digest_reply
from bot.delivery.fanout import Fanout
from bot.delivery.prepare import DigestSource
from bot.delivery.timing import last_fire, latest_day
from bot.delivery.types import Reply, Subscription
from bot.errors import ConfigError
from bot.models import Digest
from bot.window import next_instant
from storage import delivery as store
from storage import digests as digest_store

log = logging.getLogger(__name__)

Slot = tuple[str, str, str]
"""(topic slug, ``HH:MM``, IANA timezone)."""


def _reply(digest: Digest, digest_id: int, sub: Subscription) -> Reply:
    return digest_reply(digest, digest_id, sub.include, sub.exclude)


RETRY_JOB = "retry-pending"
RETRY_EVERY_MINUTES = 10
CLOCK_CHECK_S = 30.0
"""How often the wall clock is compared with the monotonic one (bounds a jump's delay)."""
CLOCK_JUMP_S = 5.0
"""A wall clock this far off the monotonic one since the last check has jumped."""


def _job_id(slot: Slot) -> str:
    return "deliver:" + "|".join(slot)


def _collect_job_id(slot: Slot) -> str:
    return "collect:" + "|".join(slot)


_JUST = timedelta(microseconds=1)


def _wall_time(hh_mm: str) -> time:
    hour, minute = hh_mm.split(":")
    return time(int(hour), int(minute))


class DailyTrigger(BaseTrigger):  # type: ignore[misc]  # apscheduler ships no types
    """Fires ``lead`` before each daily ``at`` in ``timezone``, at the instant
    :func:`bot.window.local_instant` gives it: once a day, in a DST gap at the moment the
    clocks jump, in a fold at the first occurrence (the windows end at the same instants).
    A job added less than ``lead`` before a slot first fires for the next day's slot."""

    def __init__(self, at: time, timezone: str, lead: timedelta = timedelta(0)) -> None:
        self.at = at
        self.timezone = ZoneInfo(timezone)
        self.lead = lead

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        # The first firing at or after now, or the next one after the previous firing.
        after = now - _JUST if previous_fire_time is None else previous_fire_time
        return next_instant(self.at, self.timezone, after + self.lead) - self.lead

    def __str__(self) -> str:
        ahead = f", {self.lead} ahead" if self.lead else ""
        return f"daily at {self.at:%H:%M} {self.timezone}{ahead}"

    def __repr__(self) -> str:
        return f"<DailyTrigger ({self})>"


class DeliveryScheduler:
    def __init__(
        self,
        db: sqlite_utils.Database,
        config: Config,
        fanout: Fanout,
        source: DigestSource,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.config = config
        self.fanout = fanout
        self.source = source
        self.clock = clock
        self.scheduler: AsyncIOScheduler | None = None
        self.clock_check_s = CLOCK_CHECK_S
        self._watch: asyncio.Task[None] | None = None
        self._busy: set[asyncio.Task[object]] = set()
        self._slot_of: dict[int, Slot] | None = None
        """Subscription id -> its slot, for every deliverable subscription."""
        self._members: dict[Slot, set[int]] = {}
        self.rows_read = 0
        """Subscription rows read to keep the schedule (one per change, all at start)."""

    @property
    def grace(self) -> timedelta:
        """How late a slot may still be delivered (after downtime or a clock jump)."""
        return timedelta(hours=self.config.delivery.catch_up_hours)

    @property
    def lead(self) -> timedelta:
        """How long before its slot a topic is collected; zero: not ahead."""
        return timedelta(minutes=self.config.delivery.collect_ahead_minutes)

    def slots(self) -> set[Slot]:
        if self._slot_of is None:
            self._load()
        return set(self._members)

    def _deliverable(self, sub: Subscription) -> Slot | None:
        known = sub.topic in {t.slug for t in self.config.topics}
        if sub.active and known and sub.platform in self.fanout.senders:
            return (sub.topic, sub.time, sub.timezone)
        return None

    def _load(self) -> None:
        self._slot_of, self._members = {}, {}
        if not self.fanout.senders:
            return  # no adapter is configured: nothing can be delivered
        for sub in store.active_subscriptions(self.db, platforms=self.fanout.senders):
            self.rows_read += 1
            self._place(sub.id, self._deliverable(sub))

    def _place(self, subscription_id: int, slot: Slot | None) -> Slot | None:
        """Move one subscription to ``slot`` (None: nowhere); returns the slot it left."""
        assert self._slot_of is not None
        old = self._slot_of.pop(subscription_id, None)
        if old is not None:
            members = self._members[old]
            members.discard(subscription_id)
            if not members:
                del self._members[old]
        if slot is not None:
            self._slot_of[subscription_id] = slot
            self._members.setdefault(slot, set()).add(subscription_id)
        return old

    def start(self) -> None:
        """Start apscheduler (inside the running event loop) with a job per slot."""
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.refresh()
        self.scheduler.add_job(
            self.retry_pending,
            IntervalTrigger(minutes=RETRY_EVERY_MINUTES),
            id=RETRY_JOB,
            coalesce=True,
            max_instances=1,
        )
        self.scheduler.start()
        loop = asyncio.get_running_loop()
        # The clocks are read now: a jump before the watch's first turn counts too.
        self._watch = loop.create_task(self._watch_clock(self.clock(), loop.time()))

    def shutdown(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def _watch_clock(self, wall: datetime, steady: float) -> None:
        """Wake apscheduler when the wall clock jumps (see the module's docstring)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.clock_check_s)
            now, now_steady = self.clock(), loop.time()
            jump = (now - wall).total_seconds() - (now_steady - steady)
            wall, steady = now, now_steady
            if abs(jump) < CLOCK_JUMP_S:
                continue
            log.warning(
                "the wall clock jumped %s by %.0f s (suspend and resume, or a clock step): "
                "looking again for due deliveries",
                "forward" if jump > 0 else "back",
                abs(jump),
            )
            if self.scheduler is not None and self.scheduler.running:
                self.scheduler.wakeup()

    async def stop(self, timeout_s: float) -> None:
        """Stop firing and cancel the slots and retries under way, waiting up to
        ``timeout_s`` for them to wind down (an unsent delivery goes back to ``pending``)."""
        self.shutdown()
        busy = [task for task in self._busy if not task.done()]
        for task in busy:
            task.cancel()
        if busy:
            await asyncio.wait(busy, timeout=timeout_s)

    def _working(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)
            task.add_done_callback(self._busy.discard)

    def refresh(self, subscription_id: int | None = None) -> None:
        """Make the jobs match the subscriptions: all of them, or after a change to one
        (subscribe, unsubscribe, settings), only that one's row and slots."""
        if subscription_id is not None and self._slot_of is None:
            return  # not loaded yet: start() (or the first slots()) reads it with the rest
        if subscription_id is not None and self._slot_of is not None:
            self.rows_read += 1
            sub = store.find_subscription_by_id(self.db, subscription_id)
            slot = self._deliverable(sub) if sub is not None else None
            old = self._place(subscription_id, slot)
            for touched in {old, slot} - {None}:
                assert touched is not None
                self._sync(touched)
            return
        self._load()
        if self.scheduler is None:
            return
        wanted = {_job_id(slot) for slot in self._members}
        wanted |= {_collect_job_id(slot) for slot in self._members}
        for job in self.scheduler.get_jobs():
            if job.id not in wanted and job.id != RETRY_JOB:
                job.remove()
        for slot in self._members:
            self._sync(slot)

    def _sync(self, slot: Slot) -> None:
        """Make the slot's jobs match: there with the configured grace and lead while it
        has subscribers, gone when it has none."""
        if self.scheduler is None:
            return
        _, hh_mm, timezone = slot
        wanted: dict[str, tuple[Callable[[Slot], object], timedelta, timedelta]] = {}
        if slot in self._members:
            wanted[_job_id(slot)] = (self.run_slot, timedelta(0), self.grace)
            if self.lead:
                # Later than its lead, the slot has fired and collected for itself.
                wanted[_collect_job_id(slot)] = (self.collect_ahead, self.lead, self.lead)
        for job_id in (_job_id(slot), _collect_job_id(slot)):
            job = self.scheduler.get_job(job_id)
            if job_id not in wanted:
                if job is not None:
                    job.remove()
                continue
            run, lead, grace = wanted[job_id]
            if job is not None and _same_timing(job, lead, grace):
                continue  # untouched: its next run stays as computed
            self.scheduler.add_job(
                run,
                DailyTrigger(_wall_time(hh_mm), timezone, lead),
                args=[slot],
                id=job_id,
                replace_existing=True,
                misfire_grace_time=max(1, int(grace.total_seconds())),
                coalesce=True,
                max_instances=1,
            )

    def job_ids(self) -> list[str]:
        """The delivery slots' jobs (the retry job is always there too)."""
        return self._ids("deliver:")

    def collect_job_ids(self) -> list[str]:
        """The jobs collecting ahead of the slots (none with ``collect_ahead_minutes = 0``)."""
        return self._ids("collect:")

    def _ids(self, prefix: str) -> list[str]:
        if self.scheduler is None:
            return []
        return sorted(job.id for job in self.scheduler.get_jobs() if job.id.startswith(prefix))

    async def retry_pending(self) -> Counter[str]:
        """Send deliveries still ``pending`` (the platform was down) within the grace period."""
        self._working()
        counts: Counter[str] = Counter()
        try:
            for digest_id in store.digests_with_pending(self.db, self.clock() - self.grace):
                stored = digest_store.stored_digest(self.db, digest_id)
                if stored is None:
                    continue
                waiting = {
                    d.subscription_id
                    for d in store.deliveries_for(self.db, digest_id, status="pending")
                }
                subs = [
                    s
                    for s in store.active_subscriptions(self.db, platforms=self.fanout.senders)
                    if s.id in waiting  # only those this digest was meant for
                ]
                reply = partial(_reply, stored.digest, digest_id)
                counts.update(await self.fanout.deliver(digest_id, subs, reply))
        except Exception:
            log.exception("retrying pending deliveries failed")
        return counts

    async def catch_up(self) -> Counter[str]:
        """Run every slot whose last firing is within the grace period (never twice)."""
        now = self.clock()
        counts: Counter[str] = Counter()
        for slot in sorted(self.slots()):
            fired = last_fire(slot[1], slot[2], now)
            if now - fired <= self.grace:
                counts.update(await self.run_slot(slot, fired))
        return counts

    async def run_slot(self, slot: Slot, fired: datetime | None = None) -> Counter[str]:
        """Deliver the due digest to the slot's subscriptions. Never raises (but stops
        when cancelled)."""
        self._working()
        try:
            return await self._run_slot(slot, fired or last_fire(slot[1], slot[2], self.clock()))
        except Exception:
            log.exception("delivery slot %s failed", slot)
            return Counter()

    async def collect_ahead(self, slot: Slot) -> None:
        """Before the slot fires: collect its topic for the digest it will send, and build
        that digest if its window has closed by now. Never raises (but stops when
        cancelled); on a failure the slot collects when it fires."""
        self._working()
        slug, hh_mm, timezone = slot
        try:
            topic = self.config.topic(slug)
        except ConfigError:
            return  # the slot says so when it fires
        try:
            due = next_instant(_wall_time(hh_mm), ZoneInfo(timezone), self.clock())
            day = latest_day(topic, due)
            subs = store.slot_subscriptions(self.db, slug, hh_mm, timezone, self.fanout.senders)
            if not subs:
                return
            await self.source.prepare(topic, day, {s.language for s in subs})
            log.info("slot %s: %s %s prepared ahead", slot, slug, day)
        except Exception:
            log.exception("collecting ahead of slot %s failed; it collects when it fires", slot)

    async def _run_slot(self, slot: Slot, fired: datetime) -> Counter[str]:
        slug, hh_mm, timezone = slot
        try:
            topic = self.config.topic(slug)
        except ConfigError:
            log.warning("subscriptions to unknown topic %s are skipped", slug)
            return Counter()
        day = latest_day(topic, fired)
        subs = store.slot_subscriptions(self.db, slug, hh_mm, timezone, self.fanout.senders)
        counts: Counter[str] = Counter()
        for language in sorted({s.language for s in subs}):
            digest_id = await self.source(topic, day, language)
            stored = digest_store.stored_digest(self.db, digest_id)
            if stored is None:
                continue
            chosen = [s for s in subs if s.language == language]
            reply = partial(_reply, stored.digest, digest_id)
            counts.update(await self.fanout.deliver(digest_id, chosen, reply))
        log.info("slot %s (%s): %s", slot, day, dict(counts) or "nothing to send")
        return counts


def _same_timing(job: Job, lead: timedelta, grace: timedelta) -> bool:
    trigger = job.trigger
    return (
        isinstance(trigger, DailyTrigger)
        and trigger.lead == lead
        and job.misfire_grace_time == max(1, int(grace.total_seconds()))
    )
