"""Words of a question and of a passage, the way the FTS5 index sees them. Pure.

The index uses SQLite's ``unicode61`` tokenizer with diacritics removed: lower-case runs of
letters and digits. :func:`tokens` reproduces that, so a question's terms can be looked up
in the index's vocabulary and checked against a passage's text in Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")

# Question words and filler that say nothing about which passage answers (en, fr).
_STOPWORDS = """
    a about above after again against all also am an and any are as at be because been before
    being between both but by can could did do does doing done during each else ever few for
    from further get got had has have having he her here hers him his how i if in into is it
    its itself just know let me more most much my new news no nor not now of off on once only
    or other our out over own please same say said says she should so some such tell than
    that the their them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours
    anything something thing things explain happened happen exactly really latest recent
    recently announce announced announces announcement unveil unveiled reveal revealed
    mention mentioned report reported according
    le la les un une des du de et ou est sont que qui quoi quel quelle quels quelles dans pour
    par sur avec pas ce cette ces il elle ils elles au aux comment pourquoi
"""
STOPWORDS = frozenset(_STOPWORDS.split())
_SUFFIXES = ("ing", "ed", "es", "s", "e")
MIN_STEM = 4


def fold(text: str) -> str:
    """Lower case without diacritics, as ``remove_diacritics 2`` indexes it."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def stem(token: str) -> str:
    """A light suffix strip ("released", "releases" -> "releas"); matched as a prefix."""
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= MIN_STEM:
            return token[: -len(suffix)]
    return token


def query_terms(question: str, limit: int = 12) -> list[str]:
    """The distinct content terms of a question (stems), in order of appearance.

    Runs of CJK characters are left out: ``unicode61`` indexes a whole run as one token, so
    they never match a passage (vectors, when configured, carry such questions).
    """
    seen: list[str] = []
    for token in tokens(question):
        if token in STOPWORDS or (len(token) < 2 and not token.isdigit()) or has_cjk(token):
            continue
        term = stem(token)
        if term not in seen:
            seen.append(term)
    return seen[:limit]


def is_prefix_term(term: str) -> bool:
    return len(term) >= MIN_STEM and not term.isdigit()


def fts_query(words: Iterable[str]) -> str | None:
    """An FTS5 MATCH expression: any of the words, each quoted so user input is never
    syntax. Prefix terms are expanded to indexed words beforehand (see
    :func:`storage.passages.vocabulary`)."""
    parts = ['"' + word.replace('"', '""') + '"' for word in words]
    return " OR ".join(dict.fromkeys(parts)) if parts else None


def matches(term: str, words: set[str]) -> bool:
    if is_prefix_term(term):
        return any(word.startswith(term) for word in words)
    return term in words


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))
