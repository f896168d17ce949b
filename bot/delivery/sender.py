"""Sending one reply to one chat through a platform, paced by that platform's limiter.

Retries only what is safe to retry: a 429 (nothing was sent; the whole platform pauses),
failures before the request reached the platform (connect errors, 5xx), and markup the
platform could not parse (sent again as plain text). A reply that may have arrived (a read
timeout after sending) is ``uncertain`` and is never sent again automatically.

A claimed reply (``before_first_send``) whose first part the platform refused (429, or a
failure before the request reached it), or that was stopped (the task cancelled at
shutdown) while no request was on the wire, is handed back with ``release``: it was not
sent, so it is ``pending`` again, never ``uncertain``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot import metrics
from bot.delivery.limiter import RateLimiter
from bot.delivery.platform import Part, PartSender, Platform
from bot.delivery.types import ChatKind, Reply, Status
from bot.errors import (
    ChatGone,
    ChatMoved,
    DeliveryError,
    MarkupRejected,
    NotSent,
    RateLimited,
    SendUncertain,
)

log = logging.getLogger(__name__)

MAX_NOT_SENT_RETRIES = 4
MAX_RATE_LIMITED_RETRIES = 10


@dataclass(frozen=True)
class Outcome:
    status: Status
    message_ids: tuple[str, ...] = ()
    error: str | None = None
    chat_id: str = ""
    """Where it went: differs from the requested chat when the chat moved."""
    moved_from: str | None = None
    gone: str | None = None
    """Why the chat no longer takes messages (blocked, kicked, deactivated)."""


async def _attempt(send: PartSender, part: Part, markup: bool) -> str | DeliveryError:
    """One try: the message id, or the platform's refusal (cancellation passes through)."""
    try:
        return await send(part, markup)
    except DeliveryError as exc:
        return exc


class Sender:
    def __init__(
        self,
        platform: Platform,
        limiter: RateLimiter,
        *,
        backoff_s: float = 0.5,
    ) -> None:
        self.platform = platform
        self.limiter = limiter
        self.backoff_s = backoff_s
        self.rate_limited = 0

    @property
    def name(self) -> str:
        return self.platform.name

    @metrics.count_delivery
    async def deliver(
        self,
        chat_id: str,
        reply: Reply,
        *,
        chat_kind: ChatKind = "private",
        before_first_send: Callable[[], Awaitable[None] | None] | None = None,
        release: Callable[[], None] | None = None,
        first: PartSender | None = None,
    ) -> Outcome:
        """Send every part of ``reply``; never raises a :class:`DeliveryError`.

        ``before_first_send`` claims the reply before its first part goes out (again after
        a ``release``); ``release`` (synchronous, so it also runs in a cancelled task) undoes
        the claim when nothing was sent after all. ``first`` sends the first part instead of
        the platform (the answer to a Discord slash command); it is paced and retried like
        every other part.
        """
        target, moved_from = chat_id, None
        sent: list[str] = []
        claimed = on_the_wire = False

        def unclaim() -> None:
            nonlocal claimed
            if claimed and not sent and release is not None:
                release()
            claimed = False

        try:
            for index, part in enumerate(self.platform.render(reply)):
                markup, not_sent, limited = True, 0, 0
                send = first if index == 0 and first is not None else self._to(target)
                while True:
                    await self.limiter.acquire(
                        target, group=chat_kind == "group", continuing=index > 0
                    )
                    if index == 0 and not claimed and before_first_send is not None:
                        claimed = True  # a claim being written counts: release orders after it
                        result = before_first_send()
                        if result is not None:
                            await result
                    on_the_wire = True
                    with metrics.SEND_SECONDS.labels(self.name).time():
                        attempt = await _attempt(send, part, markup)
                    on_the_wire = False
                    if isinstance(attempt, str):
                        sent.append(attempt)
                        self.limiter.sent(target)  # pace the next part from the answer
                        break
                    exc = attempt
                    if isinstance(exc, RateLimited):
                        self.rate_limited += 1
                        metrics.RATE_LIMITED.labels(self.name).inc()
                        self.limiter.pause(exc.retry_after)
                        unclaim()  # refused: not sent, so pending while the pause lasts
                        limited += 1
                        if limited > MAX_RATE_LIMITED_RETRIES:
                            return self._stopped(sent, target, moved_from, "failed", exc)
                    elif isinstance(exc, ChatMoved):
                        if moved_from is not None:
                            return self._stopped(sent, target, moved_from, "failed", exc)
                        moved_from, target = target, exc.new_chat_id
                        send = self._to(target)
                    elif isinstance(exc, MarkupRejected):
                        if not markup:
                            return self._stopped(sent, target, moved_from, "failed", exc)
                        log.warning("markup rejected, sending as plain text: %s", exc)
                        markup = False
                    elif isinstance(exc, NotSent):
                        not_sent += 1
                        unclaim()
                        if not_sent > MAX_NOT_SENT_RETRIES:  # still down: try again later
                            return self._stopped(sent, target, moved_from, "pending", exc)
                        await asyncio.sleep(self.backoff_s * 2 ** (not_sent - 1))
                    elif isinstance(exc, SendUncertain):
                        return self._stopped(sent, target, moved_from, "uncertain", exc)
                    elif isinstance(exc, ChatGone):
                        outcome = self._stopped(sent, target, moved_from, "failed", exc)
                        return replace(outcome, gone=exc.reason)
                    else:  # MessageRejected, or any other DeliveryError
                        return self._stopped(sent, target, moved_from, "failed", exc)
        except asyncio.CancelledError:
            # Stopped (shutdown): a request on the wire may have arrived and stays claimed
            # (``uncertain`` after a restart); one that never left was not sent.
            if not on_the_wire:
                unclaim()
            raise
        return Outcome("sent", tuple(sent), chat_id=target, moved_from=moved_from)

    def _to(self, chat_id: str) -> PartSender:
        async def send(part: Part, markup: bool) -> str:
            return await self.platform.send_part(chat_id, part, markup=markup)

        return send

    @staticmethod
    def _stopped(
        sent: list[str],
        target: str,
        moved_from: str | None,
        status: Status,
        exc: DeliveryError,
    ) -> Outcome:
        detail = f"{type(exc).__name__}: {exc}"
        if sent and status in ("failed", "pending"):
            # Some parts arrived: the chat has part of the digest. Never re-send it whole.
            status = "uncertain"
            detail = f"{len(sent)} part(s) sent, then {detail}"
        return Outcome(status, tuple(sent), detail, chat_id=target, moved_from=moved_from)
