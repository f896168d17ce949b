"""What every query module shares: timestamps as ISO text, IN lists, primary keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import overload


def now_utc() -> datetime:
    return datetime.now(UTC)


@overload
def to_iso(moment: datetime) -> str: ...
@overload
def to_iso(moment: None) -> None: ...
def to_iso(moment: datetime | None) -> str | None:
    """A moment as stored: ISO 8601 in UTC, so that text order is time order."""
    return moment.astimezone(UTC).isoformat() if moment else None


@overload
def from_iso(value: str) -> datetime: ...
@overload
def from_iso(value: None) -> None: ...
def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def now_iso() -> str:
    return now_utc().isoformat()


def in_list(values: Sequence[object]) -> str:
    """``(?, ?, ...)`` for ``values``: the parameters go in separately, never in the SQL."""
    return "(" + ",".join("?" for _ in values) + ")"


def pk(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected an integer primary key, got {value!r}")
    return value
