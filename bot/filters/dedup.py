"""Near-duplicate detection: syndicated copies of one story become one cluster.

Each text becomes a set of word shingles. Two texts whose shingle sets overlap enough
(Jaccard, or containment for a copy that trimmed or padded the original) are the same
story. So are two texts of which one rewrote the other's headline and opening and
paraphrased the rest: the wording changes, but most of its pairs of words and nearly all
of its vocabulary stay (measured on the whole body, with enough shared pairs that common
boilerplate alone cannot make two stories one). Clusters are connected components of
that relation, and each keeps one lead.

Comparing every pair is quadratic (10,000 texts are 50 million comparisons), so pairs are
first proposed by MinHash locality-sensitive hashing (datasketch): each text is looked up
once in an index that returns only texts likely to be similar, and only those pairs are
measured exactly. The index threshold sits well below the decision threshold so that a
trimmed copy (lower Jaccard, high containment) is still proposed.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from datasketch import MinHash, MinHashLSH
from datasketch.lsh import _optimal_param

from bot.filters.language import FUNCTION_WORDS
from bot.filters.text import words

_FUNCTION = frozenset(w for vocabulary in FUNCTION_WORDS.values() for w in vocabulary)

SHINGLE_WORDS = 4
JACCARD_SAME = 0.45
CONTAINMENT_SAME = 0.7
NUM_PERM = 256
LSH_THRESHOLD = 0.25
LSH_BANDS = (128, 2)
"""128 bands of 2 rows: a pair with word-pair Jaccard 0.15 (a rewritten copy) is proposed
95% of the time, one at 0.01 (two unrelated stories) about 1%."""
COMMON_PAIR_SHARE = 0.002
COMMON_PAIR_TEXTS = 5
"""A word pair in more texts than this (and than that share of them) is the subject's
common phrasing or boilerplate, no sign that one text copied another."""
REWRITE_PAIRS = 0.4
"""Share of the shorter text's word pairs (not two function words) found in the other."""
REWRITE_VOCABULARY = 0.65
"""Share of the shorter text's content words found in the other."""
REWRITE_MIN_PAIRS = 40


def content_hash(text: str) -> str:
    normalised = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _hash(text: str) -> int:
    # Stable across processes (str hashes are salted per process): a run is repeatable.
    return zlib.crc32(text.encode("utf-8"))


def shingles(text: str) -> frozenset[int]:
    tokens = [t.lower() for t in words(text)]
    if len(tokens) < SHINGLE_WORDS:
        return frozenset({_hash(" ".join(tokens))}) if tokens else frozenset()
    return frozenset(
        _hash(" ".join(tokens[i : i + SHINGLE_WORDS]))
        for i in range(len(tokens) - SHINGLE_WORDS + 1)
    )


@dataclass(frozen=True)
class Fingerprint:
    """What a text is compared by: its 4-word shingles, its word pairs, its vocabulary."""

    shingles: frozenset[int]
    pairs: frozenset[int]
    vocabulary: frozenset[int]


@lru_cache(maxsize=32_768)
def fingerprint(text: str) -> Fingerprint:
    # Cached: a collect deduplicates every stored batch against the articles already kept,
    # so the same texts are fingerprinted once per batch otherwise.
    tokens = [t.lower() for t in words(text)]
    pairs = frozenset(
        _hash(f"{a} {b}") for a, b in pairwise(tokens) if not (a in _FUNCTION and b in _FUNCTION)
    )
    vocabulary = frozenset(_hash(t) for t in tokens if t not in _FUNCTION and len(t) > 2)
    return Fingerprint(shingles(text), pairs, vocabulary)


def _uncommon_pairs(prints: list[Fingerprint]) -> list[frozenset[int]]:
    """Each text's word pairs without the run's common ones: what proposes a rewrite."""
    frequency: Counter[int] = Counter()
    for fingerprint_ in prints:
        frequency.update(fingerprint_.pairs)
    limit = max(COMMON_PAIR_TEXTS, COMMON_PAIR_SHARE * len(prints))
    common = {pair for pair, count in frequency.items() if count > limit}
    return [f.pairs - common if common else f.pairs for f in prints]


def _containment(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def rewritten(a: Fingerprint, b: Fingerprint) -> bool:
    """One text is the other with its wording rewritten (see the module docstring)."""
    shared = len(a.pairs & b.pairs)
    return (
        shared >= REWRITE_MIN_PAIRS
        and _containment(a.pairs, b.pairs) >= REWRITE_PAIRS
        and _containment(a.vocabulary, b.vocabulary) >= REWRITE_VOCABULARY
    )


def story_similarity(a: Fingerprint, b: Fingerprint) -> float:
    """:func:`similarity` of the shingles, raised to the threshold for a rewrite."""
    score = similarity(a.shingles, b.shingles)
    if score < JACCARD_SAME and rewritten(a, b):
        return JACCARD_SAME
    return score


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """The larger of Jaccard and containment of the smaller set in the larger (scaled so
    that CONTAINMENT_SAME maps onto JACCARD_SAME)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    jaccard = common / len(a | b)
    containment = common / min(len(a), len(b))
    return max(jaccard, containment * JACCARD_SAME / CONTAINMENT_SAME)


@dataclass(frozen=True)
class Cluster:
    lead: int
    members: tuple[int, ...]
    scores: dict[int, float]


def _identity(value: int) -> int:
    # Shingles are already hashed; MinHash wants 32-bit values.
    return value & 0xFFFFFFFF


@lru_cache(maxsize=1)
def _template() -> MinHash:
    # Generating the permutations is most of the cost of a small MinHash; share them.
    return MinHash(num_perm=NUM_PERM)


@lru_cache(maxsize=32_768)
def _minhash(items: frozenset[int]) -> MinHash:
    # Cached like fingerprint(); callers only read the signature.
    template = _template()
    signature = MinHash(
        num_perm=NUM_PERM,
        hashfunc=_identity,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    signature.update_batch(list(items))
    return signature


@lru_cache(maxsize=1)
def _threshold_bands() -> tuple[int, int]:
    """The (b, r) datasketch picks for LSH_THRESHOLD (its default weights): searching for
    them integrates numerically for every split of NUM_PERM, seconds for each index."""
    bands: tuple[int, int] = _optimal_param(LSH_THRESHOLD, NUM_PERM, 0.5, 0.5)
    return bands


def candidate_pairs(
    sets: Sequence[frozenset[int]], bands: tuple[int, int] | None = None
) -> set[tuple[int, int]]:
    """Pairs (i < j) that MinHash LSH says may be near-duplicates: by shingle Jaccard
    over LSH_THRESHOLD, or with ``bands`` (b, r) chosen for another measure."""
    index = MinHashLSH(num_perm=NUM_PERM, params=bands or _threshold_bands())
    pairs: set[tuple[int, int]] = set()
    for j, items in enumerate(sets):
        if not items:
            continue
        signature = _minhash(items)
        for i in index.query(signature):
            pairs.add((int(i), j))
        index.insert(j, signature)
    return pairs


def all_pairs(count: int) -> Iterator[tuple[int, int]]:
    """Every pair, in order: the quadratic baseline the benchmark compares against."""
    for i in range(count):
        for j in range(i + 1, count):
            yield i, j


def cluster_texts(texts: Sequence[str], exhaustive: bool = False) -> list[Cluster]:
    """Group indexes of ``texts`` into clusters of near-duplicates.

    The lead of a cluster is its lowest index: callers order texts by preference
    (already stored first, then earliest published), so the original wins.
    ``exhaustive`` measures every pair instead of the LSH candidates (for benchmarks).
    """
    prints = [fingerprint(t) for t in texts]
    parent = list(range(len(texts)))
    best: dict[int, float] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Shingles propose copies; word pairs propose rewrites (which keep many of them, not
    # their shingles). A vocabulary would propose every two stories on one subject.
    proposed = candidate_pairs([p.shingles for p in prints])
    proposed |= candidate_pairs(_uncommon_pairs(prints), LSH_BANDS)
    pairs = all_pairs(len(prints)) if exhaustive else iter(sorted(proposed))
    for i, j in pairs:
        score = story_similarity(prints[i], prints[j])
        if score >= JACCARD_SAME:
            best[j] = max(best.get(j, 0.0), score)
            root_i, root_j = find(i), find(j)
            if root_i != root_j:
                parent[max(root_i, root_j)] = min(root_i, root_j)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), []).append(i)
    return [
        Cluster(lead=root, members=tuple(members), scores={m: best.get(m, 1.0) for m in members})
        for root, members in sorted(groups.items())
    ]


@dataclass(frozen=True)
class Match:
    """A text found to be a copy: the key of its cluster's lead, and how alike they are."""

    lead: int
    score: float


class DedupIndex:
    """The pool of recent texts, indexed once and updated as texts come and go, so that
    each new text costs a few LSH lookups instead of re-clustering the whole pool.

    Texts are keyed by the caller (an article id, or any int); the lead of a cluster is
    the text of it added first, so add texts in order of preference as for
    :func:`cluster_texts`. :meth:`match` places a new
    text against the pool by the rules of :func:`cluster_texts`: an identical text, or one
    whose :func:`story_similarity` with a pooled text reaches JACCARD_SAME, belongs to
    that text's cluster and is led by its lead. Copies are pooled too (with their lead),
    so a copy of a copy is found as in a connected component. Two clusters a new text
    links are not merged: the earlier-added lead wins.

    Which word pairs are too common to propose a rewrite is counted over the texts
    pooled so far (in :func:`cluster_texts`, over the whole batch), so a run proposes
    nearly the same pairs; every proposed pair is then measured exactly.
    """

    def __init__(self) -> None:
        self._shingle_lsh = MinHashLSH(num_perm=NUM_PERM, params=_threshold_bands())
        self._pair_lsh = MinHashLSH(num_perm=NUM_PERM, params=LSH_BANDS)
        self._prints: dict[int, Fingerprint] = {}
        self._leads: dict[int, int] = {}
        self._by_hash: dict[str, int] = {}
        self._hash_of: dict[int, str] = {}
        self._pair_counts: Counter[int] = Counter()
        self._in_pair_lsh: set[int] = set()
        self._order: dict[int, int] = {}
        self._added = 0

    def __len__(self) -> int:
        return len(self._prints)

    def __contains__(self, key: int) -> bool:
        return key in self._prints

    def members(self) -> list[int]:
        return list(self._prints)

    def add(self, key: int, text: str, lead: int | None = None) -> None:
        """Pool ``text`` under ``key``, led by ``lead`` (itself by default)."""
        if key in self._prints:
            return
        prints = fingerprint(text)
        self._prints[key] = prints
        self._order[key] = self._added
        self._added += 1
        self._leads[key] = key if lead is None else self._leads.get(lead, lead)
        digest = content_hash(text)
        self._hash_of[key] = digest
        self._by_hash.setdefault(digest, key)
        self._pair_counts.update(prints.pairs)
        if prints.shingles:
            self._shingle_lsh.insert(key, _minhash(prints.shingles))
        uncommon = self._uncommon(prints.pairs)
        if uncommon:
            self._pair_lsh.insert(key, _minhash(uncommon))
            self._in_pair_lsh.add(key)

    def remove(self, key: int) -> None:
        prints = self._prints.pop(key, None)
        if prints is None:
            return
        self._leads.pop(key, None)
        self._order.pop(key, None)
        digest = self._hash_of.pop(key)
        if self._by_hash.get(digest) == key:
            del self._by_hash[digest]
        self._pair_counts.subtract(prints.pairs)
        if key in self._shingle_lsh:
            self._shingle_lsh.remove(key)
        if key in self._in_pair_lsh:
            self._in_pair_lsh.discard(key)
            self._pair_lsh.remove(key)

    def lead_of(self, key: int) -> int:
        return self._leads[key]

    def identical(self, text: str) -> int | None:
        """The key of a pooled text with the same normalised text, if any."""
        return self._by_hash.get(content_hash(text))

    def match(self, text: str) -> Match | None:
        """The cluster ``text`` belongs to, or None for a new story. Pure: pools nothing."""
        prints = fingerprint(text)
        proposed: set[int] = set()
        if prints.shingles:
            proposed.update(int(k) for k in self._shingle_lsh.query(_minhash(prints.shingles)))
        uncommon = self._uncommon(prints.pairs)
        if uncommon:
            proposed.update(int(k) for k in self._pair_lsh.query(_minhash(uncommon)))
        best: Match | None = None
        for key in sorted(proposed):
            score = story_similarity(self._prints[key], prints)
            if score < JACCARD_SAME:
                continue
            lead = self._leads[key]
            if best is None or self._rank(lead) < self._rank(best.lead):
                best = Match(lead, max(score, best.score) if best else score)
            elif lead == best.lead:
                best = Match(lead, max(score, best.score))
        return best

    def _rank(self, key: int) -> int:
        # A lead removed since (aged out of the pool) ranks first: it was added earliest.
        return self._order.get(key, -1)

    def _uncommon(self, pairs: frozenset[int]) -> frozenset[int]:
        limit = max(COMMON_PAIR_TEXTS, COMMON_PAIR_SHARE * len(self._prints))
        counts = self._pair_counts
        return frozenset(p for p in pairs if counts[p] <= limit)
