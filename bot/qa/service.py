"""Answering one question: limits, indexing, retrieval, the model or quotes, the log.

This is the entry point the CLI and the chat commands call (:func:`answer_question`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import sqlite_utils

from bot.config import QAConfig, TopicConfig
from bot.errors import ModelError, UsageError
from bot.grounding import quarantine
from bot.llm import LanguageModel, model_budget, parse_reply
from bot.qa import asks, compose
from bot.qa.compose import Answer, ModelAnswer, Source
from bot.qa.index import embed_missing, index_new_articles
from bot.qa.retrieve import Retrieval, retrieve
from bot.qa.vectors import VectorSet, index_for
from storage import passages as store
from storage.passages import Scope

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
ANSWER_MAX_TOKENS = 800


class QuestionRefused(UsageError):
    """A question the engine will not take. ``key`` names the reason in the string catalog
    (``chat.refused_KEY``, filled with ``values``) so a chat says it in its own language;
    the message is the English one the CLI prints."""

    def __init__(self, key: str, message: str, **values: object) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


def question_scope(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    day: date,
    scope_days: int,
    digest_id: int | None = None,
) -> Scope:
    """The sources of digest ``digest_id``, else the topic's ``scope_days`` ending with
    ``day`` (its end, in the topic's timezone)."""
    if digest_id is not None:
        try:
            digest_topic, article_ids = store.digest_articles(db, digest_id)
        except KeyError:
            raise QuestionRefused("no_digest", f"no digest with id {digest_id}") from None
        return Scope(digest_topic, article_ids=article_ids)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=topic.tz).astimezone(UTC)
    return Scope(topic.slug, start=end - timedelta(days=scope_days), end=end)


def limit_reached(
    db: sqlite_utils.Database, chat_key: str, per_hour: int, now: datetime
) -> int | None:
    """Minutes until ``chat_key`` may ask again, or None when it may ask now."""
    if per_hour <= 0:
        return None
    asked = store.questions_since(db, chat_key, now - timedelta(hours=1))
    if len(asked) < per_hour:
        return None
    free_at = asked[len(asked) - per_hour] + timedelta(hours=1)
    return max(1, math.ceil((free_at - now).total_seconds() / 60))


def context_sources(retrieval: Retrieval, question: str = "") -> list[Source]:
    """The relevant passages, minus those that speak to an AI, grouped into sources;
    without the sources that cannot answer ``question`` (they lack a version number or,
    for "who", a name it states: :meth:`bot.qa.asks.Question.about`), renumbered.

    Passages holding more of the question's distinctive words come first; the fused rank
    orders the rest (and brings in passages only the vectors found).
    """
    passages = []
    ranked = sorted(retrieval.relevant, key=lambda hit: (-round(hit.coverage, 2), -hit.score))
    for hit in ranked:
        if quarantine.looks_like_instructions(hit.passage.text):
            # The log only: a reader's chat (or the terminal chat) never shows this.
            log.info("quarantined passage %d: it addresses an AI system", hit.passage.id)
            continue
        passages.append((hit.passage, hit.coverage))
    asked = asks.read(question)
    sources = [s for s in compose.group_sources(passages) if asked.about(s.evidence_text)]
    return [replace(source, n=n) for n, source in enumerate(sources, start=1)]


async def _vectors(
    db: sqlite_utils.Database, model: LanguageModel, embed_model: str, scope: Scope, question: str
) -> tuple[list[float] | None, VectorSet | None]:
    try:
        await embed_missing(db, model, embed_model, scope)
        query = (await model.embed([question]))[0]
    except ModelError as exc:
        log.warning("embeddings unavailable (%s); keyword search only", exc.kind)
        return None, None
    return query, index_for(db, scope.topic, embed_model).select(scope)


async def _model_answer(
    model: LanguageModel, topic_name: str, question: str, sources: list[Source]
) -> tuple[Answer | None, set[int]]:
    """The model's validated answer, or None when it is unusable (the caller quotes
    instead); and the sources that planted a foreign URL in it, never to be quoted."""
    try:
        reply = await model.chat_json(
            compose.system_prompt(topic_name),
            compose.user_prompt(question, sources),
            schema=ModelAnswer,
            max_tokens=ANSWER_MAX_TOKENS,
        )
        parsed = parse_reply(reply, ModelAnswer)
    except ModelError as exc:
        log.warning("model answer failed (%s); quoting the sources", exc.kind)
        return None, set()
    if not parsed.covered:
        return compose.not_covered(question), set()
    checked = compose.check_reply(parsed, sources)
    for reason in checked.dropped:
        log.info("dropped a sentence of the model's answer: %s", reason)
    tainted = checked.tainted(sources)
    if tainted:
        log.info("sources %s steered the model's answer to foreign URLs", sorted(tainted))
    kept = [(text, cited) for text, cited in checked.sentences if not tainted & set(cited)]
    if not kept:
        return None, tainted
    return compose.assemble(question, kept, sources, mode="model"), tainted


async def answer_question(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    question: str,
    *,
    day: date,
    digest_id: int | None = None,
    model: LanguageModel | None = None,
    chat_key: str | None = None,
    qa: QAConfig | None = None,
    embed_model: str = "mistral-embed",
    now: datetime | None = None,
) -> Answer:
    """Answer ``question`` from the stored sources of ``topic``, with citations.

    Scope: the sources of digest ``digest_id`` when given (a reply to a digest), else the
    topic's ``qa.scope_days`` ending with ``day``. With ``model``, it writes the answer from
    the retrieved passages and its sentences are validated; without one, or when it fails,
    the best passages are quoted (``mode == "extractive"``, labelled in the text). When
    nothing relevant is found, or the model says so, ``grounded`` is False and the answer
    says the sources do not cover it. ``chat_key`` (e.g. "telegram:12345") enables the
    per-chat limit of ``qa.questions_per_hour``; past it, the answer says when to retry and
    ``limited`` is True. Raises :class:`UsageError` for an empty or oversized question or
    an unknown digest; the model's failures never escape.
    """
    settings = qa or QAConfig()
    question = _checked_question(question)
    question_id = None
    if chat_key is not None:
        per_hour = settings.questions_per_hour
        wait, question_id = _admit(db, chat_key, topic.slug, per_hour, now or datetime.now(UTC))
        if wait is not None:
            text = compose.message(question, "limited", limit=per_hour, minutes=wait)
            return Answer(question, text, (), grounded=False, mode="none", limited=True)
    index_new_articles(db, topic.slug)
    scope = question_scope(db, topic, day, settings.scope_days, digest_id)
    if scope.topic != topic.slug:  # a reply to a digest of another topic
        index_new_articles(db, scope.topic)
    with model_budget(model, "answer"):  # one deadline for the embedding and the answer
        retrieval = await _retrieve(db, scope, question, model, embed_model)
        answer = await _answer(retrieval, topic, question, model)
    if question_id is not None:
        store.finish_question(db, question_id, answer.mode, answer.grounded)
    return answer


def _checked_question(question: str) -> str:
    question = question.strip()
    if not question:
        raise QuestionRefused("empty", "the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        limit = MAX_QUESTION_CHARS
        raise QuestionRefused(
            "too_long", f"the question is longer than {limit} characters", limit=limit
        )
    return question


def _admit(
    db: sqlite_utils.Database, chat_key: str, topic_slug: str, per_hour: int, now: datetime
) -> tuple[int | None, int | None]:
    """(minutes to wait, None) past the per-chat limit, else (None, the id the question is
    logged under)."""
    with db.atomic():  # check and count in one transaction
        wait = limit_reached(db, chat_key, per_hour, now)
        if wait is not None:
            return wait, None
        return None, store.log_question(db, chat_key, topic_slug, now)


async def _retrieve(
    db: sqlite_utils.Database,
    scope: Scope,
    question: str,
    model: LanguageModel | None,
    embed_model: str,
) -> Retrieval:
    """The passages of ``scope`` for ``question``: by keywords, and by vectors too when a
    model can embed the question."""
    query_vector, vectors = None, None
    if model is not None:
        query_vector, vectors = await _vectors(db, model, embed_model, scope, question)
    return retrieve(db, scope, question, query_vector=query_vector, vectors=vectors)


async def _answer(
    retrieval: Retrieval, topic: TopicConfig, question: str, model: LanguageModel | None
) -> Answer:
    """The model's answer from the retrieved sources, else quotes of them, else "not
    covered"."""
    sources = context_sources(retrieval, question)
    if not sources:
        return compose.not_covered(question)
    if model is not None:
        answer, tainted = await _model_answer(model, topic.name, question, sources)
        if answer is not None:
            return answer
        sources = [s for s in sources if s.n not in tainted]
    return compose.extractive(question, sources, retrieval.terms)
