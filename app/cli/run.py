"""``digestbot run``: the service, the scheduler and every chat adapter with a token."""

from __future__ import annotations

import asyncio
import logging

from app.cli.output import EXIT_OK
from bot.config import Config, Secrets
from bot.errors import UsageError


def run_command(config: Config) -> int:
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
    asyncio.run(serve(config, secrets))
    return EXIT_OK
