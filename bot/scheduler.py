"""Daily delivery on schedule: one apscheduler job per (topic, time, timezone) slot.

A slot firing finds the newest digest whose window has closed, builds it once per
(topic, date, language) and fans it out to the slot's subscriptions through the outbox.
Jobs are rebuilt from the subscriptions table (memory job store), so nothing is pickled:
once at start, then one subscription at a time as chats change theirs (:meth:`refresh`
with its id reads that one row and touches at most its old and its new slot's job).
After downtime, ``catch_up`` runs every slot that fired within the grace period; the outbox
makes a second run of a slot harmless (nobody gets a digest twice).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import sqlite_utils
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config
from bot.delivery.compose import digest_reply
from bot.delivery.fanout import Fanout
from bot.delivery.prepare import DigestSource
from bot.delivery.timing import last_fire, latest_day
from bot.delivery.types import Reply, Subscription
from bot.errors import ConfigError
from bot.models import Digest
from storage import delivery as store
from storage import digests as digest_store

log = logging.getLogger(__name__)

Slot = tuple[str, str, str]
"""(topic slug, ``HH:MM``, IANA timezone)."""


def _reply(digest: Digest, digest_id: int, sub: Subscription) -> Reply:
    return digest_reply(digest, digest_id, sub.include, sub.exclude)


RETRY_JOB = "retry-pending"
RETRY_EVERY_MINUTES = 10


def _job_id(slot: Slot) -> str:
    return "deliver:" + "|".join(slot)


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
        self.grace = timedelta(hours=config.delivery.catch_up_hours)
        self.scheduler: AsyncIOScheduler | None = None
        self._busy: set[asyncio.Task[object]] = set()
        self._slot_of: dict[int, Slot] | None = None
        """Subscription id -> its slot, for every deliverable subscription."""
        self._members: dict[Slot, set[int]] = {}
        self.rows_read = 0
        """Subscription rows read to keep the schedule (one per change, all at start)."""

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

    def shutdown(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

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
        for job in self.scheduler.get_jobs():
            if job.id not in wanted and job.id != RETRY_JOB:
                job.remove()
        for slot in self._members:
            self._sync(slot)

    def _sync(self, slot: Slot) -> None:
        """Add the slot's job if it has subscribers, remove it if it has none."""
        if self.scheduler is None:
            return
        job = self.scheduler.get_job(_job_id(slot))
        if job is not None and slot not in self._members:
            job.remove()
        elif job is None and slot in self._members:
            self._add_job(slot)

    def _add_job(self, slot: Slot) -> None:
        assert self.scheduler is not None
        job_id = _job_id(slot)
        _, time, timezone = slot
        hour, minute = time.split(":")
        self.scheduler.add_job(
            self.run_slot,
            CronTrigger(hour=int(hour), minute=int(minute), timezone=timezone),
            args=[slot],
            id=job_id,
            replace_existing=True,
            misfire_grace_time=int(self.grace.total_seconds()) or 1,
            coalesce=True,
            max_instances=1,
        )

    def job_ids(self) -> list[str]:
        """The delivery slots' jobs (the retry job is always there too)."""
        if self.scheduler is None:
            return []
        return sorted(job.id for job in self.scheduler.get_jobs() if job.id != RETRY_JOB)

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

    async def _run_slot(self, slot: Slot, fired: datetime) -> Counter[str]:
        slug, time, timezone = slot
        try:
            topic = self.config.topic(slug)
        except ConfigError:
            log.warning("subscriptions to unknown topic %s are skipped", slug)
            return Counter()
        day = latest_day(topic, fired)
        subs = store.slot_subscriptions(self.db, slug, time, timezone, self.fanout.senders)
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
