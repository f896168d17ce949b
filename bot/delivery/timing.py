"""Which digest date is due at a moment, and when a daily slot last fired. Pure."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.window import latest_closed_day as latest_day
from bot.window import previous_instant

__all__ = ["last_fire", "latest_day"]


def last_fire(hh_mm: str, timezone: str, now: datetime) -> datetime:
    """The latest moment at or before ``now`` when a daily ``HH:MM`` slot in ``timezone``
    fired (UTC), by :mod:`bot.window`'s rule for DST gaps and folds."""
    hour, minute = (int(part) for part in hh_mm.split(":"))
    return previous_instant(time(hour, minute), ZoneInfo(timezone), now)
