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

from app.metrics_server import MetricsServer, start_metrics
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
    on_change: Callable[[], None] = lambda: None,
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
    source = CollectingDigestSource(
        db, config.fetch, model=model, judge_pages=config.mistral.judge_pages
    )
    scheduler: DeliveryScheduler | None = None

    def changed() -> None:
        if scheduler is not None:
            scheduler.refresh()

    commands = make_commands(db, config, source=source, model=model, on_change=changed)
    adapters: list[ChatAdapter] = []
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
    started: list[ChatAdapter] = []
    metrics: MetricsServer | None = None
    failure: DeliveryError | None = None
    try:
        started = await _start_each(adapters)
        metrics = await start_metrics(
            config.metrics, lambda: {"status": "ok", "adapters": [a.name for a in started]}
        )
        # Only the adapters that run get deliveries; the others' wait for the next start.
        fanout = Fanout(db, [a.sender for a in started], workers=config.delivery.workers)
        recovered = fanout.recover()
        if recovered:
            log.warning("%s delivery(ies) were interrupted by a crash: marked uncertain", recovered)
        scheduler = DeliveryScheduler(db, config, fanout, source)
        scheduler.start()
        log.info("scheduler: jobs %s", scheduler.job_ids())
        catching_up = asyncio.create_task(scheduler.catch_up())
        failure = await _until_stopped_or_failed(stop, started)
        catching_up.cancel()
    finally:
        if metrics is not None:
            await metrics.stop()
        if scheduler is not None:
            scheduler.shutdown()
        for adapter in reversed(started):
            await _stop(adapter)
        if model is not None:
            await model.aclose()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    if failure is not None:  # after the others finished their work: one line, exit 1
        raise failure


async def _start_each(adapters: list[ChatAdapter]) -> list[ChatAdapter]:
    """Start every adapter. When one cannot start (a refused token, an unreachable
    server), those already started stop cleanly and run ends with that one's error."""
    started: list[ChatAdapter] = []
    for adapter in adapters:
        try:
            await adapter.start()
        except Exception as exc:  # DeliveryError, or a bug: either way, stop cleanly
            await _stop(adapter)
            for other in reversed(started):
                await _stop(other)
            raise _ended(adapter, exc, "could not start") from None
        started.append(adapter)
    return started


async def _until_stopped_or_failed(
    stop: asyncio.Event, adapters: list[ChatAdapter]
) -> DeliveryError | None:
    """Wait for ``stop``, or for an adapter to fail for good (its token revoked): that
    one is stopped at once, and the error returned (the others stop as for ``stop``)."""
    waits = {asyncio.create_task(adapter.failed()): adapter for adapter in adapters}
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait([stopping, *waits], return_when=asyncio.FIRST_COMPLETED)
    for task in [stopping, *waits]:
        task.cancel()
    failed = [task for task in waits if task.done() and not task.cancelled()]
    if not failed:
        return None
    adapter = waits[failed[0]]
    error = _ended(adapter, failed[0].result(), "failed")
    log.error("%s; stopping run", error)
    adapters.remove(adapter)
    await _stop(adapter)
    return error


def _ended(adapter: ChatAdapter, exc: BaseException, what: str) -> DeliveryError:
    return DeliveryError(f"{adapter.name} adapter {what}, run stopped: {exc}")


async def _stop(adapter: ChatAdapter) -> None:
    try:
        await adapter.stop()
    except Exception:
        log.exception("%s adapter did not stop cleanly", adapter.name)
