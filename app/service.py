"""``digestbot run``: the scheduler and every configured chat adapter, wired together.

This is the composition root: adapters are imported here only when their token is set, so
``bot/`` itself never depends on a chat platform library.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Any

import sqlite_utils

from bot.commands import COMMANDS, Commands
from bot.config import Config, Secrets
from bot.delivery.fanout import Fanout
from bot.delivery.prepare import CollectingDigestSource, DigestSource
from bot.llm import LanguageModel, make_model
from bot.qa.chat import SourcesAnswerer
from bot.scheduler import DeliveryScheduler
from storage import open_database

log = logging.getLogger(__name__)


def make_commands(
    db: sqlite_utils.Database,
    config: Config,
    *,
    source: DigestSource | None = None,
    model: LanguageModel | None = None,
    on_change: Callable[[], None] = lambda: None,
) -> Commands:
    """The command layer over the Q&A engine; ``model`` None means extractive answers."""
    return Commands(
        db,
        config,
        SourcesAnswerer(db, config, model),
        source or DigestSource(db, model=model),
        registry=COMMANDS,
        on_change=on_change,
    )


async def serve(config: Config, secrets: Secrets, *, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or ``stop``): adapters answer commands, the scheduler
    delivers, and deliveries missed during downtime are caught up."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    db = open_database(config.storage.path)
    model = make_model(config.mistral, secrets)
    if model is None:
        log.warning("MISTRAL_API_KEY is not set: digests and answers are extractive")
    source = CollectingDigestSource(db, config.fetch, model=model)
    scheduler: DeliveryScheduler | None = None

    def changed() -> None:
        if scheduler is not None:
            scheduler.refresh()

    commands = make_commands(db, config, source=source, model=model, on_change=changed)
    adapters: list[Any] = []
    if secrets.telegram_bot_token:
        from adapters.telegram.app import telegram_adapter

        adapters.append(
            telegram_adapter(
                config.telegram,
                secrets.telegram_bot_token,
                commands,
                workers=config.delivery.workers,
            )
        )
    else:
        log.warning("TELEGRAM_BOT_TOKEN is not set: the Telegram adapter is off")
    if secrets.discord_bot_token:
        from adapters.discord.app import discord_adapter

        adapters.append(discord_adapter(config.discord, secrets.discord_bot_token, commands))
    else:
        log.warning("DISCORD_BOT_TOKEN is not set: the Discord adapter is off")
    fanout = Fanout(db, [a.sender for a in adapters], workers=config.delivery.workers)
    recovered = fanout.recover()
    if recovered:
        log.warning("%s delivery(ies) were interrupted by a crash: marked uncertain", recovered)
    started: list[Any] = []
    try:
        for adapter in adapters:
            await adapter.start()
            started.append(adapter)
        scheduler = DeliveryScheduler(db, config, fanout, source)
        scheduler.start()
        log.info("scheduler: jobs %s", scheduler.job_ids())
        catching_up = asyncio.create_task(scheduler.catch_up())
        await stop.wait()
        catching_up.cancel()
    finally:
        if scheduler is not None:
            scheduler.shutdown()
        for adapter in reversed(started):
            await adapter.stop()
        if model is not None:
            await model.aclose()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
