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
