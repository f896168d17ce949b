"""Fan-out through the outbox: one digest to many subscriptions, exactly once.

1. ``enqueue``: a ``pending`` row per (subscription, digest), unique, committed first.
2. Each pending row becomes ``sending`` (committed) just before its first message goes out,
   then ``sent`` with the platform's message ids, or ``failed`` / ``uncertain`` with why.
3. After a crash, ``sending`` rows are ``uncertain``: the message may have arrived, so it is
   never sent again automatically; the operator sees them (``digestbot run`` logs them).

So a restart never sends a second copy, and never skips a subscription still ``pending``.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable

import sqlite_utils

from bot.delivery.outbox import GroupCommit
from bot.delivery.sender import Outcome, Sender
from bot.delivery.types import Delivery, Reply, Status, Subscription
from storage import delivery as store

log = logging.getLogger(__name__)

ReplyFor = Callable[[Subscription], Reply]
SLACK_S = 1.0
"""Seconds of the overall pace held in flight beyond a digest's own per-chat waits."""
UNPACED_WORKERS = 64


class Fanout:
    def __init__(
        self, db: sqlite_utils.Database, senders: Iterable[Sender], *, workers: int = 0
    ) -> None:
        """``workers``: at most this many deliveries in flight per platform; 0: as many as
        the platform's pace needs (:meth:`in_flight`)."""
        self.db = db
        self.senders = {sender.name: sender for sender in senders}
        self.workers = workers
        self.outbox = GroupCommit(db)

    def recover(self) -> int:
        """Mark sends interrupted by a crash ``uncertain``; log every uncertain delivery."""
        recovered = store.recover_in_flight(self.db)
        for delivery in store.deliveries_with_status(self.db, "uncertain"):
            log.warning(
                "delivery %s of digest %s to %s chat %s is uncertain (%s): not re-sent; "
                "check the chat",
                delivery.id,
                delivery.digest_id,
                delivery.platform,
                delivery.chat_id,
                delivery.error,
            )
        return recovered

    async def deliver(
        self, digest_id: int, subscriptions: Iterable[Subscription], reply_for: ReplyFor
    ) -> Counter[str]:
        """Deliver ``digest_id`` to every subscription that has not had it; count outcomes."""
        subs = {s.id: s for s in subscriptions if s.platform in self.senders and s.active}
        store.enqueue(self.db, digest_id, subs.values())
        pending: dict[str, list[Delivery]] = {}
        for delivery in store.deliveries_for(self.db, digest_id, status="pending"):
            if delivery.subscription_id in subs:
                pending.setdefault(delivery.platform, []).append(delivery)
        counts: Counter[str] = Counter()

        async def work(queue: asyncio.Queue[Delivery]) -> None:
            while True:
                try:
                    delivery = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                try:
                    sub = subs[delivery.subscription_id]
                    outcome = await self._one(delivery, sub, reply_for(sub))
                    counts[outcome.status] += 1
                except Exception:  # one broken delivery never stops the others
                    log.exception("delivery %s failed unexpectedly", delivery.id)
                    # Once claimed, a message may have gone out: never "failed" (resendable).
                    claimed = store.delivery_status(self.db, delivery.id) == "sending"
                    status: Status = "uncertain" if claimed else "failed"
                    store.mark(self.db, delivery.id, status, error="internal error")
                    counts[status] += 1

        # Each platform has its own pace, so each gets its own workers: one slow platform
        # never holds up the other.
        workers = []
        for platform, deliveries in pending.items():
            queue: asyncio.Queue[Delivery] = asyncio.Queue()
            for delivery in deliveries:
                queue.put_nowait(delivery)
            try:
                first = reply_for(subs[deliveries[0].subscription_id])
                count = self.in_flight(self.senders[platform], first, len(deliveries))
            except Exception:  # the worker that meets this delivery reports it
                count = min(self.workers or UNPACED_WORKERS, len(deliveries))
            workers += [work(queue) for _ in range(count)]
        await asyncio.gather(*workers)
        return counts

    def in_flight(self, sender: Sender, reply: Reply, deliveries: int) -> int:
        """How many deliveries to run at once: ``workers`` if set, else enough to fill the
        sender's overall pace.

        A digest of n parts holds its chat for (n - 1) per-chat intervals, so at P messages
        a second about P x (n - 1) / per-chat-rate deliveries wait between their parts at
        any moment; SLACK_S more seconds' worth cover the replies' round trips. The limiter
        serves parts already begun first, so workers beyond the need only wait for a slot.
        """
        if self.workers:
            return max(1, min(self.workers, deliveries))
        limits = sender.limiter.limits
        if limits.per_second <= 0:  # unpaced: as many as the machine keeps busy
            return max(1, min(UNPACED_WORKERS, deliveries))
        parts = len(sender.platform.render(reply))
        holding = (parts - 1) / limits.per_chat_per_second if limits.per_chat_per_second else 0
        need = math.ceil(limits.per_second * (holding + SLACK_S))
        return max(1, min(deliveries, need))

    async def _one(self, delivery: Delivery, sub: Subscription, reply: Reply) -> Outcome:
        sender = self.senders[delivery.platform]

        async def claim() -> None:
            # Durable before the first message goes out: after a crash this row says
            # "maybe sent" (uncertain) instead of "not sent" (which would send it again).
            await self.outbox.write(
                lambda: store.mark(self.db, delivery.id, "sending", attempt=True)
            )

        def release() -> None:
            # The platform refused it (429) or it was stopped before it left: not sent.
            self.outbox.write_now(lambda: store.mark(self.db, delivery.id, "pending"))

        outcome = await sender.deliver(
            delivery.chat_id,
            reply,
            chat_kind=sub.chat_kind,
            before_first_send=claim,
            release=release,
        )

        def record() -> None:
            if outcome.moved_from is not None:
                store.move_chat(self.db, delivery.platform, outcome.moved_from, outcome.chat_id)
            if outcome.gone is not None:
                store.deactivate_chat(self.db, delivery.platform, outcome.chat_id, outcome.gone)
            store.mark(
                self.db,
                delivery.id,
                outcome.status,
                message_ids=outcome.message_ids,
                error=outcome.error,
            )
            if outcome.message_ids:
                store.remember_messages(
                    self.db,
                    delivery.platform,
                    outcome.chat_id,
                    outcome.message_ids,
                    delivery.digest_id,
                )

        await self.outbox.write(record)
        if outcome.gone is not None:
            log.info("%s chat %s deactivated: %s", delivery.platform, outcome.chat_id, outcome.gone)
        if outcome.status == "uncertain":
            log.warning(
                "delivery %s to %s chat %s is uncertain: %s (not re-sent)",
                delivery.id,
                delivery.platform,
                outcome.chat_id,
                outcome.error,
            )
        return outcome
