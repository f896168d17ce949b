"""The Q&A engine as the chat command layer's :class:`~bot.commands.Answerer`."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from bot.commands.answer import AnswerReply
from bot.config import Config, TopicConfig
from bot.delivery.types import SourceLink
from bot.i18n import DEFAULT_LANGUAGE, text
from bot.llm import LanguageModel
from bot.qa.service import QuestionRefused, answer_question


class SourcesAnswerer:
    """Answers ``ask`` (and replies to a digest) from the stored sources, per-chat limited."""

    def __init__(
        self, db: sqlite_utils.Database, config: Config, model: LanguageModel | None = None
    ) -> None:
        self.db = db
        self.config = config
        self.model = model

    async def answer(
        self,
        question: str,
        topic: TopicConfig,
        day: date,
        digest_id: int | None,
        *,
        chat_key: str | None = None,
        language: str = DEFAULT_LANGUAGE,
    ) -> AnswerReply:
        try:
            result = await answer_question(
                self.db,
                topic,
                question,
                day=day,
                digest_id=digest_id,
                model=self.model,
                chat_key=chat_key,
                qa=self.config.qa,
                embed_model=self.config.mistral.embed_model,
            )
        except QuestionRefused as exc:  # the engine's own limits, e.g. the question's length
            # In the chat's language: the exception's own message is the CLI's English.
            reason = text(language, f"chat.refused_{exc.key}", **exc.values)
            return AnswerReply(text(language, "chat.question_refused", reason=reason), (), False)
        links = tuple(SourceLink(c.n, c.title, c.url) for c in result.citations)
        return AnswerReply(result.answer, links, result.grounded)
