"""``digestbot ask``: a follow-up question over the stored sources, as text or JSON."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from typing import Any

from app.cli.output import EXIT_OK, err, print_json
from bot.config import Config, Secrets, TopicConfig
from bot.qa.ask import ask_once


def ask_command(
    args: argparse.Namespace, config: Config, topic: TopicConfig, day: date, db: Any
) -> int:
    result = asyncio.run(ask_once(db, config, topic, args.question, day, Secrets.from_env()))
    answer = result.answer
    if not answer.grounded and not result.stored_articles:
        err.print(f"no stored articles for topic {topic.slug}: run 'digestbot collect' first")
    if args.format == "json":
        print_json(answer.to_json())
        return EXIT_OK
    if answer.mode == "extractive":
        reason = (
            "the model's answer was unusable" if result.model_configured else "no MISTRAL_API_KEY"
        )
        err.print(f"mode: extractive ({reason}): text quoted from the sources")
    print(answer.to_text())
    return EXIT_OK
