"""Chat commands, handled: a parsed command and the chat it came from in, a Reply out.

:class:`Commands` holds what every handler needs (the database, the configuration, the
answerer, the digest builder) and runs text through its :class:`~bot.commands.spec.Registry`.
Platform-neutral: the chat flow (:mod:`bot.chat.flow`) gives a :class:`ChatContext` and
sends the :class:`Reply` back through the platform.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

import sqlite_utils

from bot.commands.answer import Answerer
from bot.commands.parse import (
    Ask,
    DigestNow,
    Help,
    ListSubscriptions,
    Settings,
    Sources,
    Start,
    Subscribe,
    Unsubscribe,
    UsageProblem,
)
from bot.commands.spec import ChatContext, Registry
from bot.config import Config, TopicConfig
from bot.delivery.compose import digest_reply
from bot.delivery.timing import latest_day
from bot.delivery.types import Paragraph, Reply, Sent, SourceLink, Subscription
from bot.errors import ConfigError, DigestbotError
from bot.render import title_of
from storage import delivery as store
from storage import digests as digest_store

log = logging.getLogger(__name__)

DigestBuilder = Callable[[TopicConfig, date, str], Awaitable[int]]
"""Builds (or finds) the digest for (topic, date, language) and returns its id."""


class Commands:
    """Every chat command over one database and configuration."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        config: Config,
        answerer: Answerer,
        build: DigestBuilder,
        *,
        registry: Registry[Commands],
        on_change: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.config = config
        self.answerer = answerer
        self.build = build
        self.registry = registry
        self.on_change = on_change
        self.clock = clock

    async def handle_text(
        self, text: str, chat: ChatContext, *, reply_to_digest: int | None = None
    ) -> Reply:
        """Parse and handle one message. A reply to a digest message is a question about it."""
        command = self.registry.parse(text)
        if reply_to_digest is not None and not text.lstrip().startswith("/") and text.strip():
            command = self.registry.parse("ask " + text.strip())
        if isinstance(command, Ask) and reply_to_digest is not None:
            command = Ask(command.question, digest_id=reply_to_digest)
        return await self.handle(command, chat)

    async def handle(self, command: object, chat: ChatContext) -> Reply:
        """Run a parsed command (or answer its usage problem); errors become the reply."""
        if isinstance(command, UsageProblem):
            return Reply.text(command.message)
        try:
            return await self.registry.handle(self, command, chat)
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

    # --- simple ones -----------------------------------------------------------------------

    async def _start(self, command: Start, chat: ChatContext) -> Reply:
        names = ", ".join(t.name for t in self.config.topics)
        greeting = (
            f"Hello! I send a daily news digest with cited sources ({names}). "
            "Say 'subscribe' to get it here every day, or 'digest' to get it now."
        )
        return Reply(paragraphs=(Paragraph(greeting), Paragraph(self.registry.help_lines())))

    async def _help(self, command: Help, chat: ChatContext) -> Reply:
        wanted = self.registry.get(command.command) if command.command else None
        if wanted is not None:
            return Reply.text(wanted.text().line)
        return Reply(title="Commands", paragraphs=(Paragraph(self.registry.help_lines()),))

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
        sub = store.find_subscription(self.db, chat.platform, chat.chat_id, topic.slug)
        if sub is None or not sub.active:
            return Reply.text(f"This chat is not subscribed to {topic.name}.")
        store.deactivate(self.db, sub.id, "unsubscribed")
        self.on_change()
        return Reply.text(f"Unsubscribed from {topic.name}. No more daily digests here.")

    async def _list(self, command: ListSubscriptions, chat: ChatContext) -> Reply:
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
