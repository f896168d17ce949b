"""``digestbot run``: the service, the scheduler and every chat adapter with a token."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from pathlib import Path

from app.cli.output import EXIT_OK
from bot.config import BUNDLED_REPLAY, Config, Secrets, load_config
from bot.errors import UsageError


def run_command(config: Config, config_path: Path | None = None) -> int:
    """``config_path``: the file SIGHUP loads again (None: no reloading)."""
    from app.service import serve
    from bot.logging_setup import install_redaction

    secrets = Secrets.from_env()
    if not (secrets.telegram_bot_token or secrets.discord_bot_token):
        # Without an adapter nothing could be delivered or asked: say so instead of idling.
        raise UsageError(
            "no chat adapter to run: set TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN "
            "(try the commands without a token in 'digestbot chat')"
        )
    logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
    install_redaction(
        [secrets.mistral_api_key, secrets.telegram_bot_token, secrets.discord_bot_token]
    )
    reload = None if config_path is None else partial(_reload, config_path, config)
    asyncio.run(serve(config, secrets, reload=reload))
    return EXIT_OK


def _reload(path: Path, running: Config) -> Config:
    fresh = load_config(path)
    if fresh.fetch.replay_dir == BUNDLED_REPLAY:
        # The running service replays a copy of the sample moved to the present: keep it.
        fetch = fresh.fetch.model_copy(update={"replay_dir": running.fetch.replay_dir})
        fresh = fresh.model_copy(update={"fetch": fetch})
    return fresh
