"""On-demand digest builds counted per key ("chat:telegram:5", "user:discord:7") and UTC day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import sqlite_utils

# Counts older than this are of no use to any limit and are dropped as new ones are taken.
KEEP_DAYS = 7


def take_build(db: sqlite_utils.Database, keys: Sequence[str], per_day: int, day: date) -> bool:
    """Count one build against every key if none has had ``per_day`` on ``day``; False
    (nothing counted) otherwise. One transaction: two chats of the same user cannot both
    take the last build."""
    with db.conn:
        marks = ", ".join("?" for _ in keys)
        row = db.execute(
            "select coalesce(max(used), 0) from on_demand_builds "
            f"where day = ? and key in ({marks})",
            [day.isoformat(), *keys],
        ).fetchone()
        if row[0] >= per_day:
            return False
        db.conn.executemany(
            "insert into on_demand_builds (key, day, used) values (?, ?, 1) "
            "on conflict (key, day) do update set used = used + 1",
            [(key, day.isoformat()) for key in keys],
        )
        db.execute(
            "delete from on_demand_builds where day < ?",
            [(day - timedelta(days=KEEP_DAYS)).isoformat()],
        )
    return True
