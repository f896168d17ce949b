"""Answering ``ask``: the interface the command layer needs.

The Q&A engine (:class:`bot.qa.chat.SourcesAnswerer`) plugs in as any object with
``async answer(...) -> AnswerReply``, so the command layer never depends on how answers
are found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.config import TopicConfig
from bot.delivery.types import SourceLink


@dataclass(frozen=True)
class AnswerReply:
    answer: str
    citations: tuple[SourceLink, ...]
    grounded: bool


class Answerer(Protocol):
    async def answer(
        self,
        question: str,
        topic: TopicConfig,
        day: date,
        digest_id: int | None,
        *,
        chat_key: str | None = None,
        language: str = "en",
    ) -> AnswerReply:
        """``chat_key`` identifies the asking chat, for per-chat question limits;
        ``language`` is the chat's, for what the engine itself says (a refusal)."""
        ...
