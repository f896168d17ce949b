"""The digest writer: Mistral (or any :class:`~bot.llm.LanguageModel`) in two stages.

1. **Summarise**: one short structured summary per story cluster, from a bounded brief.
2. **Compose**: every section, as JSON, from those summaries and the memory of earlier days.

Both stages ask for structured output with the JSON schema of their pydantic model
(:mod:`bot.writer.schemas`), so a reply fits by construction; it is validated all the same.

The reply is validated (pydantic), checked for language (one stricter retry), and its
citations checked against the sources (:mod:`bot.writer.assemble`). All model calls of one
digest share one deadline (:func:`bot.llm.model_budget`). Any model failure, or
a second wrong-language reply, gives the extractive digest instead, labelled, with the
reason logged once. The renderer owns the Markdown; the model never writes any.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from pydantic import BaseModel

from bot.compose import story_title
from bot.config import TopicConfig
from bot.errors import ModelError
from bot.llm import ChatReply, LanguageModel, Usage, model_budget, parse_reply
from bot.models import Digest, Story
from bot.writer import prompts
from bot.writer.assemble import assemble, composed_texts
from bot.writer.citations import (
    Evidence,
    checked_summary,
    source_evidence,
    topic_stopwords,
)
from bot.writer.language import language_problem
from bot.writer.memory import Memory, StoryStatus
from bot.writer.schemas import ClusterSummary, Composition, Summaries

log = logging.getLogger(__name__)

STAGE1_BATCH = 8
STAGE1_MAX_TOKENS = 1500
STAGE2_MAX_TOKENS = 3000


@dataclass(frozen=True)
class Written:
    digest: Digest
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    summaries: Mapping[int, ClusterSummary] = field(default_factory=dict)
    """Stage-1 summaries made in this run, by lead article id, for the cache."""


def offline(extractive: Digest) -> Written:
    """No model: the extractive digest, labelled as such (a quiet day needs no label)."""
    return Written(extractive if extractive.quiet else replace(extractive, mode_reason="no_key"))


class _WrongLanguage(Exception):
    pass


async def write_digest(
    model: LanguageModel | None,
    topic: TopicConfig,
    day_iso: str,
    extractive: Digest,
    stories: Sequence[Story],
    *,
    statuses: Sequence[StoryStatus] = (),
    memory: Memory | None = None,
    cached: Mapping[int, ClusterSummary] | None = None,
) -> Written:
    """The model's digest over ``stories`` (repeats already left out, numbered 1..N as in
    ``extractive``; ``statuses`` aligned with them), or ``extractive`` labelled with the
    reason it stands in. ``cached`` holds stage-1 summaries already made, by lead article
    id; only the other clusters are sent to stage 1."""
    if model is None or extractive.quiet:
        return offline(extractive)
    run = _Run(model, cached or {})
    numbered = dict(enumerate(statuses, start=1))
    try:
        # One deadline for the whole digest; after a call fails for good, no more calls.
        with model_budget(model, "digest"):
            digest = await _two_stages(
                run, topic, day_iso, extractive, stories, numbered, memory or Memory()
            )
        return Written(digest, run.usage, model.name, run.fresh)
    except ModelError as exc:
        # Logged once, here; the message never holds the key (see bot.llm).
        log.warning("model %s failed (%s); writing the extractive digest", model.name, exc)
        failed = replace(extractive, mode_reason=exc.kind)
    except _WrongLanguage as exc:
        log.warning("model %s wrote the wrong language twice (%s)", model.name, exc)
        failed = replace(extractive, mode_reason="wrong_language")
    # Summaries already paid for are kept even when the digest could not be written.
    return Written(failed, run.usage, model.name, run.fresh)


class _Run:
    """One writing run: the model, the tokens spent so far and the stage-1 summaries made
    (both kept when a later stage fails)."""

    def __init__(self, model: LanguageModel, cached: Mapping[int, ClusterSummary]) -> None:
        self.model = model
        self.usage = Usage()
        self.cached = cached
        self.fresh: dict[int, ClusterSummary] = {}

    async def ask(
        self, system: str, user: str, schema: type[BaseModel], max_tokens: int
    ) -> ChatReply:
        reply = await self.model.chat_json(system, user, schema=schema, max_tokens=max_tokens)
        self.usage += reply.usage
        return reply


async def _two_stages(
    run: _Run,
    topic: TopicConfig,
    day_iso: str,
    extractive: Digest,
    stories: Sequence[Story],
    statuses: dict[int, StoryStatus],
    memory: Memory,
) -> Digest:
    language = extractive.language
    ignore = topic_stopwords(topic.name, topic.slug)
    numbered = list(enumerate(stories, start=1))
    summaries = await _summarise(run, topic, language, numbered)
    ordered = [summaries[n] for n, _ in numbered]
    composition = await _compose(run, topic.name, day_iso, language, ordered, statuses, memory)
    sources: dict[int, Evidence] = {
        n: source_evidence(story.lead.title, story.lead.text) for n, story in numbered
    }
    return assemble(
        composition,
        extractive=extractive,
        evidence=sources,
        statuses=statuses,
        memory=memory,
        ignore=ignore,
    )


async def _summarise(
    run: _Run, topic: TopicConfig, language: str, numbered: Sequence[tuple[int, Story]]
) -> dict[int, ClusterSummary]:
    """Stage 1: a summary for every story number, cached ones reused, the rest asked for
    in batches."""
    summaries: dict[int, ClusterSummary] = {}
    for n, story in numbered:
        known = run.cached.get(story.lead.id) if story.lead.id is not None else None
        if known is not None:
            summaries[n] = known.model_copy(update={"n": n})
    to_ask = [(n, story) for n, story in numbered if n not in summaries]
    urls = [url for _, story in numbered for url in (story.lead.url, *story.copies)]
    ignore = topic_stopwords(topic.name, topic.slug)
    for start in range(0, len(to_ask), STAGE1_BATCH):
        batch = to_ask[start : start + STAGE1_BATCH]
        system, user = prompts.stage1(topic.name, language, batch, topic.keywords)
        reply = await run.ask(system, user, Summaries, STAGE1_MAX_TOKENS)
        asked = dict(batch)
        for item in parse_reply(reply, Summaries).summaries:
            told = asked.get(item.n)
            if told is None or item.n in summaries:
                continue
            # What stage 2 may repeat is only what the story itself says.
            lead = told.lead
            source = source_evidence(lead.title, lead.text)
            checked = checked_summary(item, source, story_title(told), urls, ignore)
            if checked is None:
                log.info("stage 1: nothing of the summary of [%d] is backed by it", item.n)
                continue
            summaries[item.n] = checked
            if lead.id is not None:
                run.fresh[lead.id] = checked
    # A cluster the model skipped still reaches stage 2, with its own title and brief.
    for n, story in numbered:
        if n not in summaries:
            summaries[n] = ClusterSummary(
                n=n, headline=story_title(story), summary=prompts.story_brief(story, topic.keywords)
            )
    return summaries


async def _compose(
    run: _Run,
    topic_name: str,
    day_iso: str,
    language: str,
    summaries: Sequence[ClusterSummary],
    statuses: dict[int, StoryStatus],
    memory: Memory,
) -> Composition:
    """Stage 2: every section, asked again once, stricter, when the reply is not in
    ``language``."""
    problem = ""
    for strict in (False, True):
        system, user = prompts.stage2(
            topic_name, day_iso, language, summaries, statuses, memory, strict=strict
        )
        reply = await run.ask(system, user, Composition, STAGE2_MAX_TOKENS)
        composition = parse_reply(reply, Composition)
        problem = language_problem(composed_texts(composition), language) or ""
        if not problem:
            return composition
        log.info("stage 2 reply not in %s (%s); retrying once, stricter", language, problem)
    raise _WrongLanguage(problem)
