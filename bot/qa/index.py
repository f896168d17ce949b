"""Keeping the question-answering index in step with the stored articles.

Passages are made lazily: :func:`index_new_articles` chunks every article of a topic that
has none yet (one indexed query when nothing is new), so collection never needs to know
about Q&A. Embeddings (only with a model) are likewise computed for in-scope passages that
lack one, in batches.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import sqlite_utils

from bot.llm import LanguageModel
from bot.qa.chunk import chunk_article
from storage import passages as store

log = logging.getLogger(__name__)

EMBED_BATCH = 32
EMBED_BATCH_CHARS = 24_000  # well under the API's tokens-per-request limit
EMBED_INPUT_CHARS = 6_000
EMBED_PER_CALL = 512
"""A backlog (a new key over a full database) is embedded over several questions, newest
passages first, so no single question waits minutes; keyword search covers the rest."""


def index_new_articles(db: sqlite_utils.Database, topic: str) -> int:
    """Chunk the topic's articles that have no passages yet; the number of passages added."""
    rows = []
    for article_id, title, text, published in store.articles_without_passages(db, topic):
        for seq, passage in enumerate(chunk_article(title, text)):
            rows.append(
                {
                    "article_id": article_id,
                    "topic": topic,
                    "published": published,
                    "seq": seq,
                    "title": title,
                    "text": passage,
                }
            )
    if rows:
        store.insert_passages(db, rows)
    return len(rows)


def to_blob(vector: Sequence[float]) -> bytes:
    """A unit-length float32 vector as bytes, so a dot product is the cosine."""
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return (array / norm if norm else array).astype(np.float32).tobytes()


def _batches(items: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    batches: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    size = 0
    for item in items:
        if current and (len(current) >= EMBED_BATCH or size + len(item[1]) > EMBED_BATCH_CHARS):
            batches.append(current)
            current, size = [], 0
        current.append(item)
        size += len(item[1])
    if current:
        batches.append(current)
    return batches


async def embed_missing(
    db: sqlite_utils.Database,
    model: LanguageModel,
    model_name: str,
    scope: store.Scope,
    limit: int = EMBED_PER_CALL,
) -> int:
    """Embed up to ``limit`` passages in scope that have no vector yet, newest first; the
    number embedded.

    Raises :class:`~bot.errors.ModelError`; what was stored before the failure stays.
    """
    missing = [
        (pid, f"{title}\n{text}"[:EMBED_INPUT_CHARS])
        for pid, title, text in store.passages_without_vector(db, model_name, scope, limit)
    ]
    done = 0
    for batch in _batches(missing):
        vectors = await model.embed([text for _, text in batch])
        store.store_vectors(
            db, model_name, [(pid, to_blob(v)) for (pid, _), v in zip(batch, vectors, strict=True)]
        )
        done += len(batch)
    if done:
        log.info("embedded %d passages with %s", done, model_name)
    return done
