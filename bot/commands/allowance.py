"""How many digests each chat and each user has had built on demand today.

``digest DAY`` for a day with no stored digest builds one, and in ``digestbot run`` that
first collects the day's news: minutes of fetching and model calls that a stranger could
ask for again and again. So, outside the bot's operators, each chat and each user may have
``[chat] collections_per_day`` of them per UTC day; a stored digest is always free. The
counts live in memory: a restart forgets them, which costs at most one more day's share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date


class CollectionAllowance:
    def __init__(self) -> None:
        self._day: date | None = None
        self._used: Counter[str] = Counter()

    def take(self, keys: Sequence[str], per_day: int, today: date) -> bool:
        """Count one build against every key ("chat:telegram:5", ...) if none has had
        ``per_day`` of them ``today``; False (nothing counted) otherwise."""
        if today != self._day:
            self._day, self._used = today, Counter()
        if any(self._used[key] >= per_day for key in keys):
            return False
        for key in keys:
            self._used[key] += 1
        return True
