"""From the model's validated JSON to a :class:`Digest` whose every citation resolves. Pure.

Each sentence keeps only the refs that exist and, together, support it (see
:mod:`bot.grounding.support`); a sentence they do not support, or that carries a URL which
is not one of the digest's sources, is dropped, and so is an item left with none. A
section left empty falls back to the extractive text for that section and is labelled
(``Digest.fallback_sections``). Sources are then exactly
the cited ones, renumbered 1..k in order of first citation.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from bot.compose import clip
from bot.grounding import quarantine
from bot.grounding.tokens import sentences
from bot.i18n import text
from bot.models import Digest, Highlight, Point
from bot.writer.citations import Evidence, checked_refs, renumber
from bot.writer.memory import Memory, StoryStatus, honest_week
from bot.writer.schemas import CitedText, Composition, HighlightOut, LabelledPoint

log = logging.getLogger(__name__)

MAX_HIGHLIGHTS = 6
MAX_KEY_POINTS = 7


@dataclass(frozen=True)
class _Checker:
    """What every claim of one digest is checked and worded against."""

    evidence: Mapping[int, Evidence]
    ignore: frozenset[str]
    language: str
    memory: Memory
    urls: tuple[str, ...]
    """The digest's source URLs: the only ones its text may carry."""

    def claim(self, prose: str, refs: Sequence[int]) -> tuple[str, tuple[int, ...]] | None:
        """``prose`` without its sentences that its refs do not support (or that carry a
        URL which is not a source), and the refs that back what is left; None when
        nothing is."""
        kept: list[str] = []
        backing: list[int] = []
        for sentence in sentences(prose):
            if quarantine.foreign_urls(sentence, self.urls):
                log.info("dropped a sentence with a foreign URL: %.80s", sentence)
                continue
            cited, verdict = checked_refs(refs, sentence, self.evidence, self.ignore)
            if not cited:
                log.info("dropped an unsupported sentence (%s): %.80s", verdict.reason, sentence)
                continue
            kept.append(sentence)
            backing.extend(cited)
        return (" ".join(kept), tuple(dict.fromkeys(backing))) if kept else None

    def point(self, item: CitedText, label: str = "") -> Point | None:
        checked = self.claim(item.text, item.citations)
        return Point(self.week(checked[0]), checked[1], _label(label)) if checked else None

    def anywhere(self, prose: str) -> str:
        """The sentences of ``prose`` that some source of the digest supports."""
        checked = self.claim(prose, list(self.evidence))
        return checked[0] if checked else ""

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
    urls = tuple(source.url for source in extractive.sources)
    check = _Checker(evidence, ignore, extractive.language, memory, urls)
    fallback: list[str] = []
    trend = check.point(composition.trend)
    if trend is None:
        trend = extractive.trend
        fallback.append("trend")
    titles = {h.citations[0]: h.headline for h in extractive.highlights if h.citations}
    highlights = _highlights(composition.highlights, check, statuses, titles)
    if not highlights:
        highlights = list(extractive.highlights)
        fallback.append("highlights")
    analysis = [p for item in composition.analysis if (p := check.point(item, item.label))]
    if not analysis:
        fallback.append("analysis")  # the extractive composer has no analysis to offer
    key_points = [p for item in composition.key_points if (p := check.point(item))]
    key_points = key_points[:MAX_KEY_POINTS]
    if not key_points:
        key_points = list(extractive.key_points)
        fallback.append("key_points")
    # Further thoughts are opinion for the reader; refs are optional, what they state is not.
    thoughts = [
        p
        for item in composition.thoughts
        if (p := check.point(item, item.label) if item.citations else _uncited(item, check))
    ]
    checked = replace(
        extractive,
        mode="model",
        trend=trend,
        highlights=tuple(highlights),
        analysis=tuple(analysis),
        key_points=tuple(key_points),
        thoughts=tuple(thoughts),
        summary=check.week(check.anywhere(composition.summary)) or extractive.summary,
        fallback_sections=tuple(fallback),
    )
    return _cited_sources_only(checked)


def _uncited(item: LabelledPoint, check: _Checker) -> Point | None:
    """A thought citing nothing: kept when the day's sources back what it states."""
    text = check.anywhere(item.text)
    return Point(check.week(text), (), _label(item.label)) if text else None


def _label(label: str) -> str:
    """A point's label is a few words of the model's own, never a source: no URL in it,
    and nothing that speaks to an AI."""
    label = quarantine.without_urls(label)
    return "" if quarantine.looks_like_instructions(label) else label


def _highlights(
    items: Sequence[HighlightOut],
    check: _Checker,
    statuses: Mapping[int, StoryStatus],
    titles: Mapping[int, str],
) -> list[Highlight]:
    """Checked highlights, one per story at most. A headline its source does not back is
    replaced by that source's own title."""
    highlights: list[Highlight] = []
    told: set[int] = set()
    for item in items:
        body = check.claim(item.text, item.citations)
        if body is None:
            continue
        text, refs = body
        changed = check.claim(item.changed, refs) if item.changed.strip() else None
        headline = item.headline
        if check.claim(headline, refs) is None:
            headline = titles.get(refs[0], headline)
        checked = item.model_copy(
            update={"headline": headline, "text": text, "changed": changed[0] if changed else ""}
        )
        made = _highlight(checked, refs, statuses, check.language)
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
