"""Chat commands, handled: a parsed command and the chat it came from in, a Reply out.

Platform-neutral: adapters (Telegram, terminal, ...) give a :class:`ChatContext` and send the
:class:`Reply` back in their own markup.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlite_utils

from bot.commands.answer import Answerer
from bot.commands.parse import (
    USAGE,
    Ask,
    Command,
    DigestNow,
    Help,
    ListSubscriptions,
    Settings,
    Sources,
    Start,
    Subscribe,
    Unsubscribe,
    UsageProblem,
    parse,
)
from bot.config import Config, TopicConfig
from bot.delivery.compose import digest_reply
from bot.delivery.timing import latest_day
from bot.delivery.types import ChatKind, Paragraph, Reply, Sent, SourceLink, Subscription
from bot.errors import ConfigError, DigestbotError
from bot.render import title_of
from storage import delivery as store
from storage import digests as digest_store

log = logging.getLogger(__name__)

DigestBuilder = Callable[[TopicConfig, date, str], Awaitable[int]]
"""Builds (or finds) the digest for (topic, date, language) and returns its id."""


async def _always_admin() -> bool:
    return True


@dataclass(frozen=True)
class ChatContext:
    platform: str
    chat_id: str
    chat_kind: ChatKind = "private"
    is_admin: Callable[[], Awaitable[bool]] = _always_admin
    """Asked only in groups, before subscribing or changing settings."""


class Commands:
    """Every chat command over one database and configuration."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        config: Config,
        answerer: Answerer,
        build: DigestBuilder,
        *,
        on_change: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.config = config
        self.answerer = answerer
        self.build = build
        self.on_change = on_change
        self.clock = clock

    async def handle_text(
        self, text: str, chat: ChatContext, *, reply_to_digest: int | None = None
    ) -> Reply:
        """Parse and handle one message. A reply to a digest message is a question about it."""
        command = parse(text)
        if reply_to_digest is not None and not text.lstrip().startswith("/") and text.strip():
            command = parse("ask " + text.strip())
        if isinstance(command, Ask) and reply_to_digest is not None:
            command = Ask(command.question, digest_id=reply_to_digest)
        return await self.handle(command, chat)

    async def handle(self, command: Command | UsageProblem, chat: ChatContext) -> Reply:
        if isinstance(command, UsageProblem):
            return Reply.text(command.message)
        try:
            return await self._dispatch(command, chat)
        except ConfigError as exc:
            return Reply.text(str(exc))
        except DigestbotError as exc:
            log.warning(
                "command %s in %s chat %s failed: %s", command, chat.platform, chat.chat_id, exc
            )
            return Reply.text(f"Sorry, that failed: {exc}")

    def remember(self, chat: ChatContext, reply: Reply, sent: Sent) -> None:
        """Record which messages carry a digest, so replying to them asks about it."""
        if reply.digest_id is not None and sent.message_ids:
            store.remember_messages(
                self.db, chat.platform, chat.chat_id, sent.message_ids, reply.digest_id
            )

    async def _dispatch(self, command: Command, chat: ChatContext) -> Reply:
        if isinstance(command, Start):
            return self._start()
        if isinstance(command, Help):
            return self._help(command)
        if isinstance(command, Subscribe):
            return await self._subscribe(command, chat)
        if isinstance(command, Unsubscribe):
            return await self._unsubscribe(command, chat)
        if isinstance(command, ListSubscriptions):
            return self._list(chat)
        if isinstance(command, DigestNow):
            return await self._digest(command, chat)
        if isinstance(command, Ask):
            return await self._ask(command, chat)
        if isinstance(command, Sources):
            return self._sources(command, chat)
        return await self._settings(command, chat)

    # --- simple ones -----------------------------------------------------------------------

    def _start(self) -> Reply:
        names = ", ".join(t.name for t in self.config.topics)
        greeting = (
            f"Hello! I send a daily news digest with cited sources ({names}). "
            "Say 'subscribe' to get it here every day, or 'digest' to get it now."
        )
        return Reply(paragraphs=(Paragraph(greeting), Paragraph(self._usage_lines())))

    def _usage_lines(self) -> str:
        return "\n".join(USAGE[name] for name in USAGE if name != "start")

    def _help(self, command: Help) -> Reply:
        if command.command:
            return Reply.text(USAGE[command.command])
        return Reply(title="Commands", paragraphs=(Paragraph(self._usage_lines()),))

    def _topic(self, slug: str | None) -> TopicConfig:
        if slug is None:
            return self.config.topics[0]
        for topic in self.config.topics:
            if topic.slug == slug:
                return topic
        known = ", ".join(t.slug for t in self.config.topics)
        raise ConfigError(f"Unknown topic '{slug}' (topics: {known}).")

    def _chat_topic(self, slug: str | None, chat: ChatContext) -> TopicConfig:
        """The named topic, else the chat's only subscription's, else the first topic."""
        if slug is None:
            subs = store.chat_subscriptions(self.db, chat.platform, chat.chat_id)
            if subs:
                return self._topic(subs[0].topic)
        return self._topic(slug)

    async def _allowed(self, chat: ChatContext) -> bool:
        return chat.chat_kind != "group" or await chat.is_admin()

    @staticmethod
    def _describe(sub: Subscription, name: str) -> str:
        words = ""
        if sub.include:
            words += f"; only stories with: {', '.join(sub.include)}"
        if sub.exclude:
            words += f"; never stories with: {', '.join(sub.exclude)}"
        return f"{name} ({sub.topic}): daily at {sub.time} {sub.timezone} in {sub.language}{words}"

    # --- subscriptions ---------------------------------------------------------------------

    async def _subscribe(self, command: Subscribe, chat: ChatContext) -> Reply:
        topic = self._topic(command.topic)
        if not await self._allowed(chat):
            return Reply.text("Only the chat's admins can subscribe a group.")
        existing = store.find_subscription(self.db, chat.platform, chat.chat_id, topic.slug)
        keep = existing if existing is not None and existing.active else None
        sub = store.subscribe(
            self.db,
            platform=chat.platform,
            chat_id=chat.chat_id,
            chat_kind=chat.chat_kind,
            topic=topic.slug,
            time=command.time or (keep.time if keep else topic.delivery_time),
            timezone=command.timezone or (keep.timezone if keep else topic.timezone),
            language=command.language or (keep.language if keep else topic.language),
        )
        self.on_change()
        return Reply.text("Subscribed: " + self._describe(sub, topic.name))

    async def _unsubscribe(self, command: Unsubscribe, chat: ChatContext) -> Reply:
        topic = self._chat_topic(command.topic, chat)
        if not await self._allowed(chat):
            return Reply.text("Only the chat's admins can unsubscribe a group.")
        sub = store.find_subscription(self.db, chat.platform, chat.chat_id, topic.slug)
        if sub is None or not sub.active:
            return Reply.text(f"This chat is not subscribed to {topic.name}.")
        store.deactivate(self.db, sub.id, "unsubscribed")
        self.on_change()
        return Reply.text(f"Unsubscribed from {topic.name}. No more daily digests here.")

    def _list(self, chat: ChatContext) -> Reply:
        subs = store.chat_subscriptions(self.db, chat.platform, chat.chat_id)
        if not subs:
            return Reply.text("This chat has no subscriptions. Say 'subscribe' to start.")
        lines = "\n".join(self._describe(s, self._topic(s.topic).name) for s in subs)
        return Reply(title="Subscriptions", paragraphs=(Paragraph(lines),))

    async def _settings(self, command: Settings, chat: ChatContext) -> Reply:
        topic = self._chat_topic(command.topic, chat)
        sub = store.find_subscription(self.db, chat.platform, chat.chat_id, topic.slug)
        if sub is None or not sub.active:
            return Reply.text(
                f"This chat is not subscribed to {topic.name}. Say 'subscribe' first."
            )
        if command.field is None or command.value is None:
            return Reply.text(self._describe(sub, topic.name))
        if not await self._allowed(chat):
            return Reply.text("Only the chat's admins can change a group's settings.")
        sub = store.update_subscription(self.db, sub.id, **{command.field: command.value})
        self.on_change()
        return Reply.text("Updated: " + self._describe(sub, topic.name))

    # --- digests, questions, sources ---------------------------------------------------------

    async def _digest(self, command: DigestNow, chat: ChatContext) -> Reply:
        topic = self._chat_topic(command.topic, chat)
        sub = store.find_subscription(self.db, chat.platform, chat.chat_id, topic.slug)
        active = sub if sub is not None and sub.active else None
        newest = latest_day(topic, self.clock())
        day = command.day or newest
        if day > newest:
            return Reply.text(f"The digest for {day} is not ready yet (latest: {newest}).")
        language = active.language if active else topic.language
        digest_id = await self.build(topic, day, language)
        stored = digest_store.stored_digest(self.db, digest_id)
        if stored is None:
            return Reply.text(f"No digest for {topic.name} on {day}.")
        return digest_reply(
            stored.digest,
            digest_id,
            include=active.include if active else (),
            exclude=active.exclude if active else (),
        )

    async def _ask(self, command: Ask, chat: ChatContext) -> Reply:
        topic: TopicConfig
        asked_about = (
            digest_store.stored_digest(self.db, command.digest_id)
            if command.digest_id is not None
            else None
        )
        if asked_about is not None:
            topic, day = self._topic(asked_about.digest.topic), asked_about.digest.date
        else:
            topic = self._chat_topic(None, chat)
            day = self.clock().astimezone(topic.tz).date()
        result = await self.answerer.answer(
            command.question,
            topic,
            day,
            command.digest_id,
            chat_key=f"{chat.platform}:{chat.chat_id}",
        )
        return Reply(
            paragraphs=(Paragraph(result.answer),),
            sources=result.citations,
            digest_id=command.digest_id,
        )

    def _sources(self, command: Sources, chat: ChatContext) -> Reply:
        digest_id = store.latest_digest_for_chat(self.db, chat.platform, chat.chat_id)
        stored = digest_store.stored_digest(self.db, digest_id) if digest_id is not None else None
        if stored is None:
            return Reply.text("No digest in this chat yet. Say 'digest' first.")
        sources = stored.digest.sources
        if command.n is None:
            links = tuple(SourceLink(s.n, s.title, s.url) for s in sources)
            if not links:
                return Reply.text("The last digest cited no sources.")
            title = title_of(stored.digest)
            return Reply(title=f"Sources of {title}", paragraphs=(), sources=links)
        for source in sources:
            if source.n == command.n:
                detail = f"[{source.n}] {source.title}\n{source.url}\n"
                detail += f"published {source.published.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
                return Reply.text(detail)
        return Reply.text(f"The last digest has {len(sources)} sources; there is no [{command.n}].")
