"""Citation checks: every ``[n]`` must point at a provided source that supports the
sentence. Pure.

"Supports" is deliberately simple and explainable: the sentence and the source article
share at least one name or number, and every number the sentence states appears in one of
its valid sources (a figure is the easiest thing to hallucinate and the easiest to check).
Names are Latin words that start with a capital or carry a digit ("Devstral", "4B", "GPU");
the topic's own name is left out, since every source mentions it and proves nothing. Names
and numbers are taken from the article itself, never from the model's summary of it. A
sentence that names nothing checkable (rare in news) is accepted when it shares two content
words (Latin words or CJK character pairs) with the article or its summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# ASCII classes on purpose: in Chinese prose "4以開放" must yield "4", not one long token.
_NAME = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z][A-Za-z0-9'’.-]*|[A-Za-z]*\d[A-Za-z0-9.,]*)")
# Capitalised only because they open a sentence: they name nothing.
_STARTER_WORDS = (
    "a an and as at after also according analysts before but by for from however how in "
    "it its meanwhile new on one so that the their these this those today to what when "
    "which while why with users developers companies customers"
)
_STARTERS = frozenset(_STARTER_WORDS.split())
_WORD = re.compile(r"[a-z]{5,}")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def _norm(token: str) -> str:
    return token.strip(".,'’-").lower().replace(",", "")


def names_and_numbers(text: str, ignore: frozenset[str] = frozenset()) -> set[str]:
    found = {_norm(t) for t in _NAME.findall(text)}
    return {t for t in found if t and t not in ignore and t not in _STARTERS}


def _content_words(text: str) -> set[str]:
    words = set(_WORD.findall(text.lower()))
    for run in _CJK_RUN.findall(text):
        words |= {run[i : i + 2] for i in range(len(run) - 1)}
    return words


@dataclass(frozen=True)
class Evidence:
    """What one numbered source says, as checkable tokens."""

    names: frozenset[str]
    words: frozenset[str]


def evidence(text: str, ignore: frozenset[str] = frozenset(), summary: str = "") -> Evidence:
    """``text`` is the article; ``summary`` (the model's) only helps the word fallback."""
    return Evidence(
        frozenset(names_and_numbers(text, ignore)),
        frozenset(_content_words(f"{text}\n{summary}")),
    )


def _numbers(tokens: set[str]) -> set[str]:
    return {t for t in tokens if t[:1].isdigit()}


def supports(source: Evidence, sentence: str, ignore: frozenset[str] = frozenset()) -> bool:
    claimed = names_and_numbers(sentence, ignore)
    if claimed:
        return bool(claimed & source.names)
    return len(_content_words(sentence) & source.words) >= 2


def topic_stopwords(*names: str) -> frozenset[str]:
    """Tokens of the topic's name: present in every source, so never proof of support."""
    return frozenset(_norm(t) for name in names for t in name.split())


def valid_refs(
    refs: Iterable[int],
    sentence: str,
    sources: Mapping[int, Evidence],
    ignore: frozenset[str] = frozenset(),
) -> tuple[int, ...]:
    """The refs that exist and support the sentence, in order, without repeats; none at all
    when the sentence states a number that none of them carries."""
    kept: list[int] = []
    for n in refs:
        if n in sources and n not in kept and supports(sources[n], sentence, ignore):
            kept.append(n)
    backed = set().union(*(sources[n].names for n in kept)) if kept else set()
    if _numbers(names_and_numbers(sentence, ignore)) - backed:
        return ()
    return tuple(kept)


def renumber(order: Sequence[int]) -> dict[int, int]:
    """Old source number -> new one, following first citation, so the list reads 1..k."""
    mapping: dict[int, int] = {}
    for n in order:
        mapping.setdefault(n, len(mapping) + 1)
    return mapping
