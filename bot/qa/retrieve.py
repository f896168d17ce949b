"""Finding the passages that answer a question: FTS5 BM25, optional vectors, fused.

1. The question's content terms (:mod:`bot.qa.terms`; long ones are prefixes, expanded to
   the indexed words they start) are OR-ed into a quoted FTS5 query and ranked by BM25
   within the scope; its CJK character pairs likewise in the pair index
   (``passages_cjk``), so a Chinese question finds Chinese text and the Latin names in it
   find theirs.
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

import math
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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


def expand(db: sqlite_utils.Database, terms: Sequence[str]) -> tuple[list[float], list[str]]:
    """Each term's weight (inverse document frequency) and the indexed words to search:
    its own, and those of its alternatives (CJK pairs are searched as they are, in the
    pair index)."""
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
    for term in terms:
        frequency = max([own[term], *(found[a][0] for a in qterms.alternatives(term))])
        # A CJK pair no passage holds (nor any alternative) is no word of the sources (a
        # question is paired across word boundaries: "高雄新廠" gives "雄新"); unlike an
        # unknown Latin name, it proves nothing missing, so it does not weigh.
        unknown_pair = qterms.has_cjk(term) and not frequency
        weights.append(0.0 if unknown_pair else idf(frequency, total))
    words = [word for t in looked_up for word in found[t][1]]
    return weights, words


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
    weights, words = expand(db, terms)
    match = qterms.fts_query(words)
    lexical = [pid for pid, _ in store.search_bm25(db, match, scope, POOL)] if match else []
    pairs = [t for t in terms if qterms.has_cjk(t)]
    chinese = [pid for pid, _ in store.search_cjk(db, pairs, scope, POOL)]
    semantic = pending.result() if pending is not None else []
    fused = rrf([lexical, chinese, [pid for pid, _ in semantic]])
    if not fused:
        return Retrieval(tuple(terms), ())
    similarity = dict(semantic)
    hits: list[Hit] = []
    per_article: dict[int, int] = {}
    rows: dict[int, PassageRow] = {}
    for i, (pid, score) in enumerate(fused):
        if pid not in rows:  # fetched a few at a time: most questions need the first ones
            rows.update(store.passages_by_id(db, [p for p, _ in fused[i : i + 2 * limit]]))
        row = rows.get(pid)
        if row is None or per_article.get(row.article_id, 0) >= PER_ARTICLE:
            continue
        per_article[row.article_id] = per_article.get(row.article_id, 0) + 1
        cover = coverage(terms, weights, row.title, row.text)
        hits.append(Hit(row, score, cover, similarity.get(pid)))
        if len(hits) == limit:
            break
    return Retrieval(tuple(terms), tuple(hits))
