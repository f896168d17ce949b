"""``digestbot run``: the scheduler and every configured chat adapter, wired together.

This is the composition root: adapters are imported here only when their token is set, so
``bot/`` itself never depends on a chat platform library.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

import sqlite_utils

from bot.chat import ChatAdapter
from bot.commands import COMMANDS, Commands, Registry
from bot.config import Config, Secrets
from bot.delivery.fanout import Fanout
from bot.delivery.prepare import CollectingDigestSource, DigestSource
from bot.errors import DeliveryError
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
    on_change: Callable[[int], None] = lambda subscription_id: None,
    registry: Registry[Commands] = COMMANDS,
) -> Commands:
    """The command layer over the Q&A engine; ``model`` None means extractive answers."""
    return Commands(
        db,
        config,
        SourcesAnswerer(db, config, model),
        source or DigestSource(db, model=model),
        registry=registry,
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

    def changed(subscription_id: int) -> None:
        if scheduler is not None:
            scheduler.refresh(subscription_id)  # that one subscription, not all of them

    commands = make_commands(db, config, source=source, model=model, on_change=changed)
    adapters: list[ChatAdapter] = []
    if secrets.telegram_bot_token:
        from adapters.telegram.app import telegram_adapter

        adapters.append(
            telegram_adapter(
                config.telegram,
                secrets.telegram_bot_token,
                commands,
                workers=config.delivery.workers or 16,  # its connection pool
            )
        )
    else:
        log.warning("TELEGRAM_BOT_TOKEN is not set: the Telegram adapter is off")
    if secrets.discord_bot_token:
        from adapters.discord.app import discord_adapter

        adapters.append(discord_adapter(config.discord, secrets.discord_bot_token, commands))
    else:
        log.warning("DISCORD_BOT_TOKEN is not set: the Discord adapter is off")
    started: list[ChatAdapter] = []
    try:
        started = await _start_each(adapters)
        if adapters and not started:
            raise DeliveryError("no chat adapter could start (see the errors above)")
        # Only the adapters that run get deliveries; the others' wait for the next start.
        fanout = Fanout(db, [a.sender for a in started], workers=config.delivery.workers)
        recovered = fanout.recover()
        if recovered:
            log.warning("%s delivery(ies) were interrupted by a crash: marked uncertain", recovered)
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
            await _stop(adapter)
        if model is not None:
            await model.aclose()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _start_each(adapters: list[ChatAdapter]) -> list[ChatAdapter]:
    """Start every adapter; one that fails (a refused token, an unreachable server) is
    logged and left out, and the others go on."""
    started: list[ChatAdapter] = []
    for adapter in adapters:
        try:
            await adapter.start()
        except Exception as exc:  # DeliveryError, or a bug: either way, not the others' fault
            log.error("%s adapter did not start, running without it: %s", adapter.name, exc)
            await _stop(adapter)
            continue
        started.append(adapter)
    return started


async def _stop(adapter: ChatAdapter) -> None:
    try:
        await adapter.stop()
    except Exception:
        log.exception("%s adapter did not stop cleanly", adapter.name)
