"""Which publication times a digest for a given date covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.config import TopicConfig
from bot.models import Window


def digest_window(topic: TopicConfig, day: date) -> Window:
    """The ``window_hours`` ending at the topic's delivery time on ``day``, in its timezone."""
    end = datetime.combine(day, topic.delivery, tzinfo=topic.tz).astimezone(UTC)
    return Window(start=end - timedelta(hours=topic.window_hours), end=end)


def history_start(topic: TopicConfig, window: Window) -> datetime:
    """Anything published before this is stale for a digest ending at ``window.end``."""
    return window.end - timedelta(days=topic.history_days)


def today_in(topic: TopicConfig, now: datetime | None = None) -> date:
    moment = now or datetime.now(UTC)
    return moment.astimezone(topic.tz).date()
