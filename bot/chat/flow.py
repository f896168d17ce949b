"""The one inbound chat flow: a message in, the reply out, on every platform.

An adapter hands each message to :meth:`ChatFlow.submit` and returns at once. The message
passes the chat's and its sender's command limits, waits in its chat's bounded queue, and
is answered in order by that chat's one worker (:mod:`bot.chat.fairness`): however fast one
chat writes, the others' messages are answered at their own pace. A message over a limit is
dropped with one polite reply a minute.

Answering: build the chat's context, handle the text (a reply to one of our digest messages
asks about that digest), fall back to an apology if handling broke, send through the paced
:class:`~bot.delivery.sender.Sender` (its retries, plain-text fallback and 429 pauses), then
record what the sending found: a moved chat is followed, a gone chat's subscriptions are
deactivated, and the messages that carry a digest are remembered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.chat.fairness import ChatQueues, Clock, Notices, TokenBuckets
from bot.commands import ChatContext, Commands
from bot.commands.status import is_operator
from bot.config import ChatConfig
from bot.delivery.platform import PartSender
from bot.delivery.sender import Outcome, Sender
from bot.delivery.types import Action, ChatKind, Reply, Sent
from bot.i18n import DEFAULT_LANGUAGE, text
from storage import delivery as store

log = logging.getLogger(__name__)

FALLBACK = "chat.fallback"
"""The catalog key of the apology sent when handling a message broke."""
SLOW_DOWN = "chat.slow_down"
"""The catalog key of the reply to a message over its chat's or sender's command limit."""
BUSY = "chat.busy"
"""The catalog key of the reply to a message that found its chat's queue full."""


async def _not_admin() -> bool:
    return False


@dataclass(frozen=True)
class Inbound:
    """One message to the bot, in the core's terms."""

    chat_id: str
    text: str
    chat_kind: ChatKind = "private"
    addressed: bool = True
    """Meant for the bot: a command, a mention, a direct message, a slash command. In a
    group, a message that is not is answered only when it replies to a digest message."""
    replying_to: str | None = None
    """The id of the bot's own message that this one replies to."""
    is_admin: Callable[[], Awaitable[bool]] = _not_admin
    """Whether the sender administers the group (asked only in groups, only when needed)."""
    action: str = ""
    """The token of a button the reader pressed under one of our digests (``Action.token``);
    ``text`` is then ignored."""
    user_id: str = ""
    """Who sent it (the platform's user id): the bot's operators (``admins``) may run more."""


@dataclass(frozen=True)
class _Queued:
    inbound: Inbound
    first: PartSender | None
    done: asyncio.Future[Outcome | None]


def _settle(done: asyncio.Future[Outcome | None], outcome: Outcome | None) -> None:
    if not done.done():  # its waiter may have given up (cancelled) already
        done.set_result(outcome)


class ChatFlow:
    """Answers inbound messages for one platform: the one its ``sender`` sends to."""

    def __init__(
        self, commands: Commands, sender: Sender, *, clock: Clock = time.monotonic
    ) -> None:
        self.commands = commands
        self.sender = sender
        self.buckets = TokenBuckets(clock)
        self.notices = Notices(clock)
        self.queues: ChatQueues[_Queued] = ChatQueues(self._answer_queued)
        self._refusals: set[asyncio.Task[None]] = set()
        self._closed = False

    def submit(
        self, inbound: Inbound, *, first: PartSender | None = None
    ) -> asyncio.Future[Outcome | None]:
        """Queue ``inbound`` behind its chat's earlier messages and return at once: the
        future has the reply's outcome once it is sent, None when the message was not for
        us, or was dropped over a limit (the chat told so, at most once a minute).
        ``first``, a slash command's interaction response, is always answered."""
        done: asyncio.Future[Outcome | None] = asyncio.get_running_loop().create_future()
        if self._closed or not _may_be_for_us(inbound):
            done.set_result(None)
            return done
        limits = self.commands.config.chat
        if not self._within_limits(inbound, limits):
            self._refuse(inbound, SLOW_DOWN, first, done)
        elif not self.queues.put(
            inbound.chat_id, _Queued(inbound, first, done), limit=limits.queue_per_chat
        ):
            self._refuse(inbound, BUSY, first, done)
        return done

    def open(self) -> None:
        """Take messages again after :meth:`close` (an adapter started anew)."""
        self._closed = False

    async def close(self, *, finish: bool = True) -> None:
        """Stop taking messages and drop the queued ones. With ``finish``, the replies under
        way go out first (each adapter's stop has a deadline: past it, they are cancelled
        with it); without, they are cancelled at once."""
        self._closed = True
        for item in await self.queues.close(finish=finish):
            item.done.cancel()
        refusals = list(self._refusals)
        try:
            if refusals and finish:
                await asyncio.wait(refusals)
        finally:
            for task in refusals:
                task.cancel()

    def _within_limits(self, inbound: Inbound, limits: ChatConfig) -> bool:
        who = ChatContext(self.sender.name, inbound.chat_id, user_id=inbound.user_id)
        if is_operator(self.commands.config, who):
            return True  # the bot's operators run it: theirs are never refused
        buckets = {f"chat:{inbound.chat_id}": float(limits.chat_commands_per_minute)}
        if inbound.user_id:
            buckets[f"user:{inbound.user_id}"] = float(limits.commands_per_minute)
        return self.buckets.admit(buckets)

    def _refuse(
        self,
        inbound: Inbound,
        key: str,
        first: PartSender | None,
        done: asyncio.Future[Outcome | None],
    ) -> None:
        told = self.notices.due(inbound.chat_id)
        if not told and first is None:
            done.set_result(None)  # told within the minute: dropped quietly
            return
        if told:
            log.warning(
                "%s: chat %s (user %s) over its limits (%s): messages dropped",
                self.sender.name,
                inbound.chat_id,
                inbound.user_id or "?",
                key,
            )
        task = asyncio.create_task(self._send_refusal(inbound, key, first, done))
        self._refusals.add(task)
        task.add_done_callback(self._refusals.discard)

    async def _send_refusal(
        self,
        inbound: Inbound,
        key: str,
        first: PartSender | None,
        done: asyncio.Future[Outcome | None],
    ) -> None:
        chat = ChatContext(
            self.sender.name,
            inbound.chat_id,
            inbound.chat_kind,
            inbound.is_admin,
            user_id=inbound.user_id,
        )
        try:
            reply = Reply.text(text(self._language(chat), key))
            outcome = await self.sender.deliver(
                chat.chat_id, reply, chat_kind=chat.chat_kind, first=first
            )
            self._record(chat, reply, outcome)
            _settle(done, outcome)
        except Exception:
            log.exception("%s: telling chat %s to slow down failed", chat.platform, chat.chat_id)
            _settle(done, None)
        finally:
            if not done.done():
                done.cancel()

    async def _answer_queued(self, item: _Queued) -> None:
        try:
            _settle(item.done, await self.answer(item.inbound, first=item.first))
        finally:
            if not item.done.done():  # cancelled (the adapter stopping)
                item.done.cancel()

    async def answer(self, inbound: Inbound, *, first: PartSender | None = None) -> Outcome | None:
        """Answer ``inbound``; None when it was not for us. ``first`` sends the reply's first
        part (a slash command's interaction response). Never raises: one broken message
        never takes the adapter down, and is logged."""
        try:
            return await self._answer(inbound, first)
        except Exception:  # e.g. the database: logged here, the adapter goes on
            log.exception("%s: message in chat %s failed", self.sender.name, inbound.chat_id)
            return None

    async def _answer(self, inbound: Inbound, first: PartSender | None) -> Outcome | None:
        chat = ChatContext(
            self.sender.name,
            inbound.chat_id,
            inbound.chat_kind,
            inbound.is_admin,
            user_id=inbound.user_id,
        )
        digest_id = None
        if inbound.replying_to is not None:
            # Only our own digest messages are remembered: a hit asks about that digest.
            digest_id = store.digest_of_message(
                self.commands.db, chat.platform, chat.chat_id, inbound.replying_to
            )
        if chat.chat_kind == "group" and not inbound.addressed and digest_id is None:
            return None  # chatter in a group is not for us
        try:
            reply = await self._reply(inbound, chat, digest_id)
        except Exception:  # one broken command never goes unanswered
            log.exception("%s: command in chat %s failed", chat.platform, chat.chat_id)
            reply = Reply.text(text(self._language(chat), FALLBACK))
        outcome = await self.sender.deliver(
            chat.chat_id, reply, chat_kind=chat.chat_kind, first=first
        )
        self._record(chat, reply, outcome)
        return outcome

    async def _reply(self, inbound: Inbound, chat: ChatContext, digest_id: int | None) -> Reply:
        if inbound.action:
            pressed = Action.parse(inbound.action)
            if pressed is None:  # not one of ours (or from an older version): say so
                return Reply.text(text(self._language(chat), "chat.gone_digest"))
            return await self.commands.handle_action(*pressed, chat)
        return await self.commands.handle_text(inbound.text, chat, reply_to_digest=digest_id)

    def _language(self, chat: ChatContext) -> str:
        try:
            return self.commands.language_of(chat)
        except Exception:  # the database may be what broke: apologise in the default language
            return DEFAULT_LANGUAGE

    def _record(self, chat: ChatContext, reply: Reply, outcome: Outcome) -> None:
        db, platform = self.commands.db, chat.platform
        where = outcome.chat_id or chat.chat_id
        if outcome.moved_from is not None:
            store.move_chat(db, platform, outcome.moved_from, where)
        if outcome.gone is not None:
            store.deactivate_chat(db, platform, where, outcome.gone)
            log.info("%s chat %s deactivated: %s", platform, where, outcome.gone)
        if outcome.status != "sent":
            log.warning(
                "%s: reply to chat %s %s: %s", platform, where, outcome.status, outcome.error
            )
        moved = ChatContext(platform, where, chat.chat_kind, chat.is_admin)
        self.commands.remember(moved, reply, Sent(outcome.message_ids))


def _may_be_for_us(inbound: Inbound) -> bool:
    """Chatter in a group (not a command, a mention or a reply) is never for us: it costs
    no command and no place in the queue."""
    return inbound.chat_kind != "group" or inbound.addressed or inbound.replying_to is not None
