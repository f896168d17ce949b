"""Queries for question answering: passages, their FTS5 index and vectors, the question log.

Passage ids are never reused and passages are never deleted, so ``max(id)`` is the number of
passages ever indexed (used as N in the inverse document frequency).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from storage.sql import from_iso, in_list, to_iso


@dataclass(frozen=True)
class Scope:
    """Which passages a question may use: a topic's articles published in [start, end), or
    only the given articles (the sources of one digest)."""

    topic: str
    start: datetime | None = None
    end: datetime | None = None
    article_ids: tuple[int, ...] | None = None

    def where(self, alias: str = "p") -> tuple[str, list[Any]]:
        clauses = [f"{alias}.topic = ?"]
        params: list[Any] = [self.topic]
        if self.start is not None:
            clauses.append(f"{alias}.published >= ?")
            params.append(to_iso(self.start))
        if self.end is not None:
            clauses.append(f"{alias}.published < ?")
            params.append(to_iso(self.end))
        if self.article_ids is not None:
            clauses.append(f"{alias}.article_id in {in_list(self.article_ids)}")
            params.extend(self.article_ids)
        return " and ".join(clauses), params


@dataclass(frozen=True)
class PassageRow:
    id: int
    article_id: int
    seq: int
    title: str
    text: str
    url: str
    published: str


def articles_without_passages(
    db: sqlite_utils.Database, topic: str
) -> list[tuple[int, str, str, str]]:
    """(id, title, text, published) of the topic's articles stored after the last one that
    was chunked. Article ids only grow, so this is an index lookup when nothing is new."""
    rows = db.execute(
        # "+a.topic": walk the primary key from the last chunked id, not the topic index.
        "select a.id, a.title, a.text, a.published from articles a where +a.topic = ? and a.id > "
        "(select coalesce(max(p.article_id), 0) from passages p where p.topic = ?) order by a.id",
        [topic, topic],
    ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def cjk_grams(text: str) -> str:
    """The CJK runs of ``text`` as overlapping character pairs, space-separated (a lone
    character stands for itself): what ``passages_cjk`` indexes and a question's CJK
    terms are looked up as."""
    grams: list[str] = []
    for run in CJK_RUN.findall(text):
        grams += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    return " ".join(grams)


def index_cjk(db: sqlite_utils.Database, after: int) -> None:
    """Index the CJK passages with an id above ``after`` in ``passages_cjk``."""
    rows = db.execute(
        "select id, title, text from passages where id > ? order by id", [after]
    ).fetchall()
    pairs = [(int(r[0]), cjk_grams(f"{r[1]}\n{r[2]}")) for r in rows]
    db.conn.executemany(
        "insert or ignore into passages_cjk (rowid, grams) values (?, ?)",
        [(pid, grams) for pid, grams in pairs if grams],
    )


def insert_passages(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> None:
    """Store passages; ones another process stored first (same article and seq) are kept.
    CJK passages are indexed as character pairs too."""
    with db.atomic():
        before = passage_total(db)
        db.table("passages").insert_all(rows, batch_size=500, ignore=True)
        index_cjk(db, after=before)


def search_cjk(
    db: sqlite_utils.Database, grams: Sequence[str], scope: Scope, limit: int
) -> list[tuple[int, float]]:
    """(passage id, bm25 score: lower is better) of the in-scope passages holding any of
    the CJK character pairs ``grams``."""
    if not grams:
        return []
    match = " OR ".join(dict.fromkeys('"' + g.replace('"', '""') + '"' for g in grams))
    where, params = scope.where("p")
    sql = (
        "select p.id, bm25(passages_cjk) as score from passages_cjk "
        "join passages p on p.id = passages_cjk.rowid "
        f"where passages_cjk match ? and {where} order by score limit ?"
    )
    rows = db.execute(sql, [match, *params, limit]).fetchall()
    return [(int(r[0]), float(r[1])) for r in rows]


def cjk_frequencies(db: sqlite_utils.Database, grams: Sequence[str]) -> list[int]:
    """How many passages hold each CJK character pair."""
    found = []
    for gram in grams:
        row = db.execute("select doc from passages_cjk_vocab where term = ?", [gram]).fetchone()
        found.append(int(row[0]) if row else 0)
    return found


def search_bm25(
    db: sqlite_utils.Database, match: str, scope: Scope, limit: int
) -> list[tuple[int, float]]:
    """(passage id, bm25 score: lower is better) of the best matches in scope."""
    where, params = scope.where("p")
    sql = (
        "select p.id, bm25(passages_fts, 0.3, 1.0) as score from passages_fts "
        "join passages p on p.id = passages_fts.rowid "
        f"where passages_fts match ? and {where} order by score limit ?"
    )
    rows = db.execute(sql, [match, *params, limit]).fetchall()
    return [(int(r[0]), float(r[1])) for r in rows]


def vocabulary(
    db: sqlite_utils.Database, terms: Sequence[tuple[str, bool]], variants: int = 16
) -> list[tuple[int, list[str]]]:
    """For each (term, is_prefix): how many passages hold it (all topics, from the FTS5
    vocabulary) and the indexed words it stands for (a prefix's most frequent
    ``variants``), so the search itself needs no slow prefix query."""
    found: list[tuple[int, list[str]]] = []
    for term, prefix in terms:
        if prefix:
            rows = db.execute(
                "select term, doc from passages_vocab where term >= ? and term < ?",
                [term, term + "\U0010ffff"],
            ).fetchall()
        else:
            rows = db.execute(
                "select term, doc from passages_vocab where term = ?", [term]
            ).fetchall()
        rows.sort(key=lambda r: -int(r[1]))
        found.append((sum(int(r[1]) for r in rows), [str(r[0]) for r in rows[:variants]]))
    return found


def passage_total(db: sqlite_utils.Database) -> int:
    row = db.execute("select coalesce(max(id), 0) from passages").fetchone()
    return int(row[0])


def passages_by_id(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, PassageRow]:
    if not ids:
        return {}
    rows = db.execute(
        "select p.id, p.article_id, p.seq, p.title, p.text, a.url, p.published "
        f"from passages p join articles a on a.id = p.article_id where p.id in {in_list(ids)}",
        list(ids),
    ).fetchall()
    return {
        int(r[0]): PassageRow(int(r[0]), int(r[1]), int(r[2]), r[3], r[4], r[5], r[6]) for r in rows
    }


def passages_without_vector(
    db: sqlite_utils.Database, model: str, scope: Scope, limit: int = -1
) -> list[tuple[int, str, str]]:
    """(id, title, text) of passages in scope that have no vector from ``model``, newest
    first (at most ``limit``; -1: all)."""
    where, params = scope.where("p")
    rows = db.execute(
        f"select p.id, p.title, p.text from passages p where {where} and not exists "
        "(select 1 from passage_vectors v where v.passage_id = p.id and v.model = ?) "
        "order by p.published desc, p.id limit ?",
        [*params, model, limit],
    ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def store_vectors(
    db: sqlite_utils.Database, model: str, vectors: Iterable[tuple[int, bytes]]
) -> None:
    with db.atomic():
        db.conn.executemany(
            "insert or replace into passage_vectors (passage_id, model, vector) values (?, ?, ?)",
            [(passage_id, model, blob) for passage_id, blob in vectors],
        )


def vectors_after(
    db: sqlite_utils.Database, model: str, topic: str, after: int
) -> list[tuple[int, int, int, str, bytes]]:
    """(row, passage id, article id, published, vector) of the topic's vectors from
    ``model`` stored after row ``after`` (vectors are stored in any passage order)."""
    rows = db.execute(
        "select v.rowid, p.id, p.article_id, p.published, v.vector from passage_vectors v "
        "join passages p on p.id = v.passage_id "
        "where v.rowid > ? and v.model = ? and p.topic = ? order by v.rowid",
        [after, model, topic],
    ).fetchall()
    return [(int(r[0]), int(r[1]), int(r[2]), str(r[3]), bytes(r[4])) for r in rows]


def last_vector_row(db: sqlite_utils.Database) -> int:
    row = db.execute("select coalesce(max(rowid), 0) from passage_vectors").fetchone()
    return int(row[0])


def digest_articles(db: sqlite_utils.Database, digest_id: int) -> tuple[str, tuple[int, ...]]:
    """The topic of a digest and the ids of the articles it cited."""
    row = db.execute("select topic from digests where id = ?", [digest_id]).fetchone()
    if row is None:
        raise KeyError(digest_id)
    ids = db.execute(
        "select article_id from digest_sources where digest_id = ? and article_id is not null "
        "order by n",
        [digest_id],
    ).fetchall()
    return str(row[0]), tuple(int(r[0]) for r in ids)


def questions_since(db: sqlite_utils.Database, chat_key: str, since: datetime) -> list[datetime]:
    """When ``chat_key`` asked questions at or after ``since``, oldest first."""
    rows = db.execute(
        "select asked from qa_questions where chat_key = ? and asked >= ? order by asked",
        [chat_key, to_iso(since)],
    ).fetchall()
    return [from_iso(r[0]) for r in rows]


def log_question(db: sqlite_utils.Database, chat_key: str, topic: str, asked: datetime) -> int:
    """Record a question; this chat's records older than a week go (only the last hour
    counts towards the limit)."""
    db.execute(
        "delete from qa_questions where chat_key = ? and asked < ?",
        [chat_key, to_iso(asked - timedelta(days=7))],
    )
    table = db.table("qa_questions").insert(
        {"chat_key": chat_key, "topic": topic, "asked": to_iso(asked)}
    )
    return int(table.last_pk or 0)


def finish_question(db: sqlite_utils.Database, question_id: int, mode: str, grounded: bool) -> None:
    db.table("qa_questions").update(question_id, {"mode": mode, "grounded": int(grounded)})
