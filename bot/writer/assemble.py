"""From the model's validated JSON to a :class:`Digest` whose every citation resolves. Pure.

Each claim keeps only the refs that exist and support it (see :mod:`bot.writer.citations`);
a claim left with none is dropped. A section left empty falls back to the extractive text
for that section and is labelled (``Digest.fallback_sections``). Sources are then exactly
the cited ones, renumbered 1..k in order of first citation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from bot.compose import clip
from bot.i18n import text
from bot.models import Digest, Highlight, Point, SourceRef
from bot.writer.citations import Evidence, renumber, valid_refs
from bot.writer.memory import Memory, StoryStatus, honest_week
from bot.writer.schemas import CitedText, Composition, HighlightOut

MAX_HIGHLIGHTS = 6
MAX_KEY_POINTS = 7


def _checked(
    item: CitedText, claim: str, sources: Mapping[int, Evidence], ignore: frozenset[str]
) -> tuple[int, ...]:
    return valid_refs(item.citations, claim, sources, ignore)


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
    lang = extractive.language

    def week(value: str) -> str:
        return honest_week(value, lang, memory)

    fallback: list[str] = []

    trend_refs = _checked(composition.trend, composition.trend.text, evidence, ignore)
    if trend_refs:
        trend: Point | None = Point(week(composition.trend.text), trend_refs)
    else:
        trend = extractive.trend
        fallback.append("trend")

    highlights: list[Highlight] = []
    told: set[int] = set()
    for item in composition.highlights:
        claim = f"{item.headline} {item.text} {item.changed}"
        refs = _checked(item, claim, evidence, ignore)
        made = _highlight(item, refs, statuses, lang) if refs else None
        # A highlight about stories already told is padding, however it is worded.
        if made is not None and not set(refs) <= told and len(highlights) < MAX_HIGHLIGHTS:
            highlights.append(replace(made, headline=week(made.headline), text=week(made.text)))
            told |= set(refs)
    if not highlights:
        highlights = list(extractive.highlights)
        fallback.append("highlights")

    analysis = [
        Point(week(p.text), refs, p.label)
        for p in composition.analysis
        if (refs := _checked(p, p.text, evidence, ignore))
    ]
    if not analysis:
        fallback.append("analysis")  # the extractive composer has no analysis to offer

    key_points = [
        Point(week(p.text), refs)
        for p in composition.key_points
        if (refs := _checked(p, p.text, evidence, ignore))
    ][:MAX_KEY_POINTS]
    if not key_points:
        key_points = list(extractive.key_points)
        fallback.append("key_points")

    # Further thoughts are opinion for the reader; refs are optional but must still hold.
    thoughts = [
        Point(week(p.text), _checked(p, p.text, evidence, ignore), p.label)
        for p in composition.thoughts
    ]

    order = [
        *(trend.citations if trend else ()),
        *(n for h in highlights for n in h.citations),
        *(n for p in (*analysis, *key_points, *thoughts) for n in p.citations),
    ]
    mapping = renumber(order)
    by_n = {s.n: s for s in extractive.sources}

    def point(p: Point) -> Point:
        return replace(p, citations=tuple(mapping[n] for n in p.citations))

    sources = tuple(
        SourceRef(new, by_n[old].title, by_n[old].url, by_n[old].published, by_n[old].article_id)
        for old, new in mapping.items()
    )
    return replace(
        extractive,
        mode="model",
        trend=point(trend) if trend else None,
        highlights=tuple(
            replace(h, citations=tuple(mapping[n] for n in h.citations)) for h in highlights
        ),
        analysis=tuple(point(p) for p in analysis),
        key_points=tuple(point(p) for p in key_points),
        thoughts=tuple(point(p) for p in thoughts),
        sources=sources,
        summary=week(composition.summary) or extractive.summary,
        fallback_sections=tuple(fallback),
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
