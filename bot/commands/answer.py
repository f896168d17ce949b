"""Answering ``ask``: the interface the command layer needs, and a plain retrieval default.

The Q&A engine plugs in as any object with ``async answer(...) -> AnswerReply``. The default
here makes nothing up: it quotes the stored sentences that share the most words with the
question, each with its ``[n]``, or says that the sources do not cover it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

import sqlite_utils

from bot.config import TopicConfig
from bot.delivery.types import SourceLink
from storage import delivery as store

SCOPE_DAYS = 30
MAX_PASSAGES = 3

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_CJK = re.compile(r"[\u3400-\u9fff]+")
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|\n+")
_STOP_WORDS = (
    "the a an and or of to in on for with is are was were be been what which who whom whose "
    "when where why how did does do about from that this these those it its into by at as has "
    "have had will would can could should than then there their they them mistral's any some "
    "tell me please"
)
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class AnswerReply:
    answer: str
    citations: tuple[SourceLink, ...]
    grounded: bool


class Answerer(Protocol):
    async def answer(
        self, question: str, topic: TopicConfig, day: date, digest_id: int | None
    ) -> AnswerReply: ...


def terms(text: str) -> set[str]:
    """Content words (lower case) and, for Chinese, character pairs."""
    found = {_stem(w.lower()) for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2}
    for run in _CJK.findall(text):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


@dataclass(frozen=True)
class _Passage:
    score: float
    sentence: str
    article_id: int
    title: str
    url: str


class RetrievalAnswerer:
    """Term overlap over the topic's stored articles of the last 30 days (or one digest's)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    async def answer(
        self, question: str, topic: TopicConfig, day: date, digest_id: int | None
    ) -> AnswerReply:
        wanted = terms(question)
        if not wanted:
            return AnswerReply("Ask about something specific.", (), grounded=False)
        if digest_id is not None:
            ids = store.digest_article_ids(self.db, digest_id)
            articles = store.articles_by_id(self.db, ids)
        else:
            end = datetime.combine(day + timedelta(days=1), time(), tzinfo=topic.tz)
            start = end - timedelta(days=SCOPE_DAYS)
            articles = store.recent_articles(
                self.db,
                topic.slug,
                start.astimezone(UTC).isoformat(),
                end.astimezone(UTC).isoformat(),
            )
        needed = 1 if len(wanted) == 1 else 2
        article_terms = [terms(f"{a['title']}\n{a['text']}") for a in articles]
        # Rare words say more about what the question is after than common ones.
        weight = {
            term: math.log((1 + len(articles)) / (1 + sum(term in t for t in article_terms))) + 1
            for term in wanted
        }
        passages: list[_Passage] = []
        for article in articles:
            for sentence in _SENTENCE.split(f"{article['title']}.\n{article['text']}"):
                matched = wanted & terms(sentence)
                if len(matched) >= needed and 20 <= len(sentence) <= 600:
                    passages.append(
                        _Passage(
                            sum(weight[t] for t in matched),
                            sentence.strip(),
                            article["id"],
                            article["title"],
                            article["url"],
                        )
                    )
        if not passages:
            return AnswerReply("The stored sources do not cover that.", (), grounded=False)
        best: list[_Passage] = []
        for passage in sorted(passages, key=lambda p: -p.score):
            if all(p.sentence != passage.sentence for p in best):
                best.append(passage)
            if len(best) == MAX_PASSAGES:
                break
        numbers: dict[int, int] = {}
        links: list[SourceLink] = []
        parts: list[str] = []
        for passage in best:
            if passage.article_id not in numbers:
                numbers[passage.article_id] = len(numbers) + 1
                links.append(SourceLink(numbers[passage.article_id], passage.title, passage.url))
            parts.append(f"“{passage.sentence}” [{numbers[passage.article_id]}]")
        return AnswerReply("From the sources: " + " ".join(parts), tuple(links), grounded=True)
