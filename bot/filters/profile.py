"""What a topic's pages read like, learned from the stream instead of written into code.

A page that names a topic only by a short name other things share ("Mistral", "Apple",
"Mercury") is judged by its surroundings. Those come from two places: the topic's own
``context`` words in the config, and a profile learned from the pages that carry the
topic's distinctive names (its keywords) in this run and in its stored history. The
profile is a TF-IDF centroid: words frequent on the topic's pages and rare on the run's
other pages weigh most. A page is compared with it by cosine similarity, and the
comparison is calibrated against how similar the topic's own pages are to it, so the
threshold means the same thing for a narrow topic and for a broad one.

The topic's names are removed before a page is read: a namesake's page repeats the name
as often as the topic's own, and only the words around it tell them apart.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from statistics import median

from bot.filters.language import FUNCTION_WORDS
from bot.filters.text import CJK, count_term, looks_like_heading, term_pattern

PROFILE_TERMS = 400
MIN_SEEDS = 3
"""Fewer pages than this teach nothing reliable; the context words decide alone."""
SHOWN_TERMS = 6

_LATIN_WORD = re.compile(rf"[^\W\d_{CJK}][^\W_{CJK}]*(?:['’-][^\W_{CJK}]+)*")
_CJK_RUN = re.compile(f"[{CJK}]+")
_STOP = frozenset(word for vocabulary in FUNCTION_WORDS.values() for word in vocabulary)
# Words every news page uses whatever it is about; they would only add noise.
_NEWS_FURNITURE = frozenset(
    (
        "said",
        "says",
        "also",
        "would",
        "could",
        "will",
        "year",
        "years",
        "new",
        "one",
        "two",
        "first",
        "last",
        "more",
        "most",
        "many",
        "other",
        "about",
        "after",
        "before",
        "over",
        "into",
        "than",
        "then",
        "when",
        "which",
        "while",
        "where",
        "there",
        "their",
        "they",
        "them",
        "this",
        "these",
        "those",
        "what",
        "been",
        "being",
        "have",
        "were",
        "your",
        "just",
        "like",
        "only",
        "some",
        "such",
        "very",
        "can",
        "may",
        "our",
        "its",
        "his",
        "her",
        "she",
        "him",
        "who",
        "how",
        "all",
        "any",
        "each",
        "not",
        "but",
        "you",
        "we",
        "",
    )
)


def terms(text: str, names: Sequence[str] = ()) -> Counter[str]:
    """Content words of ``text`` (lower-cased; CJK as character pairs), without ``names``."""
    return Counter(_terms(text, tuple(names)))


@lru_cache(maxsize=256)
def _terms(text: str, names: tuple[str, ...]) -> Counter[str]:
    # Cached: a page is read for its similarity and again for the words shown with it.
    # Callers get a copy, so this one is never changed.
    for name in names:
        text = term_pattern(name).sub(" ", text)
    counts: Counter[str] = Counter()
    for word in _LATIN_WORD.findall(text):
        lowered = word.lower()
        if len(lowered) >= 3 and lowered not in _STOP and lowered not in _NEWS_FURNITURE:
            counts[lowered] += 1
    for run in _CJK_RUN.findall(text):
        counts.update(run[i : i + 2] for i in range(len(run) - 1))
    return counts


Vector = dict[str, float]

LEARNED_NAME_SEEDS = 2
"""A name on one page may be anyone's; on two of the topic's pages it is the topic's."""
_MID_SENTENCE = re.compile(rf"(?:(?<=[^\W\d_] )|(?<=[^\W\d_][,;] ))({_LATIN_WORD.pattern})")


def proper_names(texts: Iterable[str], others: Iterable[str] = ()) -> frozenset[str]:
    """Words always capitalised in ``texts`` and seen at least once inside a sentence
    (after a lower-case word, where only a name keeps its capital). A word ``others``
    write in lower case is an ordinary word inside a name ("Rubin Observatory", "the
    observatory said"), which names nothing of the topic's own."""
    texts = list(texts)
    capital: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        for word in _LATIN_WORD.findall(text):
            (capital if word[0].isupper() else lower).add(word.lower())
    for text in others:
        lower.update(w.lower() for w in _LATIN_WORD.findall(text) if not w[0].isupper())
    inside = set()
    for text in texts:
        for match in _MID_SENTENCE.finditer(text):
            if match[1][0].isupper():
                inside.add(match[1].lower())
    return frozenset((capital - lower) & inside)


STEM_CHARS = 5
"""Words are compared across languages by their first letters, accents dropped."""


def stem(word: str) -> str:
    """What a word shares with its cognates in other European languages: its first
    letters without accents ("programming", "Programmiersprache", "programmation" all
    start "progr"; "syntax" and "syntaxe", "version" and "Version" meet). Technical
    vocabulary, names and identifiers are mostly borrowed, so they survive translation
    this way; function words are already gone."""
    plain = unicodedata.normalize("NFKD", word)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return plain[:STEM_CHARS]


def stems(counts: Counter[str]) -> Counter[str]:
    """Stems of a page's Latin-script content words (CJK pairs have no cognates in other
    scripts, but Latin names and identifiers inside CJK text do); a compound's parts
    count each ("python-code": "code")."""
    out: Counter[str] = Counter()
    for term, n in counts.items():
        if _CJK_RUN.search(term):
            continue
        for part in re.split(r"['’-]", term):
            if len(part) >= 3 and part not in _STOP:
                out[stem(part)] += n
    return out


def _vector(counts: Counter[str], idf: dict[str, float], default_idf: float) -> Vector:
    weights = {t: (1 + math.log(n)) * idf.get(t, default_idf) for t, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm_b = math.sqrt(sum(w * w for w in b.values())) or 1.0
    return dot / norm_b  # a is unit length


@dataclass(frozen=True)
class Profile:
    """The topic's learned vocabulary: a centroid and what similarity is typical of it."""

    centroid: Vector
    idf: dict[str, float]
    default_idf: float
    names: tuple[str, ...]
    seeds: int
    typical: float
    """Median similarity of the topic's own pages to the centroid of the others."""
    seed_terms: tuple[Counter[str], ...] = ()
    """The seeds' words, kept for the comparison by stems (:meth:`closeness_across`)."""
    proper_names: frozenset[str] = frozenset()
    """Words the seeds always write with a capital, also inside a sentence: the names of
    the topic's products, people and places, learned from its pages (lower-cased)."""
    companions: tuple[str, ...] = ()
    """Words on at least half of the topic's pages (the most shared first), its names and
    their parts aside: what the topic's pages mention whatever else they are about (a
    person's company, a club's league). Learned, so a topic configured with keywords
    alone has them too."""
    total: Counter[str] | None = None
    """The seeds' vectors summed before the centroid keeps its strongest terms: what a
    seed is compared with once its own weights are taken out."""
    common_names: tuple[str, ...] = ()
    """The topic's names of several words that its pages write in lower case ("black
    hole"): written "Black Hole" in prose, such a name is a title, a brand or a place."""

    def companions_on(self, text: str, across_languages: bool = False) -> list[str]:
        """The companions ``text`` has; across languages, by word stem (a name or a
        borrowed word survives translation, "Apple" and "Apples" meet)."""
        page = terms(text, self.names)
        if not across_languages:
            return sorted(w for w in self.companions if w in page)
        keys = stems(page)
        return sorted(w for w in self.companions if all(k in keys for k in stems(Counter({w: 1}))))

    def learned_name(self, word: str) -> bool:
        """A proper name that at least :data:`LEARNED_NAME_SEEDS` of the topic's pages use."""
        if word not in self.proper_names:
            return False
        return sum(1 for counts in self.seed_terms if word in counts) >= LEARNED_NAME_SEEDS

    @cached_property
    def _stems(self) -> tuple[Vector, float]:
        """The centroid by word stems, and the median similarity of the topic's own pages
        to it. Built on first use: most runs have no page in a language of few pages."""
        centroid: Vector = {}
        for term, weight in self.centroid.items():
            for key in stems(Counter({term: 1})):
                centroid[key] = centroid.get(key, 0.0) + weight
        vectors = [_stem_vector(c, self.idf, self.default_idf) for c in self.seed_terms]
        scores = [_cosine(v, centroid) for v in vectors if v]
        # Each seed is part of the centroid it is compared with: the figure is a little
        # high, which makes a page in another language need a little more to come close.
        return centroid, (median(scores) if len(scores) >= MIN_SEEDS else 0.0)

    @property
    def usable(self) -> bool:
        return self.seeds >= MIN_SEEDS and self.typical > 0

    def similarity(self, text: str, member: bool = False) -> float:
        """Cosine similarity of a page to the topic's pages, 0 to 1. A ``member`` (a page
        that taught the profile) is compared with the others only, not with itself."""
        if not self.centroid:
            return 0.0
        vector = _vector(terms(text, self.names), self.idf, self.default_idf)
        if not member or self.seeds < 2 or self.total is None:
            return _cosine(vector, self.centroid)
        # The centroid of the other seeds, built as the calibration built each seed's
        # (:func:`_typical`): subtracting the page from the kept terms alone would take
        # its words out of a centroid that never had the rarer ones, and a page with much
        # vocabulary of its own would come out unlike everything, its own topic included.
        others = Counter(self.total)
        others.subtract(vector)
        return _cosine(vector, _top(+others, self.seeds - 1))

    def closeness(self, text: str, member: bool = False) -> float:
        """Similarity relative to what the topic's own pages reach: about 1 for a page like
        them, near 0 for a page about something else."""
        if not self.usable:
            return 0.0
        return self.similarity(text, member) / self.typical

    def closeness_across(self, text: str) -> float:
        """:meth:`closeness` for a page in a language the profile has too few pages of:
        compared by word stems, which cognates, names and identifiers share across
        languages, and calibrated by how close the topic's own pages come that way."""
        centroid, typical = self._stems
        if not self.usable or typical <= 0:
            return 0.0
        page = _stem_vector(terms(text, self.names), self.idf, self.default_idf)
        return _cosine(page, centroid) / typical


def own_terms(text: str, names: Sequence[str], limit: int = SHOWN_TERMS) -> list[str]:
    """A page's most repeated content words: what it is about, shown to the user."""
    return [t for t, _ in terms(text, names).most_common(limit)]


def build_profile(
    seeds: Sequence[str],
    others: Iterable[str],
    names: Sequence[str],
    context: Sequence[str] = (),
) -> Profile:
    """A profile from the topic's pages (``seeds``) against the run's other pages.

    ``context`` words from the config join the profile at the weight of its strongest
    learned word: the user said they belong to the topic.
    """
    others = list(others)
    seed_counts = [terms(text, names) for text in seeds]
    other_counts = [terms(text, names) for text in others]
    documents = len(seed_counts) + len(other_counts)
    frequency: Counter[str] = Counter()
    for counts in (*seed_counts, *other_counts):
        frequency.update(counts.keys())
    idf = {t: math.log((documents + 1) / (n + 1)) + 1 for t, n in frequency.items()}
    default_idf = math.log(documents + 1) + 1
    vectors = [_vector(counts, idf, default_idf) for counts in seed_counts]
    total: Counter[str] = Counter()
    for vector in vectors:
        total.update(vector)
    centroid = _top(total, len(vectors))
    for word in context:
        for term in terms(word):
            centroid[term] = max(centroid.values(), default=1.0)
    typical = _typical(vectors, total)
    return Profile(
        centroid,
        idf,
        default_idf,
        tuple(names),
        len(vectors),
        typical,
        tuple(seed_counts),
        proper_names(seeds, others),
        _companions(seed_counts, names),
        total,
        common_names(seeds, names),
    )


COMMON_NAME_USES = 3
"""Uses of a name in the topic's prose from which its usual case is known."""
COMMON_NAME_SHARE = 0.8


def name_cases(text: str, name: str) -> tuple[int, int]:
    """How often ``text``'s prose (headings and headline-case lines aside) writes the
    name of several words ``name`` in lower case ("black hole", "Black hole" opening a
    sentence) and as a proper name ("Black Hole", "the Black Hole ride")."""
    lower = proper = 0
    for line in text.splitlines():
        if looks_like_heading(line.strip()):
            continue
        for match in term_pattern(name).finditer(line):
            rest = match.group(0).split()[1:]
            if any(word[:1].isupper() for word in rest):
                proper += 1
            else:
                lower += 1
    return lower, proper


def common_names(seeds: Sequence[str], names: Sequence[str]) -> tuple[str, ...]:
    found = []
    for name in names:
        if len(name.split()) < 2:
            continue
        counts = [name_cases(text, name) for text in seeds]
        lower, proper = sum(c[0] for c in counts), sum(c[1] for c in counts)
        if lower >= COMMON_NAME_USES and lower >= COMMON_NAME_SHARE * (lower + proper):
            found.append(name)
    return tuple(found)


SHORT_NAME_SHARE = 0.25
"""A keyword's last word is the topic's short name when a quarter of its pages use it alone."""


def _prose(text: str) -> str:
    """The lines of ``text`` that are sentences: a headline capitalises every word."""
    return "\n".join(line for line in text.splitlines() if not looks_like_heading(line.strip()))


def last_name(keyword: str) -> str | None:
    """The last word of a full name written as one ("Swift" of "Taylor Swift"): every word
    capitalised, the last a word of its own, not an initialism ("AI", "FC")."""
    words = keyword.split()
    if len(words) < 2 or not all(w.isalpha() and w[0].isupper() for w in words):
        return None
    last = words[-1]
    return last if len(last) >= 3 and not last.isupper() else None


def short_names(seeds: Sequence[str], keywords: Sequence[str]) -> tuple[str, ...]:
    """The last words of full names among ``keywords`` that the topic's pages write alone,
    as a name, and more often than the first word alone ("Cook said", "Swift's tour"):
    news calls a person by the surname after the first mention, and some headlines only
    so, while a club or a place called by its first word ("Inter" of "Inter Milan") is
    not called by its last. A page that writes such a word and never the full name is
    the person's, or a namesake's ("Jonathan Swift", a language called Swift), which only
    its surroundings tell apart. Learned from the pages' prose, so a name whose last word
    they do not use alone ("Emirates Stadium", "Prime Video") implies nothing."""
    if len(seeds) < MIN_SEEDS:
        return ()
    prose = [_prose(text) for text in seeds]
    found = []
    for keyword in keywords:
        last = last_name(keyword)
        if last is None:
            continue
        first = keyword.split()[0]
        last_alone = [_alone(last, keyword, text) for text in prose]
        first_alone = sum(_alone(first, keyword, text) for text in prose)
        pages = sum(1 for n in last_alone if n)
        if pages >= SHORT_NAME_SHARE * len(seeds) and sum(last_alone) > first_alone:
            found.append(last)
    return tuple(dict.fromkeys(found))


def _alone(word: str, name: str, text: str) -> int:
    """Uses of ``word`` as a name outside the full ``name``."""
    return max(0, count_term(word, text) - count_term(name, text))


COMPANION_SHARE = 0.66
"""A companion is on two thirds of the topic's pages: a person's company is on nearly all
of them, while a word on half ("tour" for a singer) says what the stream covered lately and
made every page on another side of the topic a namesake (blind corpus, taylor-swift: 0.50 of
real stories kept at one half, 0.83 at two thirds)."""


def _companions(seed_counts: Sequence[Counter[str]], names: Sequence[str]) -> tuple[str, ...]:
    if len(seed_counts) < MIN_SEEDS:
        return ()
    # A name's own parts ("Cook" of "Tim Cook") are the name again, not its surroundings.
    parts = {w.lower() for name in names for w in re.split(r"[\s'’-]+", name) if w}
    frequency: Counter[str] = Counter()
    for counts in seed_counts:
        frequency.update(counts.keys())
    needed = COMPANION_SHARE * len(seed_counts)
    shared = [(t, n) for t, n in frequency.most_common() if n >= needed and t not in parts]
    return tuple(t for t, _ in sorted(shared, key=lambda pair: (-pair[1], pair[0])))


def _stem_vector(counts: Counter[str], idf: dict[str, float], default_idf: float) -> Vector:
    """A page's weights by stem: each stem weighs as its words do, at the IDF of the
    words the run has seen (a stem of unseen words weighs as a rare word)."""
    weights: dict[str, float] = {}
    for term, n in counts.items():
        weight = (1 + math.log(n)) * idf.get(term, default_idf)
        for key in stems(Counter({term: 1})):
            weights[key] = weights.get(key, 0.0) + weight
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _top(total: Counter[str], count: int) -> Vector:
    return {t: w / max(count, 1) for t, w in total.most_common(PROFILE_TERMS)}


def _typical(vectors: list[Vector], total: Counter[str]) -> float:
    """Leave-one-out: each seed against the centroid of the other seeds."""
    if len(vectors) < MIN_SEEDS:
        return 0.0
    scores = []
    for vector in vectors:
        others = Counter(total)
        others.subtract(vector)
        centroid = _top(+others, len(vectors) - 1)
        scores.append(_cosine(vector, centroid))
    return median(scores)
