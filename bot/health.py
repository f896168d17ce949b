"""How the service is doing, from what storage recorded: each source's last fetch (failing,
paused, stale, never fetched), the newest digest of each topic and mode, deliveries by
status and the model tokens spent today. ``digestbot doctor`` and the ``status`` chat
command both show these :class:`Facts`; neither touches the network here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import sqlite_utils

from bot.config import Config, TopicConfig
from bot.models import SourceHealth
from storage import delivery as delivery_store
from storage import health as health_store
from storage import sources as source_store
from storage.health import LatestDigest

State = Literal["ok", "never", "failing", "paused", "stale"]
BAD_STATES: frozenset[State] = frozenset({"failing", "paused", "stale"})
# A topic is collected before each of its digests, so a source whose last good fetch is a
# window and a day old has missed at least one collection.
STALE_SLACK = timedelta(hours=24)


@dataclass(frozen=True)
class SourceStatus:
    topic: str
    url: str
    origin: str
    """``config`` or ``opml`` (imported)."""
    state: State
    detail: str
    """What was recorded: the last error, the pause's reason, or when it last worked."""
    last_success: datetime | None = None
    failures: int = 0

    @property
    def bad(self) -> bool:
        return self.state in BAD_STATES


@dataclass(frozen=True)
class TopicSources:
    topic: str
    sources: tuple[SourceStatus, ...]

    def count(self, *states: State) -> int:
        return sum(1 for s in self.sources if s.state in states)

    @property
    def imported(self) -> int:
        return sum(1 for s in self.sources if s.origin == "opml")


@dataclass(frozen=True)
class Facts:
    topics: tuple[TopicSources, ...]
    digests: tuple[LatestDigest, ...]
    deliveries: Mapping[str, int]
    """Deliveries by status (pending, sending, sent, uncertain, failed)."""
    prompt_tokens_today: int
    completion_tokens_today: int

    @property
    def bad_sources(self) -> list[SourceStatus]:
        return [s for topic in self.topics for s in topic.sources if s.bad]

    @property
    def tokens_today(self) -> int:
        return self.prompt_tokens_today + self.completion_tokens_today


def source_states(db: sqlite_utils.Database, topic: TopicConfig, now: datetime) -> TopicSources:
    """Every source the next collection reads (the config's and those imported from OPML)
    with its state. A stored source that left the config is no longer read: left out."""
    stored = {s.url: s for s in source_store.source_health(db, topic.slug)}
    configured = [s.url for s in topic.sources]
    imported = [url for url, s in stored.items() if s.origin == "opml" and url not in configured]
    stale_before = now - timedelta(hours=topic.window_hours) - STALE_SLACK
    states = [
        _state(topic.slug, url, "config" if url in configured else "opml", stored.get(url), now,
               stale_before)
        for url in dict.fromkeys([*configured, *imported])
    ]  # fmt: skip
    return TopicSources(topic.slug, tuple(states))


def _state(
    topic: str,
    url: str,
    origin: str,
    health: SourceHealth | None,
    now: datetime,
    stale_before: datetime,
) -> SourceStatus:
    if health is None:
        return SourceStatus(topic, url, origin, "never", "not fetched yet")
    last = health.last_success
    shown = f"{last:%Y-%m-%d %H:%M} UTC" if last else "never"
    state: State
    if health.paused_at(now):
        assert health.paused_until is not None
        until = f"{health.paused_until:%Y-%m-%d %H:%M} UTC"
        state, detail = "paused", f"paused until {until}: {health.paused_reason}"
    elif health.consecutive_failures:
        runs = health.consecutive_failures
        state = "failing"
        detail = f"failed {runs} run(s) in a row (last success {shown}): {health.last_error}"
    elif last is None:
        state, detail = "never", "not fetched yet"
    elif last < stale_before:
        state, detail = "stale", f"last fetched {shown}"
    else:
        state, detail = "ok", f"last fetched {shown}"
    return SourceStatus(topic, url, origin, state, detail, last, health.consecutive_failures)


def gather(db: sqlite_utils.Database, config: Config, now: datetime | None = None) -> Facts:
    now = now or datetime.now(UTC)
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    prompt, completion = health_store.digest_tokens_since(db, midnight)
    return Facts(
        topics=tuple(source_states(db, topic, now) for topic in config.topics),
        digests=tuple(health_store.latest_digests(db)),
        deliveries=delivery_store.count_by_status(db),
        prompt_tokens_today=prompt,
        completion_tokens_today=completion,
    )
