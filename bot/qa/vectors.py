"""Passage embeddings in memory, searched by brute-force cosine with NumPy.

The vectors live in SQLite (``passage_vectors``, unit-length float32 blobs). A
:class:`VectorIndex` holds one topic's vectors in one matrix and tops itself up with rows
added since it was loaded, so a long-running bot reads each vector from disk once. A
question's scope (a date range, or one digest's articles) selects rows of that matrix.
Brute force is exact and, at the sizes a news topic reaches, fast enough (see
``bench/ask.py``): one matrix-vector product.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache

import numpy as np
import sqlite_utils
from threadpoolctl import ThreadpoolController

from storage import passages as store
from storage.passages import Scope
from storage.sql import to_iso

CACHED_INDEXES = 8


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


class VectorSet:
    """Unit vectors of passages and their ids, searched by brute force."""

    def __init__(self, ids: np.ndarray, matrix: np.ndarray) -> None:
        self.ids = ids
        self.matrix = matrix

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, bytes]]) -> VectorSet:
        if not rows:
            return cls(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32))
        ids = np.fromiter((pid for pid, _ in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(blob for _, blob in rows), dtype=np.float32)
        return cls(ids, matrix.reshape(len(rows), -1))

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: Sequence[float] | np.ndarray, k: int) -> list[tuple[int, float]]:
        """(passage id, cosine) of the ``k`` nearest vectors, nearest first."""
        if not len(self) or k <= 0:
            return []
        q = np.asarray(query, dtype=np.float32)
        if q.shape != (self.matrix.shape[1],):
            return []
        norm = float(np.linalg.norm(q))
        # One BLAS thread: the scan runs beside SQLite's BM25 search (see retrieve), and a
        # multi-threaded product fights it for the cores (bench/ask.py: hybrid p95 over
        # 100k passages 21.4 ms with the default threads, 19.2 ms with one).
        with _blas().limit(limits=1, user_api="blas"):
            sims = self.matrix @ (q / norm if norm else q)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [(int(self.ids[i]), float(sims[i])) for i in top]


class VectorIndex:
    """Every vector of one topic from one embedding model, with what scopes filter on."""

    def __init__(self, topic: str, model: str) -> None:
        self.topic = topic
        self.model = model
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.last_row = 0
        self._ids = np.zeros(0, dtype=np.int64)
        self._articles = np.zeros(0, dtype=np.int64)
        self._published = np.zeros(0, dtype="<U40")
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._ids)

    def refresh(self, db: sqlite_utils.Database) -> int:
        """Load the vectors stored since the last refresh; how many were added."""
        with self._lock:
            if store.last_vector_row(db) < self.last_row:  # a different database file now
                self._reset()
            rows = store.vectors_after(db, self.model, self.topic, self.last_row)
            if not rows:
                return 0
            ids = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
            articles = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
            published = np.array([r[3] for r in rows], dtype="<U40")
            matrix = np.frombuffer(b"".join(r[4] for r in rows), dtype=np.float32)
            matrix = matrix.reshape(len(rows), -1)
            if len(self._ids) and matrix.shape[1] != self._matrix.shape[1]:
                raise ValueError("embedding dimensions changed; use a new index")
            ids = np.concatenate([self._ids, ids])
            articles = np.concatenate([self._articles, articles])
            published = np.concatenate([self._published, published])
            matrix = matrix if not len(self._matrix) else np.vstack([self._matrix, matrix])
            # Kept in publication order, so a date range is a slice (a view, no copy).
            order = np.argsort(published, kind="stable")
            self._ids, self._articles = ids[order], articles[order]
            self._published, self._matrix = published[order], matrix[order]
            self.last_row = rows[-1][0]
            return len(rows)

    def select(self, scope: Scope) -> VectorSet:
        """The vectors in ``scope``: a slice of the matrix for a date range (no copy), and
        a copy of the few rows of a digest's articles."""
        lo, hi = 0, len(self._ids)
        if scope.start is not None:
            lo = int(np.searchsorted(self._published, to_iso(scope.start), side="left"))
        if scope.end is not None:
            hi = int(np.searchsorted(self._published, to_iso(scope.end), side="left"))
        ids, matrix = self._ids[lo:hi], self._matrix[lo:hi]
        if scope.article_ids is not None:
            wanted = np.isin(self._articles[lo:hi], np.asarray(scope.article_ids, dtype=np.int64))
            ids, matrix = ids[wanted], matrix[wanted]
        return VectorSet(ids, matrix)


_indexes: OrderedDict[tuple[str, str, str], VectorIndex] = OrderedDict()
_indexes_lock = threading.Lock()


def index_for(db: sqlite_utils.Database, topic: str, model: str) -> VectorIndex:
    """The refreshed in-memory index of ``topic``, kept between questions for file
    databases (a few, least recently used first out); a fresh one for ``:memory:``."""
    path = next((row[2] for row in db.execute("pragma database_list") if row[1] == "main"), "")
    if not path:
        index = VectorIndex(topic, model)
    else:
        key = (path, topic, model)
        with _indexes_lock:
            index = _indexes.pop(key) if key in _indexes else VectorIndex(topic, model)
            _indexes[key] = index
            while len(_indexes) > CACHED_INDEXES:
                _indexes.popitem(last=False)
    index.refresh(db)
    return index
