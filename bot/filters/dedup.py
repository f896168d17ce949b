"""Near-duplicate detection: syndicated copies of one story become one cluster.

Each text becomes a set of word shingles. Two texts whose shingle sets overlap enough
(Jaccard, or containment for a copy that trimmed or padded the original) are the same
story. So are two texts of which one rewrote the other's headline and opening and
paraphrased the rest: the wording changes, but most of its pairs of words and nearly all
of its vocabulary stay (measured on the whole body, with enough shared pairs that common
boilerplate alone cannot make two stories one). Clusters are connected components of
that relation, and each keeps one lead.

Comparing every pair is quadratic (10,000 texts are 50 million comparisons), so pairs are
first proposed by MinHash locality-sensitive hashing: each text is looked up once in an
index that returns only texts likely to be similar, and only those pairs are measured
exactly. The index threshold sits well below the decision threshold so that a trimmed copy
(lower Jaccard, high containment) is still proposed.

Everything a text is compared by is a sorted array of hashes (numpy), built without a
Python loop over shingles: a 1,000-word article costs a regular expression, one dictionary
lookup per word and a few array operations. The MinHash signature is one-permutation
hashing (each element hashed once, into one of NUM_PERM bins, the bin's minimum kept; an
empty bin borrows its right-hand neighbour's, as in Shrivastava and Li's densification), so
two signatures agree in a bin with probability the sets' Jaccard, at a cost linear in the
set instead of NUM_PERM hash functions per element.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from bot.filters.language import FUNCTION_WORDS
from bot.filters.text import looks_like_heading, words

_FUNCTION = frozenset(w for vocabulary in FUNCTION_WORDS.values() for w in vocabulary)

Hashes = npt.NDArray[np.uint32]
"""A set of hashed items: sorted, unique."""

SHINGLE_WORDS = 4
JACCARD_SAME = 0.45
CONTAINMENT_SAME = 0.7
NUM_PERM = 256
SHINGLE_BANDS = (64, 3)
"""64 bands of 3 rows: what datasketch's optimiser picks for a Jaccard threshold of 0.25
over 256 permutations (equal weights on false positives and negatives); a copy trimmed to
60% of the original (Jaccard 0.6) is proposed with certainty, two stories at 0.05 in 0.8%
of cases."""
PAIR_BANDS = (128, 2)
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

_FUNCTION_BIT = np.uint64(1)
_VOCABULARY_BIT = np.uint64(2)
_FLAGS = np.uint64(3)
# Odd 64-bit multipliers: the position of a word in a shingle changes its hash.
_POSITION = [np.uint64(m) for m in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)]
_BIN_SHIFT = np.uint32(24)  # 32-bit hashes: the top 8 bits pick one of 256 bins
_BIN_VALUES = np.uint64(1 << 24)
_EMPTY: Hashes = np.zeros(0, dtype=np.uint32)


def content_hash(text: str) -> str:
    normalised = " ".join(text.split()).lower()  # split() and \s agree on whitespace
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: every input bit moves every output bit, so the top bits of
    a combined hash are as random as its bottom ones (the bins read the top bits)."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def _as_set(values: npt.NDArray[np.uint64]) -> Hashes:
    ordered = np.sort((_mix(values) >> np.uint64(32)).astype(np.uint32))
    if len(ordered) < 2:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


_token_hashes: dict[str, int] = {}
_TOKEN_CACHE = 500_000
"""Words whose hash is remembered: a few languages' vocabularies, about 50 MB at most."""


def _token_hash(token: str) -> int:
    """A stable 64-bit hash of a lower-cased word (str hashes are salted per process, and
    a run must be repeatable), its low bits marking a function word and a content word."""
    digest = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest())
    flags = 1 if token in _FUNCTION else 2 if len(token) > 2 else 0
    return (digest & ~3) | flags


def _tokens(text: str) -> npt.NDArray[np.uint64]:
    global _token_hashes
    tokens = list(map(str.lower, words(text)))
    known = _token_hashes
    if len(known) + len(tokens) > _TOKEN_CACHE:
        # A new dict, not clear(): a thread reading the old one keeps it whole.
        known = _token_hashes = {}
    for token in set(tokens).difference(known):
        known[token] = _token_hash(token)
    return np.fromiter(map(known.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


def _shingles_of(tokens: npt.NDArray[np.uint64]) -> Hashes:
    if not len(tokens):
        return _EMPTY
    count = len(tokens) - SHINGLE_WORDS + 1
    if count < 1:  # a text shorter than a shingle is one shingle of all its words
        combined = np.zeros(1, dtype=np.uint64)
        for position, token in enumerate(tokens):
            combined = combined * _POSITION[position % 3] + token
        return _as_set(combined)
    combined = tokens[:count].copy()
    for offset in range(1, SHINGLE_WORDS):
        combined = combined * _POSITION[offset - 1] + tokens[offset : offset + count]
    return _as_set(combined)


def shingles(text: str) -> Hashes:
    """The text's 4-word shingles, hashed."""
    return _shingles_of(_tokens(text))


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """What a text is compared by: its 4-word shingles, its word pairs (not two function
    words), its vocabulary (content words of three letters or more)."""

    shingles: Hashes
    pairs: Hashes
    vocabulary: Hashes


@lru_cache(maxsize=2048)
def fingerprint(text: str) -> Fingerprint:
    # Cached for the text matched against a pool and then added to it.
    tokens = _tokens(_body(text))
    flags = tokens & _FLAGS
    function = flags == _FUNCTION_BIT
    content_pair = ~(function[:-1] & function[1:])
    pairs = (tokens[:-1] * _POSITION[0] + tokens[1:])[content_pair]
    vocabulary = tokens[flags == _VOCABULARY_BIT]
    return Fingerprint(_shingles_of(tokens), _as_set(pairs), _as_set(vocabulary))


def _body(text: str) -> str:
    """The text without the headline lines it opens with: a syndicated copy writes its
    own headline, which in a brief is a good part of the words. A text that is all
    headline lines is kept whole."""
    lines = text.lstrip().split("\n")
    start = 0
    while start < len(lines) and looks_like_heading(lines[start].strip()):
        start += 1
    return "\n".join(lines[start:]) if start < len(lines) else text


def _shared(a: Hashes, b: Hashes) -> int:
    """How many items two sets have in common."""
    if not len(a) or not len(b):
        return 0
    if len(a) > len(b):
        a, b = b, a
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return int(np.count_nonzero(b[at] == a))


def _containment(a: Hashes, b: Hashes) -> float:
    return _shared(a, b) / min(len(a), len(b)) if len(a) and len(b) else 0.0


def rewritten(a: Fingerprint, b: Fingerprint) -> bool:
    """One text is the other with its wording rewritten (see the module docstring)."""
    if not len(a.pairs) or not len(b.pairs):
        return False
    shared = _shared(a.pairs, b.pairs)
    return (
        shared >= REWRITE_MIN_PAIRS
        and shared / min(len(a.pairs), len(b.pairs)) >= REWRITE_PAIRS
        and _containment(a.vocabulary, b.vocabulary) >= REWRITE_VOCABULARY
    )


def story_similarity(a: Fingerprint, b: Fingerprint) -> float:
    """:func:`similarity` of the shingles, raised to the threshold for a rewrite."""
    score = similarity(a.shingles, b.shingles)
    if score < JACCARD_SAME and rewritten(a, b):
        return JACCARD_SAME
    return score


def similarity(a: Hashes, b: Hashes) -> float:
    """The larger of Jaccard and containment of the smaller set in the larger (scaled so
    that CONTAINMENT_SAME maps onto JACCARD_SAME)."""
    if not len(a) or not len(b):
        return 0.0
    common = _shared(a, b)
    jaccard = common / (len(a) + len(b) - common)
    containment = common / min(len(a), len(b))
    return max(jaccard, containment * JACCARD_SAME / CONTAINMENT_SAME)


def signature(items: Hashes) -> npt.NDArray[np.uint64]:
    """The set's one-permutation MinHash: per bin (the hash's top 8 bits), the smallest
    value in it; an empty bin takes the next non-empty bin's value to its right (wrapping),
    offset by the distance so that a borrowed value never equals an owned one."""
    bins = np.arange(NUM_PERM + 1, dtype=np.uint64) << np.uint64(_BIN_SHIFT)
    bounds = np.searchsorted(items, bins)
    starts, ends = bounds[:-1], bounds[1:]
    owned = starts < ends
    values = (items[np.minimum(starts, len(items) - 1)] & np.uint32(0xFFFFFF)).astype(np.uint64)
    filled = np.flatnonzero(owned)
    # For each bin, the first owned bin at or after it, wrapping round.
    nearest = np.searchsorted(filled, np.arange(NUM_PERM))
    wrapped = nearest == len(filled)
    source = filled[np.where(wrapped, 0, nearest)]
    distance = (source - np.arange(NUM_PERM)) % NUM_PERM
    return values[source] + distance.astype(np.uint64) * _BIN_VALUES


def _band_table(items: Hashes, bands: tuple[int, int]) -> npt.NDArray[np.uint64]:
    count, rows = bands
    table = signature(items)[: count * rows].reshape(count, rows)
    combined = table[:, 0].copy()
    for row in range(1, rows):
        combined = combined * _POSITION[(row - 1) % 3] + table[:, row]
    return _mix(combined + np.arange(count, dtype=np.uint64) * _POSITION[2])


def band_keys(items: Hashes, bands: tuple[int, int]) -> npt.NDArray[np.uint64]:
    """One key per LSH band of the set's signature: two sets share a key when their
    signatures agree on all rows of that band. Keys of different bands never meet."""
    return _band_table(items, bands) if len(items) else np.zeros(0, dtype=np.uint64)


class _Bands:
    """An LSH index over band keys: which texts have a key.

    A week's pool is thousands of texts of 192 keys each, too many for a dict of Python
    ints (about 30 KB a text): the keys live in one sorted array with their texts beside
    them (16 bytes a key), looked up with a binary search. Texts added since the last merge
    wait in a small dict, and are merged in when there are enough of them; removed texts
    are skipped in answers and dropped at the next merge.
    """

    def __init__(self) -> None:
        self._keys = np.zeros(0, dtype=np.uint64)
        self._owners = np.zeros(0, dtype=np.int64)
        self._recent: dict[int, list[int]] = {}
        self._recent_keys: dict[int, npt.NDArray[np.uint64]] = {}
        self._removed: set[int] = set()
        self._merged_texts = 0

    def query(self, keys: npt.NDArray[np.uint64]) -> set[int]:
        found: set[int] = set()
        if len(self._keys) and len(keys):
            starts = np.searchsorted(self._keys, keys, side="left")
            ends = np.searchsorted(self._keys, keys, side="right")
            hit = ends > starts
            for start, end in zip(starts[hit].tolist(), ends[hit].tolist(), strict=True):
                found.update(self._owners[start:end].tolist())
        recent = self._recent
        if recent:
            for key in keys.tolist():
                texts = recent.get(key)
                if texts:
                    found.update(texts)
        return found - self._removed if self._removed else found

    def insert(self, text: int, keys: npt.NDArray[np.uint64]) -> None:
        if not len(keys):
            return
        if text in self._removed:  # a key used again: its old entries must go first
            self._merge()
        self._recent_keys[text] = keys
        recent = self._recent
        for key in keys.tolist():
            texts = recent.get(key)
            if texts is None:
                recent[key] = [text]
            else:
                texts.append(text)
        if len(self._recent_keys) > max(256, self._merged_texts // 4):
            self._merge()

    def remove(self, text: int) -> None:
        keys = self._recent_keys.pop(text, None)
        if keys is None:
            self._removed.add(text)
            return
        for key in keys.tolist():
            texts = self._recent[key]
            texts.remove(text)
            if not texts:
                del self._recent[key]

    def _merge(self) -> None:
        keys = [self._keys, *self._recent_keys.values()]
        owners = [self._owners]
        owners += [np.full(len(k), t, dtype=np.int64) for t, k in self._recent_keys.items()]
        all_keys, all_owners = np.concatenate(keys), np.concatenate(owners)
        if self._removed:
            alive = ~np.isin(all_owners, np.fromiter(self._removed, dtype=np.int64))
            all_keys, all_owners = all_keys[alive], all_owners[alive]
        order = np.argsort(all_keys, kind="stable")
        self._keys, self._owners = all_keys[order], all_owners[order]
        self._merged_texts = len(np.unique(self._owners))
        self._recent, self._recent_keys, self._removed = {}, {}, set()


def candidate_pairs(
    sets: Sequence[Hashes], bands: tuple[int, int] = SHINGLE_BANDS
) -> set[tuple[int, int]]:
    """Pairs (i < j) that MinHash LSH says may be near-duplicates: by shingle Jaccard
    over about 0.25, or with ``bands`` (b, r) chosen for another measure. The whole batch
    at once: every text's band keys sorted together, texts sharing one are the pairs."""
    texts = [i for i, items in enumerate(sets) if len(items)]
    if len(texts) < 2:
        return set()
    keys = np.concatenate([_band_table(sets[i], bands) for i in texts])
    owners = np.repeat(np.array(texts), bands[0])
    order = np.argsort(keys, kind="stable")
    keys, owners = keys[order], owners[order]
    repeated = np.flatnonzero(keys[1:] == keys[:-1])
    pairs: set[tuple[int, int]] = set()
    if not len(repeated):
        return pairs
    # Runs of equal keys: each starts where the key before it differs.
    starts = repeated[np.concatenate(([True], repeated[1:] != repeated[:-1] + 1))]
    for start in starts.tolist():
        end = start + 1
        while end < len(keys) and keys[end] == keys[start]:
            end += 1
        members = sorted(set(owners[start:end].tolist()))
        pairs.update((a, b) for n, a in enumerate(members) for b in members[n + 1 :])
    return pairs


def _uncommon_pairs(prints: Sequence[Fingerprint]) -> list[Hashes]:
    """Each text's word pairs without the run's common ones: what proposes a rewrite."""
    if not prints:
        return []
    every = np.concatenate([p.pairs for p in prints])
    _, where, counts = np.unique(every, return_inverse=True, return_counts=True)
    limit = max(COMMON_PAIR_TEXTS, COMMON_PAIR_SHARE * len(prints))
    uncommon = counts[where] <= limit
    bounds = np.cumsum([len(p.pairs) for p in prints])[:-1]
    return [p.pairs[keep] for p, keep in zip(prints, np.split(uncommon, bounds), strict=True)]


def all_pairs(count: int) -> Iterator[tuple[int, int]]:
    """Every pair, in order: the quadratic baseline the benchmark compares against."""
    for i in range(count):
        for j in range(i + 1, count):
            yield i, j


@dataclass(frozen=True)
class Cluster:
    lead: int
    members: tuple[int, ...]
    scores: dict[int, float]


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

    if exhaustive:
        pairs: Iterator[tuple[int, int]] = all_pairs(len(prints))
    else:
        # Shingles propose copies; word pairs propose rewrites (which keep many of them,
        # not their shingles). A vocabulary would propose every two stories on one subject.
        proposed = candidate_pairs([p.shingles for p in prints])
        proposed |= candidate_pairs(_uncommon_pairs(prints), PAIR_BANDS)
        pairs = iter(sorted(proposed))
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


class _PairCounts:
    """In how many pooled texts each word pair occurs, counted in a hashed table of about
    one bucket per pooled pair (16 bits each: 8 MB for a week of 4,000 articles, where a
    Counter of their pairs would hold millions of Python ints). A pair's count is its
    bucket's, so a rare pair now and then reads as common and merely proposes nothing;
    the pairs proposed are measured exactly all the same."""

    _MOST = np.uint16(np.iinfo(np.uint16).max)
    _LARGEST = 1 << 26

    def __init__(self) -> None:
        self._table = np.zeros(1 << 16, dtype=np.uint16)
        self._pooled = 0

    def _slots(self, pairs: Hashes) -> npt.NDArray[np.uint32]:
        return pairs & np.uint32(len(self._table) - 1)

    # Two pairs of one text in one bucket count once (fancy-index assignment), on adding
    # and on removing alike. A bucket saturates instead of wrapping round to "rare".
    def add(self, pairs: Hashes) -> None:
        slots = self._slots(pairs)
        counts = self._table[slots]
        self._table[slots] = counts + (counts < self._MOST)
        self._pooled += len(pairs)

    def remove(self, pairs: Hashes) -> None:
        slots = self._slots(pairs)
        counts = self._table[slots]
        self._table[slots] = counts - (counts > 0)
        self._pooled -= len(pairs)

    def needs_room(self) -> bool:
        return self._pooled > len(self._table) < self._LARGEST

    def rebuild(self, every: Sequence[Hashes]) -> None:
        size = len(self._table)
        while self._pooled > size < self._LARGEST:
            size *= 2
        self._table = np.zeros(size, dtype=np.uint16)
        self._pooled = 0
        for pairs in every:
            self.add(pairs)

    def uncommon(self, pairs: Hashes, limit: float) -> Hashes:
        return pairs[self._table[self._slots(pairs)] <= limit]


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
        self._shingle_lsh = _Bands()
        self._pair_lsh = _Bands()
        self._prints: dict[int, Fingerprint] = {}
        self._leads: dict[int, int] = {}
        self._by_hash: dict[str, int] = {}
        self._hash_of: dict[int, str] = {}
        self._pair_counts = _PairCounts()
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
        self._pair_counts.add(prints.pairs)
        if self._pair_counts.needs_room():
            self._pair_counts.rebuild([p.pairs for p in self._prints.values()])
        self._shingle_lsh.insert(key, band_keys(prints.shingles, SHINGLE_BANDS))
        self._pair_lsh.insert(key, band_keys(self._uncommon(prints.pairs), PAIR_BANDS))

    def remove(self, key: int) -> None:
        prints = self._prints.pop(key, None)
        if prints is None:
            return
        self._leads.pop(key, None)
        self._order.pop(key, None)
        digest = self._hash_of.pop(key)
        if self._by_hash.get(digest) == key:
            del self._by_hash[digest]
        self._pair_counts.remove(prints.pairs)
        self._shingle_lsh.remove(key)
        self._pair_lsh.remove(key)

    def lead_of(self, key: int) -> int:
        return self._leads[key]

    def identical(self, text: str) -> int | None:
        """The key of a pooled text with the same normalised text, if any."""
        return self._by_hash.get(content_hash(text))

    def match(self, text: str) -> Match | None:
        """The cluster ``text`` belongs to, or None for a new story. Pure: pools nothing."""
        prints = fingerprint(text)
        proposed = self._shingle_lsh.query(band_keys(prints.shingles, SHINGLE_BANDS))
        proposed |= self._pair_lsh.query(band_keys(self._uncommon(prints.pairs), PAIR_BANDS))
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

    def _uncommon(self, pairs: Hashes) -> Hashes:
        limit = max(COMMON_PAIR_TEXTS, COMMON_PAIR_SHARE * len(self._prints))
        return self._pair_counts.uncommon(pairs, limit)
