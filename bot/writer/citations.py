"""Citation checks of the digest: every ``[n]`` must point at a provided source that
supports the sentence. Pure.

The test itself is :mod:`bot.grounding.support`, the one Q&A uses too; this module holds
what is particular to a digest: the topic's own name proves nothing (every source has it),
and each source is its article's title and text with what addresses an AI quarantined,
never the model's summary of it. Stage-1 summaries are checked against their own story
here too, before stage 2 (or the cache) sees them: stage 2 can only repeat what they say.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from bot.grounding import facts, quarantine
from bot.grounding.support import Evidence, Verdict, cited_refs, evidence, renumber
from bot.grounding.tokens import fold, sentences
from bot.writer.schemas import ClusterSummary

log = logging.getLogger(__name__)

__all__ = [
    "Evidence",
    "checked_summary",
    "names_and_numbers",
    "renumber",
    "source_evidence",
    "valid_refs",
]


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


def _backed(text: str, source: Evidence, urls: Sequence[str], ignore: frozenset[str]) -> str:
    """The sentences of ``text`` that ``source`` supports and that carry no foreign URL."""
    kept = []
    for sentence in sentences(text):
        if quarantine.foreign_urls(sentence, urls):
            log.info("stage 1: dropped a sentence with a foreign URL: %.80s", sentence)
        elif not (verdict := cited_refs([0], sentence, {0: source}, ignore)[1]):
            log.info(
                "stage 1: dropped an unsupported sentence (%s): %.80s", verdict.reason, sentence
            )
        else:
            kept.append(sentence)
    return " ".join(kept)


def checked_summary(
    item: ClusterSummary,
    source: Evidence,
    title: str,
    urls: Sequence[str],
    ignore: frozenset[str] = frozenset(),
) -> ClusterSummary | None:
    """A stage-1 summary cut to what its story supports: unsupported sentences and facts
    dropped, an unsupported headline replaced by the article's title; None when nothing of
    the summary is left."""
    summary = _backed(item.summary, source, urls, ignore)
    if not summary:
        return None
    headline = item.headline if _backed(item.headline, source, urls, ignore) else title
    facts = [fact for fact in item.facts if _backed(fact, source, urls, ignore)]
    return item.model_copy(update={"headline": headline, "summary": summary, "facts": facts})
