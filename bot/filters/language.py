"""A small language guess from function words: enough to label a source and to spot a
page in a language the reader did not ask for. Scripts decide first (CJK, Cyrillic...)."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "that",
            "for",
            "with",
            "on",
            "are",
            "was",
            "as",
            "by",
            "this",
            "it",
            "from",
            "be",
            "has",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "des",
            "et",
            "est",
            "une",
            "du",
            "dans",
            "que",
            "pour",
            "qui",
            "sur",
            "au",
            "avec",
            "pas",
            "sont",
            "ce",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "mit",
            "den",
            "von",
            "zu",
            "ein",
            "eine",
            "auf",
            "für",
            "sich",
            "dem",
            "des",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "y",
            "es",
            "una",
            "del",
            "en",
            "que",
            "por",
            "con",
            "para",
            "se",
            "al",
            "lo",
            "como",
            "más",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "la",
            "gli",
            "le",
            "e",
            "è",
            "una",
            "del",
            "di",
            "che",
            "per",
            "con",
            "non",
            "sono",
            "della",
            "nel",
            "alla",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "os",
            "as",
            "e",
            "é",
            "uma",
            "do",
            "da",
            "em",
            "que",
            "para",
            "com",
            "não",
            "são",
            "no",
            "na",
            "ao",
        ]
    ),
}


def cjk_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    cjk = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")
    return cjk / len(letters)


def guess_language(text: str) -> str | None:
    sample = text[:4000]
    if cjk_share(sample) > 0.3:
        return "zh"
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 8:
        return None
    counts = Counter(words)
    scores = {
        lang: sum(counts[w] for w in vocabulary) for lang, vocabulary in _FUNCTION_WORDS.items()
    }
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] < max(2, len(words) // 50):
        return None
    return best
