"""One question asked from the command line: the model's client opened and closed around
:func:`~bot.qa.service.answer_question`, and what the caller needs to explain the answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlite_utils

from bot.config import Config, Secrets, TopicConfig
from bot.llm import make_model
from bot.qa.compose import Answer
from bot.qa.service import answer_question
from storage.db import count_rows


@dataclass(frozen=True)
class AskResult:
    answer: Answer
    model_configured: bool
    """A key was set, so an extractive answer means the model's answer was unusable."""
    stored_articles: int
    """How many articles of the topic are stored at all (none: nothing was collected)."""


async def ask_once(
    db: sqlite_utils.Database,
    config: Config,
    topic: TopicConfig,
    question: str,
    day: date,
    secrets: Secrets,
) -> AskResult:
    """Answer ``question`` from the topic's sources of the ``qa.scope_days`` ending at ``day``."""
    model = make_model(config.mistral, secrets)
    try:
        answer = await answer_question(
            db,
            topic,
            question,
            day=day,
            model=model,
            qa=config.qa,
            embed_model=config.mistral.embed_model,
        )
    finally:
        if model is not None:
            await model.aclose()
    stored = count_rows(db, "articles", "topic = ?", [topic.slug])
    return AskResult(answer, model_configured=model is not None, stored_articles=stored)
