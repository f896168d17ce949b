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
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")

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
_SUFFIXES = ("ing", "ies", "ed", "es", "s", "e", "y")
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


# Chinese question words and particles: they make a question, and say nothing about what
# it is about. A question's CJK run is cut at them before it is paired.
_CJK_QUESTION = re.compile(
    "為什麼|为什么|什麼時候|什么时候|什麼|甚麼|什么|怎麼|怎么|如何|多少|多久|哪裡|哪里|哪|誰|谁"
    "|何時|是否|有沒有|有没有|請問|请问|幾|几|嗎|吗|呢|的|是|了|在|有|要|會|会|和|跟|與|与"
)


def cjk_terms(question: str) -> list[str]:
    """The question's CJK character pairs (see :func:`storage.passages.cjk_grams`) once
    its question words and particles are taken out, in order."""
    seen: list[str] = []
    for run in _CJK_RUN.findall(question):
        for piece in _CJK_QUESTION.split(run):
            for pair in (piece[i : i + 2] for i in range(len(piece) - 1)):
                if pair not in seen:
                    seen.append(pair)
    return seen


# Light synonyms of the words questions use, so a question finds the passage that words
# it differently ("cost" -> "priced", "down" -> "outage"), and a small glossary of
# everyday Chinese news words, so a Chinese question finds an English passage too. Each
# alternative only helps a term be found; it never adds a term the passage must hold.
_ALTERNATIVES = """
    cost: price pricing priced
    price: cost pricing priced
    charge: price cost fee
    launch: release unveil debut
    release: launch unveil debut
    down: outage offline downtime unavailable
    outage: down offline downtime
    crash: outage offline
    ceo: chief executive
    boss: chief executive head
    hire: appoint named
    buy: acquire acquisition purchase sell sold
    profit: earnings
    staff: employees workers people
    價格: price pricing priced cost
    價錢: price cost
    售價: price
    費用: cost fee price
    當機: outage offline down
    故障: outage failure
    中斷: outage disruption
    發布: release launch
    推出: launch release
    發表: release unveil
    執行長: chief executive ceo
    營收: revenue
    授權: licence license
    上下: context
    原因: cause reason
    融資: funding raise
    估值: valuation
    收購: acquire acquisition
    合作: partner partnership
    參數: parameters
    員工: staff employees
    辦公: office
    總經: managing director
    經理: director manager
"""


def _alternatives() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _ALTERNATIVES.strip().splitlines():
        word, _, others = line.partition(":")
        key = word.strip() if has_cjk(word) else stem(word.strip())
        table[key] = tuple(dict.fromkeys(stem(o) for o in others.split()))
    return table


def alternatives(term: str) -> tuple[str, ...]:
    """Other index terms that say what ``term`` says (see the table above)."""
    return _ALTERNATIVE.get(term, ())


def query_terms(question: str, limit: int = 12) -> list[str]:
    """The distinct content terms of a question, in order of appearance: Latin stems
    (searched in the ``unicode61`` index) and CJK character pairs (searched in the
    pair index, see :func:`cjk_terms`)."""
    seen: list[str] = []
    for token in tokens(question):
        if token in STOPWORDS or (len(token) < 2 and not token.isdigit()) or has_cjk(token):
            continue
        term = stem(token)
        if term not in seen:
            seen.append(term)
    return seen[:limit] + cjk_terms(question)[:limit]


def is_prefix_term(term: str) -> bool:
    return len(term) >= MIN_STEM and not term.isdigit() and not has_cjk(term)


def fts_query(words: Iterable[str]) -> str | None:
    """An FTS5 MATCH expression: any of the words, each quoted so user input is never
    syntax. Prefix terms are expanded to indexed words beforehand (see
    :func:`storage.passages.vocabulary`)."""
    parts = ['"' + word.replace('"', '""') + '"' for word in words]
    return " OR ".join(dict.fromkeys(parts)) if parts else None


def matches(term: str, words: set[str]) -> bool:
    """Whether ``term``, or one of its :func:`alternatives`, is among ``words``."""
    return _matches(term, words) or any(_matches(alt, words) for alt in alternatives(term))


def _matches(term: str, words: set[str]) -> bool:
    if has_cjk(term):  # a pair inside a run of Chinese, which is indexed whole
        return any(term in word for word in words if has_cjk(word))
    if is_prefix_term(term):
        return any(word.startswith(term) for word in words)
    return term in words


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


_ALTERNATIVE = _alternatives()
