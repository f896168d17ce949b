"""The one tokenizer of the grounding checks, per script. Pure.

- Latin (and other alphabetic) text: folded words (lower case, no diacritics, full-width
  forms made ASCII), with a light English stem so "released" and "releases" meet.
- CJK text: overlapping character pairs of each run, which is how Chinese text without a
  segmenter is compared ("停擺將近" -> "停擺", "擺將", "將近").

Digits are not words here: figures are read by :mod:`bot.grounding.facts`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet
from functools import lru_cache

CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_CHARS}]")
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
_ALNUM = re.compile(rf"[^\W_{CJK_CHARS}]+", re.UNICODE)
_LETTERS = re.compile(rf"[^\W\d_{CJK_CHARS}]+", re.UNICODE)
# A stop ends a sentence before a capital, a digit, a quote or CJK text (CJK stops before
# anything), unless it ends an abbreviation ("Nov. 20", "U.S. rules", "Mr. Mensch").
_SENTENCE_END = re.compile(
    rf"(?<=[。！？])\s*(?=\S)|(?<=[.!?])\s+(?=[\"“'(\[A-Z0-9À-Þ{CJK_CHARS}])"
)
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Ms|Mrs|Dr|St|vs|Inc|Co|Corp|Ltd|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))\.$"
)

# German writes a day as an ordinal: "zum 1. Januar" is one sentence.
_ORDINAL_END = re.compile(r"(?:^|\s)(?:[12]\d|3[01]|0?[1-9])\.$")
_MONTH_START = re.compile(
    r"(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b"
)

_STOPWORDS = """
    a about above after again against all also am an and any are as at be because been before
    being between both but by can did do does doing done during each few for from further
    get got had has have having he her here hers him his how i if in into is it its itself
    just me more my of off on once or other our out over own same she so some such than that
    the their them then there these they this those through to too under until up very was we
    were what when where which while who whom why with you your yours us per via
    said says say told according reported reports report added noted stated announced
    announce announces company firm today yesterday week weeks day days
    roughly approximately around nearly almost approx circa some
    le la les un une des du de et ou est sont que qui dans pour par sur avec ce cette ces il
"""
STOPWORDS = frozenset(_STOPWORDS.split())
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "es", "ed", "s", "e")
MIN_STEM = 3
# English verbs whose past is not the present plus "-ed": "sales rose" restates "sales
# rise", "it won" restates "wins". The common irregular verbs of the language, nothing more.
_IRREGULAR = """
    rose:rise risen:rise fell:fall fallen:fall won:win sold:sell bought:buy grew:grow
    grown:grow led:lead began:begin begun:begin made:make took:take taken:take paid:pay
    built:build spent:spend held:hold brought:bring sought:seek thought:think left:leave
    lost:lose met:meet ran:run sent:send went:go gone:go gave:give given:give wrote:write
    written:write chose:choose chosen:choose drew:draw drawn:draw struck:strike hit:hit
    saw:see seen:see found:find kept:keep became:become came:come shown:show flew:fly
    flown:fly broke:break broken:break spoke:speak spoken:speak stood:stand understood:understand
    fought:fight caught:catch taught:teach overtook:overtake withdrew:withdraw
    withdrawn:withdraw undertook:undertake forecast:forecast sank:sink sunk:sink
    shrank:shrink shrunk:shrink swung:swing beat:beat beaten:beat bore:bear borne:bear
"""
IRREGULAR = dict(pair.split(":") for pair in _IRREGULAR.split())
_UNDOUBLED = frozenset("bgmnprt")
"""Consonants a suffix doubles ("planned", "shipping"); not "l", "s", "f", "d", "z",
whose double ends the word itself ("fall", "pass", "staff", "add", "buzz")."""


def fold(text: str) -> str:
    """Lower case, full-width forms made ASCII, diacritics removed."""
    normal = unicodedata.normalize("NFKC", text).lower()
    decomposed = unicodedata.normalize("NFKD", normal)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light suffix strip ("released", "releases", "release" -> "releas")."""
    word = word.removesuffix("'s").removesuffix("’s")
    word = IRREGULAR.get(word, word)
    if len(word) > 2 and word[-1] == "s" and word[-2].isdigit():
        return word[:-1]  # "A7s", "E5s": a model's plural
    if word.endswith("ss"):
        return word  # "class", "business": the last "s" is no plural ("classes" -> "class")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return f"{base}y"  # "cities", "carried" -> "city", "carry"
            if suffix in ("ed", "ing", "ings") and base[-1] == base[-2] and base[-1] in _UNDOUBLED:
                return base[:-1]  # "planned" -> "plan"
            return base
    return word


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def cjk_share(text: str) -> float:
    """CJK characters among CJK characters and Latin words: names such as "Quill-7B" in
    Chinese prose count as one unit each, not letter by letter."""
    cjk = len(CJK.findall(text))
    words = len(letter_words(text))
    return cjk / (cjk + words) if cjk + words else 0.0


def letter_words(text: str) -> list[str]:
    """The folded alphabetic words of ``text``, CJK runs left out."""
    return _LETTERS.findall(fold(CJK_RUN.sub(" ", text)))


def word_stems(text: str) -> set[str]:
    """Stems of every word of ``text``, digits kept inside words ("EX90" -> "ex90"): what a
    stated name is looked up in."""
    return {stem(w) for w in _ALNUM.findall(fold(CJK_RUN.sub(" ", text)))}


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stop words, at least three letters)."""
    return {stem(w) for w in letter_words(text) if len(w) >= 3 and w not in STOPWORDS}


def cjk_pairs(text: str) -> set[str]:
    """Overlapping character pairs of every CJK run (a lone character counts alone)."""
    pairs: set[str] = set()
    for run in CJK_RUN.findall(unicodedata.normalize("NFKC", text)):
        pairs |= {run[i : i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}
    return pairs


def sentences(text: str) -> list[str]:
    """Sentences and lines of ``text``, CJK full stops included."""
    out: list[str] = []
    glue = False
    for line in text.splitlines():
        for piece in _SENTENCE_END.split(line):
            piece = piece.strip()
            if not piece:
                continue
            if out and (glue or (_ORDINAL_END.search(out[-1]) and _MONTH_START.match(piece))):
                out[-1] = f"{out[-1]} {piece}"
            else:
                out.append(piece)
            glue = bool(_ABBREVIATION.search(piece))
        glue = False
    return out


def stems_meet(claimed: str, found: AbstractSet[str]) -> bool:
    """Whether a claimed stem is among ``found``, or shares its root with one of them
    (five letters at least)."""
    if claimed in found:
        return True
    if len(claimed) < 5:
        return False
    head = claimed[:5]
    return any(f.startswith(head) and _same_root(claimed, f) for f in found)


def _same_root(a: str, b: str) -> bool:
    """ "canadian" and "canada", "availab" and "availability": one starts with the other
    but for at most two final letters."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short[: max(5, len(short) - 2)])
