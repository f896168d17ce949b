"""How many digests each chat and each user has had built on demand today.

``digest DAY`` for a day with no stored digest builds one, and in ``digestbot run`` that
first collects the day's news: minutes of fetching and model calls that a stranger could
ask for again and again. So, outside the bot's operators, each chat and each user may have
``[chat] collections_per_day`` of them per UTC day; a stored digest is always free. The
counts are stored, so a bot that restarts (or is made to crash) does not hand out a new
day's share.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlite_utils

from storage.allowance import take_build


class CollectionAllowance:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db

    def take(self, keys: Sequence[str], per_day: int, today: date) -> bool:
        """Count one build against every key ("chat:telegram:5", ...) if none has had
        ``per_day`` of them ``today``; False (nothing counted) otherwise."""
        return take_build(self._db, keys, per_day, today)
