"""Which digest date is due at a moment, and when a daily slot last fired. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import TopicConfig
from bot.window import digest_window


def latest_day(topic: TopicConfig, now: datetime | None = None) -> date:
    """The newest date whose digest window has closed by ``now``."""
    moment = now or datetime.now(UTC)
    day = moment.astimezone(topic.tz).date()
    if digest_window(topic, day).end > moment:
        day -= timedelta(days=1)
    return day


def last_fire(time: str, timezone: str, now: datetime) -> datetime:
    """The latest moment at or before ``now`` when a daily ``HH:MM`` slot in ``timezone`` fired."""
    hour, minute = (int(part) for part in time.split(":"))
    local = now.astimezone(ZoneInfo(timezone))
    fire = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if fire > local:
        fire = (local - timedelta(days=1)).replace(
            hour=hour, minute=minute, second=0, microsecond=0
        )
    return fire.astimezone(UTC)
