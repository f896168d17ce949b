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


# Scripts that name a language (or a family close enough for keeping or dropping a page).
_SCRIPTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("ja", (("\u3040", "\u30ff"),)),  # kana first: Japanese text also uses kanji
    ("ko", (("\uac00", "\ud7af"), ("\u1100", "\u11ff"))),
    ("zh", (("\u4e00", "\u9fff"), ("\u3400", "\u4dbf"))),
    ("ru", (("\u0400", "\u04ff"),)),  # Cyrillic: Russian is the likeliest
    ("ar", (("\u0600", "\u06ff"),)),
    ("he", (("\u0590", "\u05ff"),)),
    ("el", (("\u0370", "\u03ff"),)),
    ("hi", (("\u0900", "\u097f"),)),
    ("th", (("\u0e00", "\u0e7f"),)),
)


def script_language(text: str) -> str | None:
    """The language a non-Latin script gives away, when it is most of the letters."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    for language, ranges in _SCRIPTS:
        share = sum(1 for ch in letters if any(lo <= ch <= hi for lo, hi in ranges))
        # Japanese needs only some kana; the others need a clear share of the letters.
        if share / len(letters) > (0.05 if language == "ja" else 0.3):
            return language
    return None


def guess_language(text: str) -> str | None:
    sample = text[:4000]
    by_script = script_language(sample)
    if by_script is not None:
        return by_script
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
