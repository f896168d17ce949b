"""The bundled sample corpus, moved in time so that its last day is a recent one.

The corpus was recorded for the digest of 2026-11-21 (its news runs to 2026-11-21 00:00
UTC). Replayed as recorded, every command that defaults to a recent day would find nothing,
so the demo replays a copy whose dates are moved by whole days: feed dates (RFC 822 and
ISO 8601), page dates (meta tags, ``<time>``, written-out dates in English and French) and
the dates in article URLs (``/2026/11/20/``), which page-date extraction also reads. Dates
outside the recorded month (the stale items retelling 2023 and 2024 launches) stay as they
are, so what is stale stays stale. Weekday names in prose ("on Friday") are not moved.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

CORPUS_END = datetime(2026, 11, 21, tzinfo=UTC)
"""The end of the window of the corpus's last digest (2026-11-21 08:00 Asia/Taipei)."""
CORPUS_LAST_DAY = date(2026, 11, 21)
# Only dates of the recorded weeks are moved; older ones are the corpus's stale items.
_MOVED_FROM, _MOVED_TO = date(2026, 11, 1), date(2026, 11, 30)
_TEXT_SUFFIXES = (".rss", ".atom", ".xml", ".html", ".htm", ".json")

_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_FR_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
_RFC_MONTHS = [m[:3] for m in _EN_MONTHS]
_RFC_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

_ISO = re.compile(r"(?<![\d/])(\d{4})-(\d{2})-(\d{2})(?!\d)")
_URL_PATH = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")
_RFC_822 = re.compile(
    r"\b(?:" + "|".join(_RFC_DAYS) + r"), (\d{1,2}) (" + "|".join(_RFC_MONTHS) + r") (\d{4})\b"
)
_EN_LONG = re.compile(r"\b(" + "|".join(_EN_MONTHS) + r") (\d{1,2}), (\d{4})\b")
_MONTH_NAMES = (_EN_MONTHS, _FR_MONTHS, _RFC_MONTHS)
_DAY_MONTH = re.compile(
    r"\b(\d{1,2}) (" + "|".join(_EN_MONTHS + _FR_MONTHS + _RFC_MONTHS) + r") (\d{4})\b"
)


@dataclass(frozen=True)
class SampleShift:
    days: int
    corpus: Path
    """The moved copy of the corpus, to replay instead of the recorded one."""

    @property
    def last_day(self) -> date:
        return CORPUS_LAST_DAY + timedelta(days=self.days)

    def describe(self) -> str:
        return (
            f"sample corpus: dates moved by {self.days} days so its last day is "
            f"{self.last_day.isoformat()}"
        )


def shift_for(now: datetime) -> int:
    """Whole days that put the corpus's end at or just before ``now``: its last digest
    window is then the newest one closed (for the bundled topic, exactly)."""
    return (now.astimezone(UTC) - CORPUS_END).days


def shift_dates(text: str, days: int) -> str:
    """``text`` with every date of the recorded weeks moved by ``days``."""
    delta = timedelta(days=days)

    def moved(year: str, month: str | int, day: str) -> date | None:
        try:
            original = date(int(year), int(month), int(day))
        except ValueError:
            return None
        return original + delta if _MOVED_FROM <= original <= _MOVED_TO else None

    def sub(pattern: re.Pattern[str], render: Callable[[re.Match[str]], str | None]) -> None:
        nonlocal text
        text = pattern.sub(lambda m: render(m) or m.group(0), text)

    def iso(m: re.Match[str]) -> str | None:
        new = moved(m[1], m[2], m[3])
        return new.isoformat() if new else None

    def url_path(m: re.Match[str]) -> str | None:
        new = moved(m[1], m[2], m[3])
        return f"/{new:%Y/%m/%d}/" if new else None

    def rfc_822(m: re.Match[str]) -> str | None:
        new = moved(m[3], _RFC_MONTHS.index(m[2]) + 1, m[1])
        if new is None:
            return None
        return f"{_RFC_DAYS[new.weekday()]}, {new.day:02d} {_RFC_MONTHS[new.month - 1]} {new.year}"

    def en_long(m: re.Match[str]) -> str | None:
        new = moved(m[3], _EN_MONTHS.index(m[1]) + 1, m[2])
        return f"{_EN_MONTHS[new.month - 1]} {new.day}, {new.year}" if new else None

    def day_month(m: re.Match[str]) -> str | None:
        names = next(names for names in _MONTH_NAMES if m[2] in names)
        new = moved(m[3], names.index(m[2]) + 1, m[1])
        return f"{new.day} {names[new.month - 1]} {new.year}" if new else None

    for pattern, render in (
        (_ISO, iso),
        (_URL_PATH, url_path),
        (_RFC_822, rfc_822),
        (_EN_LONG, en_long),
        (_DAY_MONTH, day_month),
    ):
        sub(pattern, render)
    return text


def _shift_file(path: Path, days: int) -> None:
    raw = path.read_bytes()
    # Pages keep their declared charset: a windows-1252 page stays windows-1252.
    encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
        text = raw.decode(encoding, errors="surrogateescape")
    moved = shift_dates(text, days)
    if moved != text:
        path.write_bytes(moved.encode(encoding, errors="surrogateescape"))


def shifted_corpus(corpus: Path, days: int, into: Path) -> SampleShift:
    """Copy ``corpus`` into the empty or missing folder ``into`` with its dates moved."""
    shutil.copytree(corpus, into, dirs_exist_ok=True)
    for path in into.rglob("*"):
        if path.is_file() and path.suffix.lower() in _TEXT_SUFFIXES:
            _shift_file(path, days)
    return SampleShift(days=days, corpus=into)
