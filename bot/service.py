"""``digestbot run``: the scheduler and every configured chat adapter, wired together."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from bot.commands import Commands, RetrievalAnswerer
from bot.config import Config
from bot.delivery.prepare import DigestSource


def make_commands(
    db: sqlite_utils.Database,
    config: Config,
    *,
    source: DigestSource | None = None,
    on_change: Callable[[], None] = lambda: None,
) -> Commands:
    return Commands(
        db, config, RetrievalAnswerer(db), source or DigestSource(db), on_change=on_change
    )


async def serve(config: Config, secrets: object) -> None:
    raise NotImplementedError  # wired in the scheduler step
