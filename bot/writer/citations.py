"""Citation checks of the digest: every ``[n]`` must point at a provided source that
supports the sentence. Pure.

The test itself is :mod:`bot.grounding.support`, the one Q&A uses too; this module holds
what is particular to a digest: the topic's own name proves nothing (every source has it),
and each source is its article's title and text with what addresses an AI quarantined,
never the model's summary of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.grounding import facts, quarantine
from bot.grounding.support import Evidence, Verdict, cited_refs, evidence, renumber
from bot.grounding.tokens import fold

__all__ = ["Evidence", "names_and_numbers", "renumber", "source_evidence", "valid_refs"]


def names_and_numbers(text: str, ignore: frozenset[str] = frozenset()) -> set[str]:
    """The names, figures and dates ``text`` states, as comparable strings."""
    figures = {f"{f.value}{f.kind}" for f in facts.figures(text)}
    return set(facts.names(text, ignore)) | figures | set(facts.dates(text))


def topic_stopwords(*names: str) -> frozenset[str]:
    """Words of the topic's name: present in every source, so never proof of support."""
    return frozenset(fold(t).strip(".,'’-") for name in names for t in name.split())


def source_evidence(title: str, text: str) -> Evidence:
    """What a claim citing one article may rely on."""
    return evidence(quarantine.quarantined(f"{title}\n{text}"))


def valid_refs(
    refs: Iterable[int],
    sentence: str,
    sources: Mapping[int, Evidence],
    ignore: frozenset[str] = frozenset(),
) -> tuple[int, ...]:
    """The refs that exist and say some of the sentence, in order, without repeats, when
    together they support it; none at all otherwise."""
    return checked_refs(refs, sentence, sources, ignore)[0]


def checked_refs(
    refs: Iterable[int],
    sentence: str,
    sources: Mapping[int, Evidence],
    ignore: frozenset[str] = frozenset(),
) -> tuple[tuple[int, ...], Verdict]:
    """:func:`valid_refs`, and why the sentence failed when it did."""
    return cited_refs(refs, sentence, sources, ignore)
