"""Finding the passages that answer a question: FTS5 BM25, optional vectors, fused.

1. The question's content terms (:mod:`bot.qa.terms`; long ones are prefixes, expanded to
   the indexed words they start) are OR-ed into a quoted FTS5 query and ranked by BM25
   within the scope; its CJK character pairs likewise in the pair index
   (``passages_cjk``), so a Chinese question finds Chinese text and the Latin names in it
   find theirs. A common word matches most of the scope, and FTS5 scores every match, so
   the terms too light to make a passage relevant on their own (:func:`_minor_terms`) do
   not pick passages: the others' matches are ranked, and the light words' share of the
   leading ones' BM25 is added from their text, until no passage further behind could
   catch up (the same ranking, of the passages that can be relevant).
2. With a query embedding, the in-scope passage vectors are searched by brute-force cosine
   (one float32 matrix-vector product in NumPy).
3. The rankings are fused by reciprocal rank fusion.
4. Relevance: BM25 ranks anything sharing one word with the question, so each hit is also
   scored by *coverage*, the share of the question's term weight (inverse document
   frequency) that the passage and its title contain. A hit counts as relevant with
   coverage of at least :data:`MIN_COVERAGE`, or a vector similarity of at least
   :data:`MIN_SIMILARITY`. No relevant hit means the sources do not cover the question.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass

import sqlite_utils

from bot.qa import terms as qterms
from bot.qa.vectors import VectorSet
from storage import passages as store
from storage.passages import PassageRow, Scope

_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="qa-vectors")
RRF_K = 60
POOL = 40
PER_ARTICLE = 3
"""At most this many passages of one article, so several sources get a say."""
MIN_COVERAGE = 0.5
MIN_SIMILARITY = 0.8  # mistral-embed cosine; not tuned on real data (the model still decides)


@dataclass(frozen=True)
class Hit:
    passage: PassageRow
    score: float
    """Reciprocal rank fusion score: higher is better."""
    coverage: float
    similarity: float | None = None

    @property
    def relevant(self) -> bool:
        return self.coverage >= MIN_COVERAGE or (
            self.similarity is not None and self.similarity >= MIN_SIMILARITY
        )


@dataclass(frozen=True)
class Retrieval:
    terms: tuple[str, ...]
    hits: tuple[Hit, ...]
    """Fused ranking, best first."""

    @property
    def relevant(self) -> tuple[Hit, ...]:
        return tuple(hit for hit in self.hits if hit.relevant)


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings, best first."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def idf(document_frequency: int, total: int) -> float:
    n = min(document_frequency, total)
    return math.log(1.0 + (total - n + 0.5) / (n + 0.5))


def coverage(terms: Sequence[str], weights: Sequence[float], title: str, text: str) -> float:
    """Share of the question's term weight found in a passage and its title (0 to 1)."""
    if not qterms.has_cjk(text):
        # A passage in another script than a Chinese question: only its Latin names and
        # the glossary's words for its Chinese ones can meet it.
        weights = [
            0.0 if qterms.has_cjk(t) and not qterms.alternatives(t) else w
            for t, w in zip(terms, weights, strict=True)
        ]
    total = sum(weights)
    if not total:
        return 0.0
    words = set(qterms.tokens(f"{title}\n{text}"))
    found = sum(w for term, w in zip(terms, weights, strict=True) if qterms.matches(term, words))
    return found / total


@dataclass(frozen=True)
class _Terms:
    """A question's terms looked up in the index."""

    terms: list[str]
    weights: list[float]
    """Each term's inverse document frequency (the weight :func:`coverage` counts)."""
    words: list[list[str]]
    """The indexed words each term is searched as: its own and its alternatives'."""
    documents: dict[str, int]
    """How many passages hold each of those words."""


def _look_up(db: sqlite_utils.Database, terms: Sequence[str]) -> _Terms:
    total = max(store.passage_total(db), 1)
    latin = [t for t in terms if not qterms.has_cjk(t)]
    pairs = [t for t in terms if qterms.has_cjk(t)]
    looked_up = list(dict.fromkeys([*latin, *(a for t in terms for a in qterms.alternatives(t))]))
    found = dict(
        zip(
            looked_up,
            store.vocabulary(db, [(t, qterms.is_prefix_term(t)) for t in looked_up]),
            strict=True,
        )
    )
    own = dict(zip(pairs, store.cjk_frequencies(db, pairs), strict=True))
    own.update((t, found[t][0]) for t in latin)
    weights = []
    words = []
    for term in terms:
        frequency = max([own[term], *(found[a][0] for a in qterms.alternatives(term))])
        # A CJK pair no passage holds (nor any alternative) is no word of the sources (a
        # question is paired across word boundaries: "高雄新廠" gives "雄新"); unlike an
        # unknown Latin name, it proves nothing missing, so it does not weigh.
        unknown_pair = qterms.has_cjk(term) and not frequency
        weights.append(0.0 if unknown_pair else idf(frequency, total))
        searched = [] if qterms.has_cjk(term) else [term]
        searched += qterms.alternatives(term)
        words.append([word for t in searched for word, _ in found[t][1]])
    documents = {word: n for t in looked_up for word, n in found[t][1]}
    return _Terms(list(terms), weights, words, documents)


def expand(db: sqlite_utils.Database, terms: Sequence[str]) -> tuple[list[float], list[str]]:
    """Each term's weight (inverse document frequency) and the indexed words to search:
    its own, and those of its alternatives (CJK pairs are searched as they are, in the
    pair index)."""
    looked_up = _look_up(db, terms)
    return looked_up.weights, list(looked_up.documents)


def _minor_terms(looked_up: _Terms) -> set[int]:
    """The lightest terms whose weights sum to under :data:`MIN_COVERAGE` of the
    question's: a passage holding only these cannot be relevant by its words, so keyword
    search need not rank it (the vector search still finds it if it means the same)."""
    total = sum(looked_up.weights)
    minor: set[int] = set()
    carried = 0.0
    for i in sorted(range(len(looked_up.terms)), key=lambda i: looked_up.weights[i]):
        if carried + looked_up.weights[i] >= MIN_COVERAGE * total:
            break
        carried += looked_up.weights[i]
        minor.add(i)
    return minor


MAX_CLAUSES = 32
"""Beyond this many ways for a passage to be relevant, keyword search ranks every match."""


def _relevant_expression(looked_up: _Terms) -> str | None:
    """An FTS5 expression only passages that can be relevant by their words match: those
    holding terms of at least :data:`MIN_COVERAGE` of the question's weight (one clause per
    smallest such set of terms). None when it would not narrow the search."""
    total = sum(looked_up.weights)
    need = MIN_COVERAGE * total * (1 - 1e-9)  # never stricter than coverage is
    usable = [i for i, words in enumerate(looked_up.words) if words]
    winning: list[tuple[int, ...]] = []
    for size in range(1, len(usable) + 1):
        for subset in itertools.combinations(usable, size):
            if sum(looked_up.weights[i] for i in subset) < need:
                continue
            if any(set(w) <= set(subset) for w in winning):
                continue  # a smaller set already wins
            winning.append(subset)
            if len(winning) > MAX_CLAUSES:
                return None
    if all(len(subset) == 1 for subset in winning):
        return None  # any one term will do: the plain OR of the words already says it

    def group(i: int) -> str:
        return "(" + (qterms.fts_query(looked_up.words[i]) or "") + ")"

    clauses = ["(" + " AND ".join(group(i) for i in subset) + ")" for subset in winning]
    return " OR ".join(clauses) if clauses else None


def _keyword_ranking(
    db: sqlite_utils.Database, scope: Scope, looked_up: _Terms
) -> tuple[list[int], dict[int, PassageRow]]:
    """The best :data:`POOL` passages by BM25 over all the question's words, among those
    that can be relevant (see :func:`_relevant_expression`), and the rows read on the way.

    A common word matches most of the scope and FTS5 scores every match, so the search
    ranks by the major terms' words alone (see :func:`_minor_terms`: rare, few matches);
    the minor words' share of each leading passage's score is then added here, from its
    text. Their share is at most ``(k1 + 1) * idf`` each, so passages further than that
    behind the :data:`POOL`-th need no look."""
    if any(qterms.has_cjk(t) for t in looked_up.terms):
        # The pair index ranks those; keep the Latin ranking whole beside it.
        match = qterms.fts_query(list(looked_up.documents))
        return ([pid for pid, _ in store.search_bm25(db, match, scope, POOL)] if match else []), {}
    minor = _minor_terms(looked_up)
    major_words = list(
        dict.fromkeys(w for i, ws in enumerate(looked_up.words) if i not in minor for w in ws)
    )
    minor_words = list(
        dict.fromkeys(
            w for i in sorted(minor) for w in looked_up.words[i] if w not in set(major_words)
        )
    )
    match = qterms.fts_query(major_words)
    if match is None:
        return [], {}
    stats = store.keyword_stats(db)
    idfs = {w: stats.idf(looked_up.documents.get(w, 0)) for w in minor_words}
    slack = (store.BM25_K1 + 1.0) * sum(idfs.values()) * (1 + 1e-9)
    counter = _word_counter(minor_words) if minor_words else None
    best: list[tuple[float, int]] = []  # max-heap by score (negated): the POOL best so far
    rows: dict[int, PassageRow] = {}
    pending: list[store.KeywordMatch] = []

    def score(batch: list[store.KeywordMatch]) -> None:
        if counter is not None:
            rows.update(store.passages_by_id(db, [m.passage_id for m in batch]))
        for m in batch:
            row = rows.get(m.passage_id)
            if counter is None:
                full = m.score
            elif row is None:
                continue
            else:
                full = m.score - _bm25_share(row, idfs, counter, m.tokens, stats)
            if len(best) < POOL:
                heapq.heappush(best, (-full, m.passage_id))
            elif full < -best[0][0]:
                heapq.heapreplace(best, (-full, m.passage_id))
        batch.clear()

    among = _relevant_expression(looked_up)
    with closing(store.ranked_bm25(db, match, scope, among=among)) as ranked:
        for m in ranked:
            # FTS5's score is negative: the minor words can lower it by less than slack.
            if len(best) == POOL and m.score - slack >= -best[0][0]:
                break
            pending.append(m)
            if len(pending) == _SCORE_BATCH:
                score(pending)
    score(pending)
    ranked_ids = [pid for _, pid in sorted((-neg, pid) for neg, pid in best)]
    return ranked_ids, rows


_SCORE_BATCH = 32


def _word_counter(words: Sequence[str]) -> re.Pattern[str]:
    """Finds ``words`` as whole index tokens in folded text."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def _folded(text: str) -> str:
    return text.lower() if text.isascii() else qterms.fold(text)


def _bm25_share(
    row: PassageRow,
    idfs: dict[str, float],
    counter: re.Pattern[str],
    tokens: int,
    stats: store.KeywordStats,
) -> float:
    """What the words of ``idfs`` add to a passage's bm25 score (as FTS5 computes it)."""
    k1, b = store.BM25_K1, store.BM25_B
    norm = k1 * (1.0 - b + b * tokens / stats.mean_tokens) if stats.mean_tokens else k1
    counts: dict[str, float] = {}
    for weight, text in zip(store.BM25_WEIGHTS, (row.title, row.text), strict=True):
        folded = _folded(text)
        if not any(word in folded for word in idfs):
            continue  # the common case for all but the commonest words, and cheap to see
        for word in counter.findall(folded):
            counts[word] = counts.get(word, 0.0) + weight
    return sum(idfs[w] * f * (k1 + 1.0) / (f + norm) for w, f in counts.items())


def retrieve(
    db: sqlite_utils.Database,
    scope: Scope,
    question: str,
    *,
    query_vector: Sequence[float] | None = None,
    vectors: VectorSet | None = None,
    limit: int = 8,
) -> Retrieval:
    """The best ``limit`` passages in scope for ``question`` (at most :data:`PER_ARTICLE`
    from one article), fused and scored."""
    pending: Future[list[tuple[int, float]]] | None = None
    if query_vector is not None and vectors is not None and len(vectors):
        # NumPy releases the GIL: the vector scan runs while SQLite ranks by BM25.
        pending = _pool.submit(vectors.search, query_vector, POOL)
    terms = qterms.query_terms(question)
    looked_up = _look_up(db, terms)
    weights = looked_up.weights
    lexical, rows = _keyword_ranking(db, scope, looked_up)
    pairs = [t for t in terms if qterms.has_cjk(t)]
    chinese = [pid for pid, _ in store.search_cjk(db, pairs, scope, POOL)]
    semantic = pending.result() if pending is not None else []
    fused = rrf([lexical, chinese, [pid for pid, _ in semantic]])
    if not fused:
        return Retrieval(tuple(terms), ())
    similarity = dict(semantic)
    hits: list[Hit] = []
    per_article: dict[int, list[int]] = {}  # article -> indexes of its hits
    for i, (pid, score) in enumerate(fused):
        full = len(hits) == limit
        if full and i >= POOL:
            break
        if pid not in rows:  # fetched a few at a time: most questions need the first ones
            rows.update(store.passages_by_id(db, [p for p, _ in fused[i : i + 2 * limit]]))
        row = rows.get(pid)
        if row is None:
            continue
        mine = per_article.setdefault(row.article_id, [])
        if len(mine) >= PER_ARTICLE:
            # An article's passages are kept by how much of the question they hold, not
            # by BM25 alone: the one passage with the question's rarest word ("exempt")
            # loses on BM25 to its others that repeat the commoner words ("Dublin",
            # "charge"), and the cap would leave the answer out.
            if i < POOL:
                weakest = min(mine, key=lambda k: (round(hits[k].coverage, 2), hits[k].score))
                cover = coverage(terms, weights, row.title, row.text)
                if round(cover, 2) > round(hits[weakest].coverage, 2):
                    hits[weakest] = Hit(row, score, cover, similarity.get(pid))
            continue
        if full:
            continue
        mine.append(len(hits))
        cover = coverage(terms, weights, row.title, row.text)
        hits.append(Hit(row, score, cover, similarity.get(pid)))
    return Retrieval(tuple(terms), tuple(hits))
