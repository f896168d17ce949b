"""From the model's validated JSON to a :class:`Digest` whose every citation resolves. Pure.

Each claim keeps only the refs that exist and support it (see :mod:`bot.writer.citations`);
a claim left with none is dropped. A section left empty falls back to the extractive text
for that section and is labelled (``Digest.fallback_sections``). Sources are then exactly
the cited ones, renumbered 1..k in order of first citation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from bot.compose import clip
from bot.i18n import text
from bot.models import Digest, Highlight, Point
from bot.writer.citations import Evidence, renumber, valid_refs
from bot.writer.memory import Memory, StoryStatus, honest_week
from bot.writer.schemas import CitedText, Composition, HighlightOut

MAX_HIGHLIGHTS = 6
MAX_KEY_POINTS = 7


@dataclass(frozen=True)
class _Checker:
    """What every claim of one digest is checked and worded against."""

    evidence: Mapping[int, Evidence]
    ignore: frozenset[str]
    language: str
    memory: Memory

    def refs(self, item: CitedText, claim: str) -> tuple[int, ...]:
        return valid_refs(item.citations, claim, self.evidence, self.ignore)

    def week(self, value: str) -> str:
        return honest_week(value, self.language, self.memory)


def _highlight(
    item: HighlightOut,
    refs: tuple[int, ...],
    statuses: Mapping[int, StoryStatus],
    language: str,
) -> Highlight | None:
    updates = [n for n in refs if statuses.get(n, StoryStatus("new")).kind == "update"]
    if updates and len(updates) == len(refs):
        # A story told before is news only through what changed; without it, leave it out.
        if not item.changed.strip():
            return None
        headline = text(language, "update_prefix", headline=item.headline)
        return Highlight(headline, f"{item.changed.strip()} {item.text}".strip(), refs)
    return Highlight(item.headline, item.text, refs)


def assemble(
    composition: Composition,
    *,
    extractive: Digest,
    evidence: Mapping[int, Evidence],
    statuses: Mapping[int, StoryStatus],
    memory: Memory,
    ignore: frozenset[str],
) -> Digest:
    """The model's digest, checked. ``extractive`` is the same day's extractive digest over
    the same numbered stories: its sources give titles and URLs, its sections the fallback."""
    check = _Checker(evidence, ignore, extractive.language, memory)
    fallback: list[str] = []
    trend = _trend(composition.trend, check)
    if trend is None:
        trend = extractive.trend
        fallback.append("trend")
    highlights = _highlights(composition.highlights, check, statuses)
    if not highlights:
        highlights = list(extractive.highlights)
        fallback.append("highlights")
    analysis = [
        Point(check.week(p.text), refs, p.label)
        for p in composition.analysis
        if (refs := check.refs(p, p.text))
    ]
    if not analysis:
        fallback.append("analysis")  # the extractive composer has no analysis to offer
    key_points = [
        Point(check.week(p.text), refs)
        for p in composition.key_points
        if (refs := check.refs(p, p.text))
    ][:MAX_KEY_POINTS]
    if not key_points:
        key_points = list(extractive.key_points)
        fallback.append("key_points")
    # Further thoughts are opinion for the reader; refs are optional but must still hold.
    thoughts = [
        Point(check.week(p.text), check.refs(p, p.text), p.label) for p in composition.thoughts
    ]
    checked = replace(
        extractive,
        mode="model",
        trend=trend,
        highlights=tuple(highlights),
        analysis=tuple(analysis),
        key_points=tuple(key_points),
        thoughts=tuple(thoughts),
        summary=check.week(composition.summary) or extractive.summary,
        fallback_sections=tuple(fallback),
    )
    return _cited_sources_only(checked)


def _trend(item: CitedText, check: _Checker) -> Point | None:
    refs = check.refs(item, item.text)
    return Point(check.week(item.text), refs) if refs else None


def _highlights(
    items: Sequence[HighlightOut], check: _Checker, statuses: Mapping[int, StoryStatus]
) -> list[Highlight]:
    highlights: list[Highlight] = []
    told: set[int] = set()
    for item in items:
        refs = check.refs(item, f"{item.headline} {item.text} {item.changed}")
        made = _highlight(item, refs, statuses, check.language) if refs else None
        # A highlight about stories already told is padding, however it is worded.
        if made is not None and not set(refs) <= told and len(highlights) < MAX_HIGHLIGHTS:
            highlights.append(
                replace(made, headline=check.week(made.headline), text=check.week(made.text))
            )
            told |= set(refs)
    return highlights


_Cited = TypeVar("_Cited", Point, Highlight)


def _cited_sources_only(digest: Digest) -> Digest:
    """``digest`` with exactly the sources it cites, renumbered 1..k in order of first
    citation, and every citation following the new numbers."""
    points = (*digest.analysis, *digest.key_points, *digest.thoughts)
    mapping = renumber(
        [
            *(digest.trend.citations if digest.trend else ()),
            *(n for h in digest.highlights for n in h.citations),
            *(n for p in points for n in p.citations),
        ]
    )
    by_n = {s.n: s for s in digest.sources}

    def renumbered(item: _Cited) -> _Cited:
        return replace(item, citations=tuple(mapping[n] for n in item.citations))

    return replace(
        digest,
        trend=renumbered(digest.trend) if digest.trend else None,
        highlights=tuple(renumbered(h) for h in digest.highlights),
        analysis=tuple(renumbered(p) for p in digest.analysis),
        key_points=tuple(renumbered(p) for p in digest.key_points),
        thoughts=tuple(renumbered(p) for p in digest.thoughts),
        sources=tuple(replace(by_n[old], n=new) for old, new in mapping.items()),
    )


def mark_updates(
    extractive: Digest, statuses: Mapping[int, StoryStatus], limit: int = 300
) -> Digest:
    """The extractive digest with each update shown as one: the headline says so and the
    text quotes what is new since the earlier day."""
    highlights = []
    for item in extractive.highlights:
        status = statuses.get(item.citations[0]) if item.citations else None
        if status is not None and status.kind == "update" and status.new_facts:
            item = Highlight(
                text(extractive.language, "update_prefix", headline=item.headline),
                clip(status.new_facts, limit),
                item.citations,
            )
        highlights.append(item)
    return replace(extractive, highlights=tuple(highlights))


def composed_texts(composition: Composition) -> Sequence[str]:
    """Every piece of prose the model wrote, for the language check."""
    return [
        composition.summary,
        composition.trend.text,
        *(f"{h.headline} {h.text} {h.changed}" for h in composition.highlights),
        *(p.text for p in composition.analysis),
        *(p.text for p in composition.key_points),
        *(p.text for p in composition.thoughts),
    ]
