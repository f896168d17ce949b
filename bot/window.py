"""Which publication times a digest for a given date covers, and which dates can have a
digest yet: only those whose window has closed (the CLI, the chat and the scheduler share
these rules).

A wall-clock time names one instant on most days, none on the day the clocks spring
forward over it and two on the day they fall back. :func:`local_instant` settles both
cases with one rule, *the first moment the local clock shows that time or later*:

- in a spring-forward gap (02:30 in Europe/Paris on 2026-03-29) it is the moment the
  clocks jump (03:00 CEST, 01:00 UTC);
- in a fall-back fold (02:30 on 2026-10-25) it is the first occurrence (02:30 CEST,
  00:30 UTC).

A window ends at the topic's delivery time on its day and starts ``window_hours`` before
it, counted on the local clock (the delivery time on the previous day with the default 24)
and resolved by the same rule. So each day's window starts exactly where the previous
day's ended, 23 hours long in spring and 25 in autumn, and every instant belongs to one
window: none in two, none in neither.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.config import TopicConfig
from bot.errors import UsageError
from bot.models import Window


def _wall(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def wall_instant(wall: datetime, zone: tzinfo) -> datetime:
    """The first moment (UTC) at which the clock in ``zone`` shows ``wall`` (naive) or later."""
    first, second = sorted(wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    for candidate in (first, second):
        if _wall(candidate, zone) == wall:
            return candidate  # it exists: once, or twice in a fold (the earlier one)
    # A gap. Read with the offset after the jump, ``wall`` is an instant before it, whose
    # clock shows an earlier time; with the offset before, one after it showing a later
    # time. The jump is between the two: found to the second.
    low, high = first, second
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if _wall(middle, zone) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def local_instant(day: date, at: time, zone: tzinfo) -> datetime:
    """When ``at`` on ``day`` happens in ``zone`` (UTC): see the module's rule."""
    return wall_instant(datetime.combine(day, at), zone)


def previous_instant(at: time, zone: tzinfo, now: datetime) -> datetime:
    """The latest daily ``at`` in ``zone`` at or before ``now`` (UTC)."""
    day = now.astimezone(zone).date() + timedelta(days=1)
    while (moment := local_instant(day, at, zone)) > now:
        day -= timedelta(days=1)
    return moment


def next_instant(at: time, zone: tzinfo, after: datetime) -> datetime:
    """The earliest daily ``at`` in ``zone`` strictly after ``after`` (UTC)."""
    day = after.astimezone(zone).date() - timedelta(days=1)
    while (moment := local_instant(day, at, zone)) <= after:
        day += timedelta(days=1)
    return moment


def digest_window(topic: TopicConfig, day: date) -> Window:
    """The ``window_hours`` ending at the topic's delivery time on ``day``, in its timezone,
    counted on the local clock (with 24: from the delivery time on the day before)."""
    zone = topic.tz
    end_wall = datetime.combine(day, topic.delivery)
    start_wall = end_wall - timedelta(hours=topic.window_hours)  # naive: wall-clock hours
    return Window(start=wall_instant(start_wall, zone), end=wall_instant(end_wall, zone))


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
    day = moment.astimezone(topic.tz).date() + timedelta(days=1)
    while local_instant(day, topic.delivery, topic.tz) > moment:
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
