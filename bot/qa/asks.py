"""What a question asks for, and which sentence of a passage gives it. Pure.

A keyless answer is a quote, so the quote must be the sentence that answers: for "how much
/ how many" one that states a figure (an amount of money for a price or a cost), for "who"
one that names a person, for "when" one with a date, for "why" one that gives a cause.
Words are compared as the grounding check compares them (stems, light synonyms: "cost"
meets "price", "launch" meets "release"; CJK as character pairs).

A question's distinctive terms (names, version numbers such as "Quill-13B", "VM-500" or
"1.4nm") must all be in a source for it to answer: a page about version 12 of something
does not answer a question about version 13.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.grounding import facts, support, synonyms, tokens
from bot.qa import terms as qterms

Wanted = Literal["figure", "money", "person", "date", "cause", "any"]

_ASKS: tuple[tuple[Wanted, re.Pattern[str]], ...] = (
    (
        "cause",
        re.compile(r"\bwhy\b|\bwhat caused\b|\bpourquoi\b|\bwarum\b|為什麼|為何|原因|为什么"),
    ),
    (
        "date",
        re.compile(
            r"\bwhen\b|\bwhat (?:day|date|year|month)\b|\bquand\b|\bwann\b"
            r"|什麼時候|何時|哪一天|幾月|哪一年|什么时候"
        ),
    ),
    (
        "money",
        re.compile(
            r"\bhow much (?:does|do|did|will|would|is|are|was)\b.*"
            r"\b(?:cost|costs|charge|pay|paid|price)\b"
            r"|\bwhat (?:is|was|are|will be) the (?:price|cost)\b|\bprice of\b"
            r"|價格|價錢|多少錢|費用"
        ),
    ),
    (
        "figure",
        re.compile(
            r"\bhow (?:much|many|long|big|large|fast|far|old)\b|\bwhat share\b"
            r"|多少|幾|多長|多大|多久"
        ),
    ),
    (
        "person",
        re.compile(r"\bwho\b|\bwhose\b|\bwhich (?:person|executive)\b|\bqui\b|\bwer\b|是誰|誰"),
    ),
)

# A person is a run of capitalised words a role or a reporting verb attaches to: "named
# Daniel Koh", "said Claire Vasseur", "Hannah Okafor, the chief executive", "Koh said".
_NAME = (
    r"(?!(?:The|A|An|In|On|At|For|Its|This|That|But|And|If|When|While)\b)"
    r"[A-Z][a-zà-ÿ'’-]+(?: [A-Z][a-zà-ÿ'’-]+)+"
)
_ROLE = (
    r"(?:said|says|told|named|appointed|hired|chief executive|executive|director|officer|head"
    r"|founder|president|minister|chair(?:man|woman)?|spokes(?:man|woman|person)|manager"
    r"|led by|run by|leads|coach|winner|won)"
)
_PERSON = re.compile(
    rf"\b{_ROLE}\b[^.;:]{{0,30}}?\b{_NAME}|\b{_NAME},? (?:{_ROLE}|who|the|a|an|its)\b"
)
_CAUSE = re.compile(
    r"\b(?:because|due to|caused|causing|after|following|blamed|attributed|as a result|"
    r"owing to|triggered|led to|root cause|failed|failure|since)\b|因為|由於|導致|原因|起因",
    re.IGNORECASE,
)
_REPORTED_DATE = re.compile(
    r"\b(?:said|says|announced|reported|confirmed|stated|told|added|wrote)\b[^.;]{0,20}?"
    r"\b(?:on|in)\s+(?:(?:\w+\s+){0,2}(?:19|20)\d\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    re.IGNORECASE,
)
"""The day a statement was made ("announced on 16 November 2024"): no answer to when."""
_YEAR = re.compile(r"\b(?:19|20)\d\d\b|\b(?:Q[1-4]|first|second|third|fourth) (?:quarter|half)\b")
_TOKEN = re.compile(r"[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?")
_CJK_VERSION = re.compile(f"[{tokens.CJK_CHARS}]{{2}}\\d+(?:\\.\\d+)?")
_CJK_DATE = re.compile(r"\d+\s*[年月日]|[上下]半年|第[一二三四]季|明年|今年|去年")


def wanted(question: str) -> Wanted:
    """What the question asks for (the first kind whose wording it uses)."""
    lowered = question.lower()
    for kind, pattern in _ASKS:
        if pattern.search(lowered):
            return kind
    return "any"


def offers(sentence: str, kind: Wanted, question: str = "") -> bool:
    """Whether ``sentence`` gives the kind of thing asked for. For a date: one that dates
    an act, not the day it was announced, nor a year the question itself states ("When
    are the 2029 championships?" is not answered by "the 2029 championships")."""
    if kind == "any":
        return True
    if kind == "money":
        return any(f.kind not in ("", "%") for f in facts.figures(sentence))
    if kind == "figure":
        return bool(facts.figures(sentence))
    if kind == "date":
        told = _REPORTED_DATE.sub(" ", sentence)
        if facts.dates(told) or _CJK_DATE.search(sentence):
            return True
        stated = set(_YEAR.findall(question))
        return any(year not in stated for year in _YEAR.findall(told))
    if kind == "cause":
        return bool(_CAUSE.search(sentence))
    return bool(_PERSON.search(sentence))


def must_give(kind: Wanted) -> bool:
    """Kinds a source must state somewhere to answer at all (a person or a cause can be
    worded in too many ways to require)."""
    return kind in ("figure", "money", "date")


def distinctive(question: str) -> list[str]:
    """The question's version numbers and names with digits ("Quill-13B", "VM-500",
    "1.4nm", "Large 4": a number after a name is kept with it): a source must hold each."""
    latin = tokens.CJK_RUN.sub(" ", question)
    found = [
        word
        for word in _TOKEN.findall(latin)
        if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)
    ]
    found += _CJK_VERSION.findall(question)
    # A bare number says little ("2" is on most pages): the name it versions goes with it.
    found += re.findall(r"\b([A-Z][a-z]+ \d+(?:\.\d+)?)\b(?![.,]?\d)", question)
    return list(dict.fromkeys(found))


def holds(text: str, term: str) -> bool:
    """Whether ``text`` holds ``term`` as a whole word (case and diacritics folded)."""
    folded, wanted_term = tokens.fold(text), tokens.fold(term)
    if tokens.has_cjk(term):  # no spaces around words in Chinese: a substring, whole number
        return re.search(rf"{re.escape(wanted_term)}(?![\d.])", folded) is not None
    return re.search(rf"(?<![\w.-]){re.escape(wanted_term)}(?![\w-])", folded) is not None


@dataclass(frozen=True)
class Question:
    """A question read once: what it asks for, its content (stems and CJK pairs) and its
    distinctive terms."""

    text: str
    kind: Wanted
    stems: frozenset[str]
    pairs: frozenset[str]
    distinctive: tuple[str, ...]
    names: frozenset[str] = frozenset()
    """Stems of the names it states ("Lumera", "Veridian")."""
    alternatives: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(stem, the index words that say it another way): "buy" is answered by a sentence
    saying where kits are sold (see :data:`bot.qa.terms._ALTERNATIVES`)."""

    def about(self, text: str) -> bool:
        """Whether ``text`` (a source's title and retrieved passages) can answer: it holds
        every distinctive term and, for a "who" question and a page in Latin script, every
        name of the question (a page naming another company's CFO does not say who
        Lumera's is)."""
        if any(not holds(text, term) for term in self.distinctive):
            return False
        if tokens.has_cjk(text) and len(tokens.cjk_pairs(text)) > len(tokens.word_stems(text)):
            return True  # a Chinese page writes Latin names its own way ("高雄")
        if self.kind != "person":
            return True  # the other names may sit in a passage that was not retrieved
        words = tokens.word_stems(text)
        # A title written as a name ("CEO") is what is asked, not who: the page may spell
        # it out ("chief executive"), and the quote is held to naming it.
        return all(tokens.stems_meet(name, words) for name in self.names if not support.roles(name))


def read(question: str) -> Question:
    stems = frozenset(synonyms.canonical(s) for s in tokens.content_stems(question))
    alternatives = {}
    for word in tokens.letter_words(question):
        stem = synonyms.canonical(tokens.stem(word))
        if stem in stems and (other := qterms.alternatives(qterms.stem(word))):
            alternatives[stem] = other
    return Question(
        question,
        wanted(question),
        stems - _QUESTION_STEMS,
        frozenset(tokens.cjk_pairs(question)),
        tuple(distinctive(question)),
        facts.names(question),
        tuple(sorted(alternatives.items())),
    )


_QUESTION_STEMS = frozenset(
    tokens.stem(w) for w in ("how", "much", "many", "what", "which", "who", "whom", "whose")
)


def _units(text: str) -> tuple[set[str], set[str]]:
    return {synonyms.canonical(s) for s in tokens.content_stems(text)}, tokens.cjk_pairs(text)


def weights(question: Question, said: Sequence[str]) -> dict[str, float]:
    """Each content unit of the question weighed by how rare it is among the candidate
    sentences ``said`` (a word every sentence of the article has, its name, tells less
    than the one word that only the answer has)."""
    units = [_units(s) for s in said]
    total = len(units)
    weight: dict[str, float] = {}
    for stem in question.stems:
        df = sum(1 for stems, _ in units if tokens.stems_meet(stem, stems))
        weight[stem] = math.log(1 + total / (1 + df))
    for pair in question.pairs:
        df = sum(1 for _, pairs in units if pair in pairs)
        weight[pair] = math.log(1 + total / (1 + df)) if df else 0.0
    return weight


TITLE_SHARE = 0.5
"""What a question's word that the source's headline holds weighs in choosing its
sentence: the headline says which article is about the question's subject ("the Dublin
congestion charge"), and every sentence of it is about that subject; the sentence that
answers holds what else the question asks ("exempt")."""


def in_source(question: Question, weight: dict[str, float], title: str) -> dict[str, float]:
    """``weight`` for choosing a sentence of the source headed ``title``."""
    stems, pairs = _units(title)
    return {
        unit: w * TITLE_SHARE
        if (unit in pairs or (unit in question.stems and tokens.stems_meet(unit, stems)))
        else w
        for unit, w in weight.items()
    }


def names_the_role(question: Question, quote: str) -> bool:
    """A "who" question that asks for the holder of a title ("Who is Lumera's chief
    financial officer?", "鼎晶的執行長是誰？") is answered only by a quote naming that
    title: one naming the founders or the chairman does not say who it is."""
    if question.kind != "person" or not (asked := support.roles(question.text)):
        return True
    return bool(asked & support.roles(quote))


def sentence_score(
    question: Question, sentence: str, context: str, weight: dict[str, float]
) -> float:
    """How well ``sentence`` answers ``question``: the weighed share of its content found
    in the sentence (in the passage around it, ``context``, at half weight), and a full
    extra share when it gives what is asked for."""
    # Summed exactly (fsum): a float sum in the sets' order, which varies from process to
    # process, broke near-ties between sentences differently from one run to the next.
    total = math.fsum(weight.values())
    if not total:
        return 0.0
    stems, pairs = _units(sentence)
    around_stems, around_pairs = _units(context)
    other_words = dict(question.alternatives)
    words = set(qterms.tokens(f"{sentence}\n{context}")) if other_words else set()
    parts: list[float] = []
    for stem in question.stems:
        if tokens.stems_meet(stem, stems):
            parts.append(weight[stem])
        elif tokens.stems_meet(stem, around_stems) or any(
            qterms.matches(alt, words) for alt in other_words.get(stem, ())
        ):
            # Said around the sentence, or by another word there (which may mean
            # something else: "sold" for "buy"): half the weight.
            parts.append(0.5 * weight[stem])
    for pair in question.pairs:
        parts.append(weight[pair] * (1.0 if pair in pairs else 0.5 * (pair in around_pairs)))
    found = math.fsum(parts)
    bonus = 0.0
    if question.kind != "any" and offers(sentence, question.kind, question.text):
        # "Who" often asks for a group or a body ("who is exempt"): a person weighs less.
        bonus = 0.5 if question.kind == "person" else 1.0
    return found / total + bonus


def best_sentence(
    question: Question,
    said: Sequence[str],
    context: str,
    weight: dict[str, float],
    among: Sequence[int] | None = None,
) -> tuple[int, float]:
    """The index and score of the sentence of ``said`` (of those ``among``, when given)
    that answers best (first on ties)."""
    indexes = list(range(len(said)) if among is None else among)
    scores = {i: sentence_score(question, said[i], context, weight) for i in indexes}
    best = max(indexes, key=lambda i: (scores[i], -i))
    return best, scores[best]
