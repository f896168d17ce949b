"""The one inbound chat flow: a message in, the reply out, on every platform.

Build the chat's context, handle the text (a reply to one of our digest messages asks about
that digest), fall back to an apology if handling broke, send through the platform's paced
:class:`~bot.delivery.sender.Sender` (its retries, plain-text fallback and 429 pauses), then
record what the sending found: a moved chat is followed, a gone chat's subscriptions are
deactivated, and the messages that carry a digest are remembered.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.commands import ChatContext, Commands
from bot.delivery.platform import PartSender
from bot.delivery.sender import Outcome, Sender
from bot.delivery.types import Action, ChatKind, Reply, Sent
from bot.i18n import DEFAULT_LANGUAGE, text
from storage import delivery as store

log = logging.getLogger(__name__)

FALLBACK = "chat.fallback"
"""The catalog key of the apology sent when handling a message broke."""


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


class ChatFlow:
    """Answers inbound messages for one platform: the one its ``sender`` sends to."""

    def __init__(self, commands: Commands, sender: Sender) -> None:
        self.commands = commands
        self.sender = sender

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
