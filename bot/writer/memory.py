"""Memory of the last days: what was already told, and whether a story is new. Pure.

The facts come from storage (:mod:`storage.digests`) as a plain :class:`Memory`
(:mod:`bot.models`); this module only decides. A story is a *repeat* when an earlier
digest cited the same cluster, or an article whose title names the same things, and
today's article adds no name or number the earlier one lacked. A repeat is left out. When
it does add some, it is an *update*, and the writer is told what is new so that it says
what changed instead of presenting the story as news.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.compose import body_sentences
from bot.models import HISTORY_DAYS, Memory, PastCoverage, Story
from bot.writer.citations import names_and_numbers

__all__ = [
    "HISTORY_DAYS",
    "Memory",
    "PastCoverage",
    "StoryStatus",
    "honest_week",
    "status_of",
    "triage",
]

TITLE_OVERLAP = 0.6
MAX_NEW_FACTS = 4


@dataclass(frozen=True)
class StoryStatus:
    kind: Literal["new", "update", "repeat"]
    earlier: PastCoverage | None = None
    new_facts: tuple[str, ...] = ()


def _title_names(title: str, ignore: frozenset[str]) -> set[str]:
    return names_and_numbers(title, ignore)


def _same_story(story: Story, past: PastCoverage, ignore: frozenset[str]) -> bool:
    if story.lead.cluster is not None and story.lead.cluster == past.cluster:
        return True
    mine = _title_names(story.lead.title, ignore)
    theirs = _title_names(past.title, ignore)
    if len(mine & theirs) < 2:
        return False
    return len(mine & theirs) / min(len(mine), len(theirs)) >= TITLE_OVERLAP


def status_of(story: Story, memory: Memory, ignore: frozenset[str]) -> StoryStatus:
    earlier = next((p for p in memory.past if _same_story(story, p, ignore)), None)
    if earlier is None:
        return StoryStatus("new")
    known = names_and_numbers(f"{earlier.title}\n{earlier.text}", ignore)
    fresh = [
        s for s in body_sentences(story) if names_and_numbers(s, ignore) - known and len(s) <= 300
    ]
    if not fresh:
        return StoryStatus("repeat", earlier)
    return StoryStatus("update", earlier, tuple(fresh[:MAX_NEW_FACTS]))


def triage(
    stories: Sequence[Story], memory: Memory, ignore: frozenset[str]
) -> list[tuple[Story, StoryStatus]]:
    """Today's stories with their status, repeats left out."""
    judged = [(s, status_of(s, memory, ignore)) for s in stories]
    return [(s, st) for s, st in judged if st.kind != "repeat"]


_WEEK = {
    "en": (re.compile(r"\b(?:this|the past|over the) week\b", re.IGNORECASE), "recently"),
    "zh-TW": (re.compile(r"本週|這週|这周|本周|一週來|這一週"), "近日"),
}


def honest_week(text: str, language: str, memory: Memory) -> str:
    """Take "this week" out of text written without a week of history."""
    if memory.has_week:
        return text
    pattern, replacement = _WEEK[language]

    def swap(match: re.Match[str]) -> str:
        first = match.group(0)[:1]
        return replacement.capitalize() if first.isupper() else replacement

    return pattern.sub(swap, text)
