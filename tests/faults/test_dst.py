"""Digest windows across DST changes: each day's window starts where the previous day's
ended, whatever the change (23- and 25-hour days, a 30-minute change on Lord Howe, the
southern hemisphere's seasons), so every story is in exactly one digest; a delivery time
that a DST change skips or repeats maps to one instant, the same for the window that ends
there and the one that starts there, and the delivery slot fires at that instant, once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import TopicConfig
from bot.digest import build_digest_async
from bot.models import Article
from bot.scheduler import DailyTrigger
from bot.window import digest_window, latest_closed_day, local_instant
from storage import articles as article_store
from storage import open_database

ZONES = ("Europe/Paris", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe")
# Ordinary times, and the ones a change skips or repeats in one of the zones: 02:00-03:00
# (Paris, New York, Sydney), 02:00-02:30 (Lord Howe), and the edges of the day.
DELIVERY_TIMES = ("08:00", "02:30", "02:15", "01:45", "00:00", "23:59")
YEAR = [date(2026, 1, 1) + timedelta(days=n) for n in range(366)]
HOUR = timedelta(hours=1)


def _topic(timezone: str, delivery_time: str = "08:00", window_hours: int = 24) -> TopicConfig:
    return TopicConfig(
        slug="topic",
        name="Topic",
        keywords=["topic"],
        timezone=timezone,
        delivery_time=delivery_time,
        window_hours=window_hours,
    )


@pytest.mark.parametrize("timezone", ZONES)
def test_a_year_of_windows_meets_end_to_start_and_dst_days_are_shorter_or_longer(
    timezone: str,
) -> None:
    for delivery_time in DELIVERY_TIMES:
        topic = _topic(timezone, delivery_time)
        windows = [digest_window(topic, day) for day in YEAR]
        lengths: Counter[timedelta] = Counter()
        for day, before, window in zip(YEAR[1:], windows, windows[1:], strict=False):
            assert window.start == before.end, f"{timezone} {delivery_time} {day}: a seam"
            lengths[window.end - window.start] += 1
        change = timedelta(minutes=30) if timezone == "Australia/Lord_Howe" else HOUR
        full = timedelta(days=1)
        shorter = [length - full for length in lengths.elements() if length < full]
        longer = [length - full for length in lengths.elements() if length > full]
        # Spring takes the change's length from the year and autumn gives it back: from
        # one window, or from two when the delivery time is inside the skipped hour (the
        # day it is skipped ends early, at the jump, and the next one starts there).
        assert sum(shorter, timedelta(0)) == -change, f"{timezone} {delivery_time}: {lengths}"
        assert sum(longer, timedelta(0)) == change, f"{timezone} {delivery_time}: {lengths}"
        assert lengths[full] >= len(YEAR) - 1 - 3


def test_the_story_of_the_issue_is_in_the_autumn_digest_and_in_no_other() -> None:
    topic = _topic("Europe/Paris")  # 08:00: 06:00 UTC in summer time, 07:00 in winter
    story = datetime(2026, 10, 24, 6, 30, tzinfo=UTC)  # was in neither digest
    holding = [day for day in YEAR if story in digest_window(topic, day)]
    assert holding == [date(2026, 10, 25)]
    autumn = digest_window(topic, date(2026, 10, 25))
    assert (autumn.start, autumn.end) == (
        datetime(2026, 10, 24, 6, tzinfo=UTC),
        datetime(2026, 10, 25, 7, tzinfo=UTC),
    )


def test_the_spring_hour_that_was_in_two_digests_is_in_one() -> None:
    topic = _topic("Europe/Paris")
    story = datetime(2026, 3, 28, 6, 30, tzinfo=UTC)  # 07:30 CET, before 08:00 on the 28th
    assert [day for day in YEAR if story in digest_window(topic, day)] == [date(2026, 3, 28)]
    spring = digest_window(topic, date(2026, 3, 29))
    assert spring.end - spring.start == timedelta(hours=23)


def test_a_delivery_time_the_clocks_skip_is_the_moment_they_jump() -> None:
    paris = ZoneInfo("Europe/Paris")
    # 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:30 never shows.
    assert local_instant(date(2026, 3, 29), time(2, 30), paris) == datetime(
        2026, 3, 29, 1, tzinfo=UTC
    )
    topic = _topic("Europe/Paris", "02:30")
    gap_day = digest_window(topic, date(2026, 3, 29))
    assert gap_day.end == datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert digest_window(topic, date(2026, 3, 30)).start == gap_day.end
    # Lord Howe moves by half an hour: 02:00 becomes 02:30 (15:30 UTC the day before).
    lord_howe = _topic("Australia/Lord_Howe", "02:15")
    skipped = digest_window(lord_howe, date(2026, 10, 4))
    assert skipped.end == datetime(2026, 10, 3, 15, 30, tzinfo=UTC)
    # 02:15 the day before to the jump, then from the jump to 02:15 the day after.
    assert skipped.end - skipped.start == timedelta(hours=23, minutes=45)
    assert digest_window(lord_howe, date(2026, 10, 5)).start == skipped.end


def test_a_delivery_time_the_clocks_repeat_is_its_first_occurrence() -> None:
    topic = _topic("Europe/Paris", "02:30")
    # 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 shows at 00:30 and at 01:30 UTC.
    fold_day = digest_window(topic, date(2026, 10, 25))
    assert fold_day.end == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert digest_window(topic, date(2026, 10, 26)).start == fold_day.end
    assert fold_day.end - fold_day.start == timedelta(hours=24)  # 02:30 CEST to 02:30 CEST
    after = digest_window(topic, date(2026, 10, 26))
    assert after.end - after.start == timedelta(hours=25)  # 02:30 CEST to 02:30 CET
    # The second 02:30 is in the next day's window, not a second digest of the 25th.
    assert latest_closed_day(topic, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == date(2026, 10, 25)


def test_windows_shorter_than_a_day_count_hours_on_the_local_clock() -> None:
    topic = _topic("America/New_York", "08:00", window_hours=12)
    # 2026-03-08: 02:00 EST becomes 03:00 EDT, inside the 20:00-08:00 window.
    window = digest_window(topic, date(2026, 3, 8))
    new_york = ZoneInfo("America/New_York")
    assert window.start.astimezone(new_york).hour == 20
    assert window.end.astimezone(new_york).hour == 8
    assert window.end - window.start == timedelta(hours=11)


@pytest.mark.parametrize(
    ("timezone", "at", "day", "expected"),
    [
        ("Europe/Paris", "02:30", date(2026, 3, 29), datetime(2026, 3, 29, 1, tzinfo=UTC)),
        ("Europe/Paris", "02:30", date(2026, 10, 25), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (
            "Australia/Lord_Howe",
            "02:15",
            date(2026, 10, 4),
            datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
        ),
        (
            "Australia/Lord_Howe",
            "01:45",
            date(2026, 4, 5),  # 02:00 LHDT becomes 01:30 LHST: 01:45 shows twice
            datetime(2026, 4, 4, 14, 45, tzinfo=UTC),
        ),
        ("America/New_York", "01:30", date(2026, 11, 1), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ],
)
def test_the_delivery_slot_fires_once_on_a_dst_day_when_that_day_s_window_ends(
    timezone: str, at: str, day: date, expected: datetime
) -> None:
    hour, minute = (int(part) for part in at.split(":"))
    trigger = DailyTrigger(time(hour, minute), timezone)
    start = datetime.combine(day - timedelta(days=2), time(12), tzinfo=UTC)
    fires = [trigger.get_next_fire_time(None, start)]
    for _ in range(4):
        previous = fires[-1]
        assert previous is not None
        fires.append(trigger.get_next_fire_time(previous, previous))
    zone = ZoneInfo(timezone)
    on_the_day = [f for f in fires if f is not None and f.astimezone(zone).date() == day]
    assert on_the_day == [expected]
    topic = _topic(timezone, at)
    assert digest_window(topic, day).end == expected
    assert latest_closed_day(topic, expected) == day
    # One firing a day: cron fires twice on a fall-back day.
    days = [f.astimezone(zone).date() for f in fires if f is not None]
    assert len(days) == len(set(days))


def _article(url: str, published: datetime, words: str) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        title=f"Topic news: {words}",
        text=f"The topic {words}. " * 12,
        published=published,
        fetched=published + HOUR,
        language="en",
        content_hash=url,
        source_url="https://feed.example/rss",
        relevance=50.0,
    )


async def test_every_stored_story_around_both_changes_is_in_exactly_one_digest(
    tmp_path: Path,
) -> None:
    db = open_database(tmp_path / "d.db")
    topic = _topic("Europe/Paris")
    words = iter(
        [
            "harbour lighthouse repainted",
            "orchard harvest record",
            "violin workshop opening",
            "glacier survey finished",
            "tram line extended",
            "library archive digitised",
            "bakery guild award",
            "observatory dome repaired",
            "ferry timetable changed",
            "museum roof restored",
            "marathon route announced",
            "vineyard frost damage",
        ]
    )
    urls: list[str] = []
    for change in (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)):
        # Around the change, and on and beside the 08:00 seams either side of it.
        for offset in (-26, -19, -18.5, 4, 5.5, 29):
            published = change + timedelta(hours=offset)
            url = f"https://news.example/{published:%Y%m%d%H%M}"
            article_store.insert_article(db, topic.slug, _article(url, published, next(words)))
            urls.append(url)
    in_digests: Counter[str] = Counter()
    days = [date(2026, 3, d) for d in range(27, 32)] + [date(2026, 10, d) for d in range(23, 28)]
    for day in days:
        built = await build_digest_async(db, topic, day, "en")
        in_digests.update(source.url for source in built.digest.sources)
    assert in_digests == dict.fromkeys(urls, 1)


@pytest.mark.parametrize(
    ("timezone", "day", "hours"),
    [
        ("Europe/Paris", date(2026, 3, 29), "23"),
        ("Europe/Paris", date(2026, 10, 25), "25"),
        ("Europe/Paris", date(2026, 10, 26), "24"),
        ("Australia/Lord_Howe", date(2026, 4, 5), "24.5"),
    ],
)
async def test_the_digest_says_how_many_hours_its_day_really_had(
    tmp_path: Path, timezone: str, day: date, hours: str
) -> None:
    db = open_database(tmp_path / "d.db")
    topic = _topic(timezone)
    window = digest_window(topic, day)
    story = _article("https://news.example/one", window.end - 2 * HOUR, "harbour lighthouse")
    article_store.insert_article(db, topic.slug, story)
    story_digest = (await build_digest_async(db, topic, day, "en")).digest
    assert f"in the last {hours} hours" in story_digest.trend.text
    empty = open_database(tmp_path / "empty.db")
    quiet = (await build_digest_async(empty, topic, day, "en")).digest
    assert quiet.quiet and f"in the {hours} hours before" in quiet.trend.text
