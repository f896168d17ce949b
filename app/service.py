"""``digestbot run``: the scheduler and every configured chat adapter, wired together.

This is the composition root: adapters are imported here only when their token is set, so
``bot/`` itself never depends on a chat platform library.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import sqlite_utils

from app.metrics_server import MetricsServer, start_metrics
from app.run_lock import run_lock
from app.signals import ServiceSignals
from bot.chat import ChatAdapter
from bot.commands import COMMANDS, Commands, Registry
from bot.config import Config, Secrets
from bot.delivery.fanout import Fanout
from bot.delivery.prepare import CollectingDigestSource, DigestSource
from bot.errors import DeliveryError, DigestbotError
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


SHUTDOWN_DEADLINE_S = 8.0
"""From SIGTERM to exit, at most (under the 10 s a supervisor such as Docker waits)."""
WIND_DOWN_S = 3.0
"""For the slots under way to be cancelled and their unsent deliveries put back."""
ADAPTER_STOP_S = 3.0
"""For each adapter to stop polling and close; replies still waiting are dropped."""


async def serve(
    config: Config,
    secrets: Secrets,
    *,
    stop: asyncio.Event | None = None,
    reload: Callable[[], Config] | None = None,
) -> None:
    """Run until SIGINT/SIGTERM (or ``stop``): adapters answer commands, the scheduler
    delivers, and deliveries missed during downtime are caught up. SIGHUP calls ``reload``
    for a new configuration; one that fails to load leaves the running one in place.

    A second service on the same database is refused at once (:mod:`app.run_lock`)."""
    with run_lock(config.storage.path):
        await _serve(config, secrets, stop=stop, reload=reload)


async def _serve(
    config: Config,
    secrets: Secrets,
    *,
    stop: asyncio.Event | None,
    reload: Callable[[], Config] | None,
) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    db = open_database(config.storage.path)
    model = make_model(config.mistral, secrets)
    if model is None:
        log.warning("MISTRAL_API_KEY is not set: digests and answers are extractive")
    source = CollectingDigestSource(
        db, config.fetch, model=model, judge_pages=config.mistral.judge_pages
    )
    scheduler: DeliveryScheduler | None = None

    def changed(subscription_id: int) -> None:
        if scheduler is not None:
            scheduler.refresh(subscription_id)  # that one subscription, not all of them

    answerer = SourcesAnswerer(db, config, model)
    commands = Commands(db, config, answerer, source, registry=COMMANDS, on_change=changed)

    def reloaded() -> None:
        nonlocal config
        if reload is None:
            return
        try:
            fresh = reload()
        except DigestbotError as exc:
            reason = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
            log.error("config reload failed, still running the previous config: %s", reason)
            return
        for section in RESTART_SECTIONS:
            if getattr(fresh, section) != getattr(config, section):
                log.warning("config reload: [%s] changed; it takes effect on restart", section)
        config = fresh
        commands.config = answerer.config = fresh
        source.fetch = fresh.fetch
        if scheduler is not None:
            scheduler.config = fresh
            scheduler.refresh()
        log.info("config reloaded: topics %s", ", ".join(t.slug for t in fresh.topics))

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
    metrics: MetricsServer | None = None
    failure: DeliveryError | None = None
    signals = ServiceSignals(loop, stop, deadline_s=SHUTDOWN_DEADLINE_S, on_reload=reloaded)
    with signals:
        try:
            started = await _start_each(adapters)
            metrics = await start_metrics(
                config.metrics, lambda: {"status": "ok", "adapters": [a.name for a in started]}
            )
            # Only the adapters that run get deliveries; the others' wait for the next start.
            fanout = Fanout(db, [a.sender for a in started], workers=config.delivery.workers)
            recovered = fanout.recover()
            if recovered:
                log.warning(
                    "%s delivery(ies) were interrupted by a crash: marked uncertain", recovered
                )
            scheduler = DeliveryScheduler(db, config, fanout, source)
            scheduler.start()
            log.info(
                "scheduler: jobs %s; each slot collects %s min ahead",
                scheduler.job_ids(),
                config.delivery.collect_ahead_minutes,
            )
            catching_up = asyncio.create_task(scheduler.catch_up())
            failure = await _until_stopped_or_failed(stop, started)
            log.info("stopping: unsent deliveries stay pending for the next start")
            catching_up.cancel()
            await asyncio.wait([catching_up], timeout=WIND_DOWN_S)
        finally:
            if metrics is not None:
                await metrics.stop()
            if scheduler is not None:
                await scheduler.stop(WIND_DOWN_S)
            for adapter in reversed(started):
                await _stop(adapter)
            if model is not None:
                await model.aclose()
    if failure is not None:  # after the others finished their work: one line, exit 1
        raise failure


RESTART_SECTIONS = ("storage", "mistral", "telegram", "discord", "web")
"""Config sections a running service holds open (a database, clients, connections)."""


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
        await asyncio.wait_for(adapter.stop(), ADAPTER_STOP_S)
    except TimeoutError:
        log.warning(
            "%s adapter did not stop within %g s: left behind", adapter.name, ADAPTER_STOP_S
        )
    except Exception:
        log.exception("%s adapter did not stop cleanly", adapter.name)
