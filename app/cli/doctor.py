"""``digestbot doctor``: config, database, tokens and sources, checked and listed."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from app.cli.output import EXIT_FAILURE, EXIT_OK
from app.cli.sources import source_health_lines
from bot.config import Config, Secrets
from bot.errors import DigestbotError
from storage import open_database, schema_status


def doctor_command(config: Config, config_path: Path) -> int:
    out = Console(highlight=False, soft_wrap=True)
    problems = 0
    out.print(f"config: {config_path} ({len(config.topics)} topic(s))")
    try:
        db = open_database(config.storage.path)
        schema = schema_status(db)
        out.print(f"database: {config.storage.path} (schema version {schema.version})")
    except DigestbotError as exc:
        out.print(f"database: FAILED: {exc}", markup=False)
        problems += 1
    secrets = Secrets.from_env()
    for name, value in (
        ("MISTRAL_API_KEY", secrets.mistral_api_key),
        ("TELEGRAM_BOT_TOKEN", secrets.telegram_bot_token),
        ("DISCORD_BOT_TOKEN", secrets.discord_bot_token),
    ):
        out.print(f"{name}: {'set' if value else 'not set'}")
    if not secrets.mistral_api_key:
        out.print("  digests are written in extractive mode (no language model)")
    replay = config.fetch.replay_path()
    if replay is not None:
        out.print(f"fetch: replaying recorded responses from {replay} (no network)")
    for topic in config.topics:
        out.print(
            f"topic {topic.slug}: {len(topic.sources)} sources, {topic.language}, "
            f"{topic.delivery_time} {topic.timezone}"
        )
        if not problems:
            for line in source_health_lines(db, topic.slug):
                out.print(f"  {line}", markup=False)
    return EXIT_FAILURE if problems else EXIT_OK
