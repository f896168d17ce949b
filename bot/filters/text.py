"""Small text helpers shared by the filters, the composer and the Q&A chunker."""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
# Scripts written without spaces between words: one character is about one word.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
# A letter of a spaced script: what a name must not run into ("Mistralis"). A CJK
# character next to a Latin name is a word boundary ("Mistral AI推出").
_SPACED = rf"[^\W{CJK}]"
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+(?=[\"“'(\[A-Z0-9À-ÖØ-Þ\u4e00-\u9fff])")
# What a line of prose ends with; a short line ending otherwise is a headline or a kicker.
_PROSE_LINE_END = (".", "!", "?", "。", "！", "？", "”", '"', "»", ":")
HEADING_CHARS = 80


def words(text: str) -> list[str]:
    return WORD.findall(text)


def word_count(text: str) -> int:
    """Words a reader would count: spaced scripts by words, CJK by characters."""
    cjk = len(_CJK_CHAR.findall(text))
    if not cjk:
        return len(WORD.findall(text))
    return cjk + len(WORD.findall(_CJK_CHAR.sub(" ", text)))


def figures(text: str) -> list[str]:
    """The numbers written in ``text``, separators kept ("256", "1,200", "2.5")."""
    return _FIGURE.findall(text)


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in text.splitlines():
        paragraph = paragraph.strip()
        if paragraph:
            out.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())
    return out


@lru_cache(maxsize=1024)
def term_pattern(term: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in term.split())
    if _initialism(term):
        # An initialism heading a compound still names itself ("CRISPR-Cas9", "NASA-led"):
        # such letters are no ordinary word a compound could be built on.
        return re.compile(rf"(?<!{_SPACED})(?<!-){body}(?!{_SPACED})", re.IGNORECASE)
    # A trailing hyphen+digit is a version ("mistral-embed-2"), still the same name; a
    # word heading a compound is another thing ("Mistral-class", "python-skin").
    return re.compile(rf"(?<!{_SPACED})(?<!-){body}(?!{_SPACED}|-[^\W\d])", re.IGNORECASE)


def _initialism(term: str) -> bool:
    """A name written in capitals only, of two letters or more ("CRISPR", "AWS")."""
    letters = [ch for ch in term if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def looks_like_heading(line: str) -> bool:
    """A headline, kicker or sub-heading line of an extracted article (not prose)."""
    return len(line) < HEADING_CHARS and not line.endswith(_PROSE_LINE_END)


def capitals(text: str) -> int:
    return sum(1 for ch in text if ch.isupper())


def count_term(term: str, text: str) -> int:
    """Whole-word matches of a word or phrase. A term written with capitals is a proper
    noun: a match needs at least as many capitals ("Le Chat" or "LE CHAT" the product,
    not "le chat" or "Le chat" the cat)."""
    needed = capitals(term)
    return sum(1 for match in term_pattern(term).findall(text) if capitals(match) >= needed)


@lru_cache(maxsize=1024)
def _loose_pattern(term: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in term.split())
    return re.compile(rf"(?<!{_SPACED})(?<!-){body}(?!{_SPACED})", re.IGNORECASE)


def count_loose(term: str, text: str) -> int:
    """Matches in any case, including the head of a hyphenated compound ("Mistral-class")."""
    return len(_loose_pattern(term).findall(text))
