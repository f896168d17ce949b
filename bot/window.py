"""Which publication times a digest for a given date covers, and which dates can have a
digest yet: only those whose window has closed (the CLI and chat share this rule)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.config import TopicConfig
from bot.errors import UsageError
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


class WindowNotClosed(UsageError):
    """A digest was asked for a day whose window has not closed: its news is not all in."""

    def __init__(self, topic: TopicConfig, day: date, latest: date) -> None:
        closes = digest_window(topic, day).end.astimezone(topic.tz)
        super().__init__(
            f"no digest for {day.isoformat()} yet: its window closes at "
            f"{closes:%Y-%m-%d %H:%M} {topic.timezone}; the latest day is {latest.isoformat()}"
        )
        self.day = day
        self.latest = latest


def latest_closed_day(topic: TopicConfig, now: datetime | None = None) -> date:
    """The newest date whose digest window has closed by ``now``."""
    moment = now or datetime.now(UTC)
    day = moment.astimezone(topic.tz).date()
    if digest_window(topic, day).end > moment:
        day -= timedelta(days=1)
    return day


def require_closed(topic: TopicConfig, day: date, now: datetime | None = None) -> date:
    """``day`` itself when its window has closed by ``now``, else :class:`WindowNotClosed`:
    a digest of a window still open would be stored, exported and delivered half empty."""
    latest = latest_closed_day(topic, now)
    if day > latest:
        raise WindowNotClosed(topic, day, latest)
    return day


def require_started(topic: TopicConfig, day: date, now: datetime | None = None) -> date:
    """``day`` itself unless it is after today in the topic's timezone: collecting for a
    day whose window is still open is fine, for a day ahead nothing has been published."""
    today = today_in(topic, now)
    if day > today:
        raise UsageError(
            f"{day.isoformat()} is in the future: today is {today.isoformat()} in {topic.timezone}"
        )
    return day
