"""Which digest date is due at a moment, and when a daily slot last fired. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.window import latest_closed_day as latest_day

__all__ = ["last_fire", "latest_day"]


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
