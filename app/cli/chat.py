"""``digestbot chat``: the chat commands in the terminal, no token needed."""

from __future__ import annotations

from app.cli.output import EXIT_OK
from bot.config import Config, Secrets
from bot.llm import make_model
from storage import open_database


def chat_command(config: Config) -> int:
    from adapters.terminal import run_chat
    from app.service import make_commands
    from bot.delivery.prepare import CollectingDigestSource
    from bot.logging_setup import install_redaction

    secrets = Secrets.from_env()
    install_redaction([secrets.mistral_api_key, secrets.telegram_bot_token])
    db = open_database(config.storage.path)
    model = make_model(config.mistral, secrets)
    source = CollectingDigestSource(
        db, config.fetch, model=model, judge_pages=config.mistral.judge_pages
    )
    run_chat(
        make_commands(db, config, source=source, model=model),
        on_exit=model.aclose if model is not None else None,
    )
    return EXIT_OK
