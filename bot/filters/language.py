"""A small language guess from function words: enough to label a source and to spot a
page in a language the reader did not ask for. Scripts decide first (CJK, Cyrillic...)."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
FUNCTION_WORDS: dict[str, frozenset[str]] = {
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


# Scripts that name a language (or a family close enough for keeping or dropping a page).
# Kana come first: Japanese text also uses the CJK ideographs Chinese is written in.
_SCRIPTS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]"), 0.05),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), 0.3),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]"), 0.3),
    ("ru", re.compile(r"[\u0400-\u04ff]"), 0.3),  # Cyrillic: Russian is the likeliest
    ("ar", re.compile(r"[\u0600-\u06ff]"), 0.3),
    ("he", re.compile(r"[\u0590-\u05ff]"), 0.3),
    ("el", re.compile(r"[\u0370-\u03ff]"), 0.3),
    ("hi", re.compile(r"[\u0900-\u097f]"), 0.3),
    ("th", re.compile(r"[\u0e00-\u0e7f]"), 0.3),
)
_LETTER = re.compile(r"[^\W\d_]")


def base_language(code: str | None) -> str:
    """The base language of a tag: en-GB and en_US are both en here ("" for none)."""
    return (code or "").lower().split("-")[0].split("_")[0]


def script_language(text: str) -> str | None:
    """The language a non-Latin script gives away, when it is enough of the letters."""
    letters = len(_LETTER.findall(text))
    if not letters:
        return None
    for language, pattern, share in _SCRIPTS:
        if len(pattern.findall(text)) / letters > share:
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
        lang: sum(counts[w] for w in vocabulary) for lang, vocabulary in FUNCTION_WORDS.items()
    }
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] < max(2, len(words) // 50):
        return None
    return best
