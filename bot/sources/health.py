"""When a failing source is paused, and until when. Pure: storage only records the outcome.

A source failing ``fetch.pause_after_failures`` runs in a row is paused for
``fetch.paused_retry_hours``; a paused source is skipped (and reported) until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Pause:
    until: datetime
    reason: str


def pause_for(
    failures: int, error: str, *, pause_after: int, retry_hours: float, now: datetime
) -> Pause | None:
    """The pause a source earns with ``failures`` failed runs in a row, the last ``error``."""
    if failures < pause_after:
        return None
    return Pause(
        until=now + timedelta(hours=retry_hours),
        reason=f"{failures} failed runs in a row; last: {error}",
    )
