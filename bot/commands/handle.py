"""Chat commands, handled: a parsed command and the chat it came from in, a Reply out.

:class:`Commands` holds what every handler needs (the database, the configuration, the
answerer, the digest builder) and runs text through its :class:`~bot.commands.spec.Registry`.
Platform-neutral: the chat flow (:mod:`bot.chat.flow`) gives a :class:`ChatContext` and
sends the :class:`Reply` back through the platform.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import sqlite_utils

from bot.commands.allowance import CollectionAllowance
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
from bot.commands.status import is_operator
from bot.config import Config, TopicConfig
from bot.delivery.compose import digest_reply
from bot.delivery.prepare import complete_digest
from bot.delivery.timing import latest_day
from bot.delivery.types import ActionKind, Paragraph, Reply, Sent, SourceLink, Subscription
from bot.errors import DigestbotError
from bot.models import StoredDigest
from bot.render import title_of
from storage import delivery as store
from storage import digests as digest_store

log = logging.getLogger(__name__)

DigestBuilder = Callable[[TopicConfig, date, str], Awaitable[int]]
"""Builds (or finds) the digest for (topic, date, language) and returns its id."""


class UnknownTopic(Exception):
    """A command named a topic the configuration does not have (shown to the reader)."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


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
        on_change: Callable[[int], None] = lambda subscription_id: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.config = config
        self.answerer = answerer
        self.build = build
        self.registry = registry
        self.on_change = on_change
        self.clock = clock
        self.collections = CollectionAllowance(db)

    async def handle_text(
        self, text: str, chat: ChatContext, *, reply_to_digest: int | None = None
    ) -> Reply:
        """Parse and handle one message. A reply to a digest message is a question about it."""
        chat = chat.speaking(self.language_of(chat))
        command = self.registry.parse(text)
        if reply_to_digest is not None and not text.lstrip().startswith("/") and text.strip():
            command = self.registry.parse("ask " + text.strip())
        if isinstance(command, Ask) and reply_to_digest is not None:
            command = Ask(command.question, digest_id=reply_to_digest)
        return await self.handle(command, chat)

    def language_of(self, chat: ChatContext) -> str:
        """The chat's language: its subscription's (the first, by topic), else the first
        topic's."""
        subs = store.chat_subscriptions(self.db, chat.platform, chat.chat_id)
        return subs[0].language if subs else self.config.topics[0].language

    async def handle(self, command: object, chat: ChatContext) -> Reply:
        """Run a parsed command (or answer its usage problem); errors become the reply."""
        if isinstance(command, UsageProblem):
            return Reply.text(command.text(chat.language))
        try:
            return await self.registry.handle(self, command, chat)
        except UnknownTopic as exc:
            return Reply.text(self._unknown_topic(exc.slug, chat))
        except DigestbotError as exc:
            log.warning(
                "command %s in %s chat %s failed: %s", command, chat.platform, chat.chat_id, exc
            )
            # The error's text is for the operator (English, maybe a path): the log has it.
            return Reply.text(chat.text("chat.failed"))

    async def handle_action(self, kind: ActionKind, digest_id: int, chat: ChatContext) -> Reply:
        """A button pressed under digest ``digest_id``: its sources, a prompt for a question
        about it (a reply to the prompt asks about that digest), or the day before it."""
        chat = chat.speaking(self.language_of(chat))
        stored = digest_store.stored_digest(self.db, digest_id)
        if stored is None:
            return Reply.text(chat.text("chat.gone_digest"))
        if kind == "sources":
            return self._sources_of(stored, Sources(), chat)
        if kind == "ask":
            prompt = chat.text("chat.ask_prompt", title=title_of(stored.digest))
            return Reply(paragraphs=(Paragraph(prompt),), digest_id=digest_id, expects_reply=True)
        day = stored.digest.date - timedelta(days=1)
        return await self.handle(DigestNow(stored.digest.topic, day), chat)

    def _unknown_topic(self, slug: str, chat: ChatContext) -> str:
        known = ", ".join(t.slug for t in self.config.topics)
        return chat.text("chat.unknown_topic", slug=slug[:40], topics=known)

    def remember(self, chat: ChatContext, reply: Reply, sent: Sent) -> None:
        """Record which messages carry a digest, so replying to them asks about it."""
        if reply.digest_id is not None and sent.message_ids:
            store.remember_messages(
                self.db, chat.platform, chat.chat_id, sent.message_ids, reply.digest_id
            )

    # --- simple ones -----------------------------------------------------------------------

    async def _start(self, command: Start, chat: ChatContext) -> Reply:
        names = ", ".join(t.name for t in self.config.topics)
        greeting = chat.text("chat.start", topics=names)
        help_lines = self.registry.help_lines(chat.language)
        return Reply(paragraphs=(Paragraph(greeting), Paragraph(help_lines)))

    async def _help(self, command: Help, chat: ChatContext) -> Reply:
        wanted = self.registry.get(command.command) if command.command else None
        if wanted is not None:
            return Reply.text(wanted.text(chat.language).line)
        lines = self.registry.help_lines(chat.language)
        return Reply(title=chat.text("chat.help_title"), paragraphs=(Paragraph(lines),))

    def _topic(self, slug: str | None) -> TopicConfig:
        if slug is None:
            return self.config.topics[0]
        for topic in self.config.topics:
            if topic.slug == slug:
                return topic
        raise UnknownTopic(slug)

    def _chat_topic(self, slug: str | None, chat: ChatContext) -> TopicConfig:
        """The named topic, else the chat's only subscription's, else the first topic."""
        if slug is None:
            subs = store.chat_subscriptions(self.db, chat.platform, chat.chat_id)
            if subs:
                return self._topic(subs[0].topic)
        return self._topic(slug)

    @staticmethod
    def _describe(sub: Subscription, name: str, chat: ChatContext) -> str:
        parts = [
            chat.text(
                "chat.describe",
                name=name,
                topic=sub.topic,
                time=sub.time,
                timezone=sub.timezone,
                language=sub.language,
            )
        ]
        if sub.include:
            parts.append(chat.text("chat.describe_include", words=", ".join(sub.include)))
        if sub.exclude:
            parts.append(chat.text("chat.describe_exclude", words=", ".join(sub.exclude)))
        return "; ".join(parts)

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
        self.on_change(sub.id)
        chat = chat.speaking(self.language_of(chat))  # the subscription may change it
        return Reply.text(
            chat.text("chat.subscribed", description=self._describe(sub, topic.name, chat))
        )

    async def _unsubscribe(self, command: Unsubscribe, chat: ChatContext) -> Reply:
        topic = self._chat_topic(command.topic, chat)
        sub = store.find_subscription(self.db, chat.platform, chat.chat_id, topic.slug)
        if sub is None or not sub.active:
            return Reply.text(chat.text("chat.not_subscribed", name=topic.name))
        store.deactivate(self.db, sub.id, "unsubscribed")
        self.on_change(sub.id)
        return Reply.text(chat.text("chat.unsubscribed", name=topic.name))

    async def _list(self, command: ListSubscriptions, chat: ChatContext) -> Reply:
        subs = store.chat_subscriptions(self.db, chat.platform, chat.chat_id)
        if not subs:
            return Reply.text(chat.text("chat.no_subscriptions"))
        lines = "\n".join(self._describe(s, self._topic(s.topic).name, chat) for s in subs)
        return Reply(title=chat.text("chat.subscriptions_title"), paragraphs=(Paragraph(lines),))

    async def _settings(self, command: Settings, chat: ChatContext) -> Reply:
        topic = self._chat_topic(command.topic, chat)
        sub = store.find_subscription(self.db, chat.platform, chat.chat_id, topic.slug)
        if sub is None or not sub.active:
            return Reply.text(chat.text("chat.subscribe_first", name=topic.name))
        if command.field is None or command.value is None:
            return Reply.text(self._describe(sub, topic.name, chat))
        sub = store.update_subscription(self.db, sub.id, **{command.field: command.value})
        self.on_change(sub.id)
        chat = chat.speaking(self.language_of(chat))  # "settings lang" changes the reply too
        description = self._describe(sub, topic.name, chat)
        return Reply.text(chat.text("chat.updated", description=description))

    # --- digests, questions, sources ---------------------------------------------------------

    async def _digest(self, command: DigestNow, chat: ChatContext) -> Reply:
        topic = self._chat_topic(command.topic, chat)
        sub = store.find_subscription(self.db, chat.platform, chat.chat_id, topic.slug)
        active = sub if sub is not None and sub.active else None
        newest = latest_day(topic, self.clock())
        day = command.day or newest
        if day > newest:
            return Reply.text(chat.text("chat.not_ready", day=day, latest=newest))
        language = active.language if active else topic.language
        refusal = self._refuse_collection(topic, day, language, chat)
        if refusal is not None:
            return refusal
        digest_id = await self.build(topic, day, language)
        stored = digest_store.stored_digest(self.db, digest_id)
        if stored is None:
            return Reply.text(chat.text("chat.no_digest", name=topic.name, day=day))
        return digest_reply(
            stored.digest,
            digest_id,
            include=active.include if active else (),
            exclude=active.exclude if active else (),
        )

    def _refuse_collection(
        self, topic: TopicConfig, day: date, language: str, chat: ChatContext
    ) -> Reply | None:
        """None when the digest is stored, or the asker may have it built (and it counts);
        else why not. Operators have no limit."""
        if complete_digest(self.db, topic, day, language) is not None:
            return None
        if is_operator(self.config, chat):
            return None
        per_day = self.config.chat.collections_per_day
        keys = [f"chat:{chat.platform}:{chat.chat_id}"]
        if chat.user_id:
            keys.append(f"user:{chat.platform}:{chat.user_id}")
        if per_day and self.collections.take(keys, per_day, self.clock().date()):
            return None
        log.info(
            "on-demand digest %s %s refused in %s chat %s (user %s): %s a day",
            topic.slug,
            day,
            chat.platform,
            chat.chat_id,
            chat.user_id or "?",
            per_day,
        )
        if not per_day:
            return Reply.text(chat.text("chat.collection_operators_only", name=topic.name, day=day))
        return Reply.text(
            chat.text("chat.collection_limit", name=topic.name, day=day, limit=per_day)
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
            language=chat.language,
        )
        return Reply(
            paragraphs=(Paragraph(result.answer),),
            sources=result.citations,
            sources_title=chat.text("sources"),
            digest_id=command.digest_id,
        )

    def _sources(self, command: Sources, chat: ChatContext) -> Reply:
        digest_id = store.latest_digest_for_chat(self.db, chat.platform, chat.chat_id)
        stored = digest_store.stored_digest(self.db, digest_id) if digest_id is not None else None
        if stored is None:
            return Reply.text(chat.text("chat.no_digest_in_chat"))
        return self._sources_of(stored, command, chat)

    @staticmethod
    def _sources_of(stored: StoredDigest, command: Sources, chat: ChatContext) -> Reply:
        sources = stored.digest.sources
        if command.n is None and not command.word:
            links = tuple(SourceLink(s.n, s.title, s.url) for s in sources)
            if not links:
                return Reply.text(chat.text("chat.no_sources"))
            title = chat.text("chat.sources_of", title=title_of(stored.digest))
            heading = chat.text("sources")
            return Reply(
                title=title,
                paragraphs=(),
                sources=links,
                sources_title=heading,
                digest_id=stored.id,
            )
        for source in sources:
            if source.n == command.n:
                when = f"{source.published.astimezone(UTC):%Y-%m-%d %H:%M}"
                published = chat.text("chat.source_published", when=when)
                return Reply.text(f"[{source.n}] {source.title}\n{source.url}\n{published}")
        if command.word:
            problem = chat.text("chat.not_a_source", value=command.word, count=len(sources))
            return Reply.text(problem)
        return Reply.text(chat.text("chat.no_such_source", n=command.n, count=len(sources)))
