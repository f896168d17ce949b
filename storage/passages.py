"""Queries for question answering: passages, their FTS5 index and vectors, the question log.

Passage ids are never reused and passages are never deleted, so ``max(id)`` is the number of
passages ever indexed (used as N in the inverse document frequency).
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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
    """Migration m007's pair index, keyed by passage id (m011 replaced it with
    :func:`index_passages`); kept only so that migration still runs as it shipped."""
    rows = db.execute(
        "select id, title, text from passages where id > ? order by id", [after]
    ).fetchall()
    pairs = [(int(r[0]), cjk_grams(f"{r[1]}\n{r[2]}")) for r in rows]
    db.conn.executemany(
        "insert or ignore into passages_cjk (rowid, grams) values (?, ?)",
        [(pid, grams) for pid, grams in pairs if grams],
    )


# Index row keys (migration m011): topic number, then UTC publication day, then passage id,
# so one topic's passages of a date range are one contiguous key range that FTS5 seeks to
# instead of matching the whole history and filtering afterwards.
TOPIC_SHIFT = 49
DAY_SHIFT = 32
ID_MASK = (1 << DAY_SHIFT) - 1
MAX_DAY = (1 << (TOPIC_SHIFT - DAY_SHIFT)) - 1
_EPOCH = date(1970, 1, 1)
INDEX_BATCH = 2000


def day_number(moment: datetime) -> int:
    """Days since 1970-01-01 of ``moment`` in UTC, clamped to what a key holds."""
    return min(max((moment.astimezone(UTC).date() - _EPOCH).days, 0), MAX_DAY)


def scope_key(topic_number: int, published: str, passage_id: int) -> int:
    return (
        (topic_number << TOPIC_SHIFT) | (day_number(from_iso(published)) << DAY_SHIFT) | passage_id
    )


def topic_number(db: sqlite_utils.Database, slug: str, *, create: bool = False) -> int | None:
    """The number of ``slug`` in index keys (given on its first indexed passage)."""
    if create:
        db.execute("insert or ignore into passage_topics (slug) values (?)", [slug])
    row = db.execute("select id from passage_topics where slug = ?", [slug]).fetchone()
    return int(row[0]) if row else None


def index_passages(db: sqlite_utils.Database, after: int) -> None:
    """Index the passages with an id above ``after`` in ``passages_fts`` (title and text)
    and, when they hold CJK text, in ``passages_cjk`` (character pairs)."""
    numbers: dict[str, int] = {}
    last = after
    while True:
        rows = db.execute(
            "select id, topic, published, title, text from passages where id > ? "
            "order by id limit ?",
            [last, INDEX_BATCH],
        ).fetchall()
        if not rows:
            return
        keyed = []
        for pid, topic, published, title, text in rows:
            if topic not in numbers:
                numbers[topic] = topic_number(db, topic, create=True) or 0
            keyed.append((scope_key(numbers[topic], published, int(pid)), title, text))
        db.conn.executemany("insert into passages_fts (rowid, title, text) values (?, ?, ?)", keyed)
        pairs = [(key, cjk_grams(f"{title}\n{text}")) for key, title, text in keyed]
        db.conn.executemany(
            "insert into passages_cjk (rowid, grams) values (?, ?)",
            [(key, grams) for key, grams in pairs if grams],
        )
        last = int(rows[-1][0])


def insert_passages(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> None:
    """Store passages; ones another process stored first (same article and seq) are kept.
    New passages are indexed for keywords, and CJK ones as character pairs too."""
    with db.atomic():
        before = passage_total(db)
        db.table("passages").insert_all(rows, batch_size=500, ignore=True)
        index_passages(db, after=before)


@dataclass(frozen=True)
class KeyFilter:
    """The SQL restricting an index's row keys to a scope, and its parameters."""

    sql: str
    params: list[Any]


def key_filter(db: sqlite_utils.Database, scope: Scope, alias: str) -> KeyFilter | None:
    """Index rows of ``scope`` by key: the topic's key range for its days, with an exact
    check of the publication time on the first and last day only; the keys of a digest's
    passages. None when the topic has no passage indexed."""
    number = topic_number(db, scope.topic)
    if number is None:
        return None
    base = number << TOPIC_SHIFT
    if scope.article_ids is not None:
        where, params = scope.where("p")
        rows = db.execute(
            f"select p.id, p.published from passages p where {where}", params
        ).fetchall()
        keys = [scope_key(number, str(r[1]), int(r[0])) for r in rows] or [-1]
        # The topic's key range, then a filter: FTS5 given "rowid in" runs the whole query
        # (and bm25's per-word passage counts) once per key.
        return KeyFilter(
            f"{alias}.rowid between ? and ? and ({alias}.rowid + 0) in {in_list(keys)}",
            [base, base | (MAX_DAY << DAY_SHIFT) | ID_MASK, *keys],
        )
    first = day_number(scope.start) if scope.start is not None else 0
    last = day_number(scope.end - timedelta(microseconds=1)) if scope.end is not None else MAX_DAY
    lo, hi = base | (first << DAY_SHIFT), base | (last << DAY_SHIFT) | ID_MASK
    if scope.start is None and scope.end is None:
        return KeyFilter(f"{alias}.rowid between ? and ?", [lo, hi])
    # Days wholly inside the scope need no look-up of the passage's time.
    inner_first = first if scope.start is None or _midnight(scope.start) else first + 1
    inner_last = last if scope.end is None or _midnight(scope.end) else last - 1
    where, params = scope.where("p")
    return KeyFilter(
        f"{alias}.rowid between ? and ? and ({alias}.rowid between ? and ? or exists "
        f"(select 1 from passages p where p.id = ({alias}.rowid & {ID_MASK}) and {where}))",
        [
            lo,
            hi,
            base | (inner_first << DAY_SHIFT),
            (base | (inner_last << DAY_SHIFT) | ID_MASK) if inner_last >= inner_first else -1,
            *params,
        ],
    )


def _midnight(moment: datetime) -> bool:
    utc = moment.astimezone(UTC)
    return utc == datetime.combine(utc.date(), time(0), tzinfo=UTC)


def _ranked(
    db: sqlite_utils.Database, table: str, rank: str, match: str, scope: Scope, limit: int
) -> list[tuple[int, float]]:
    keys = key_filter(db, scope, "f")
    if keys is None:
        return []
    sql = (
        f"select f.rowid & {ID_MASK}, {rank} as score from {table} f "
        f"where {table} match ? and {keys.sql} order by score limit ?"
    )
    rows = db.execute(sql, [match, *keys.params, limit]).fetchall()
    return [(int(r[0]), float(r[1])) for r in rows]


def search_cjk(
    db: sqlite_utils.Database, grams: Sequence[str], scope: Scope, limit: int
) -> list[tuple[int, float]]:
    """(passage id, bm25 score: lower is better) of the in-scope passages holding any of
    the CJK character pairs ``grams``."""
    if not grams:
        return []
    match = " OR ".join(dict.fromkeys('"' + g.replace('"', '""') + '"' for g in grams))
    return _ranked(db, "passages_cjk", "bm25(passages_cjk)", match, scope, limit)


def cjk_frequencies(db: sqlite_utils.Database, grams: Sequence[str]) -> list[int]:
    """How many passages hold each CJK character pair."""
    found = []
    for gram in grams:
        row = db.execute("select doc from passages_cjk_vocab where term = ?", [gram]).fetchone()
        found.append(int(row[0]) if row else 0)
    return found


BM25_WEIGHTS = (0.3, 1.0)
"""Weights of a passage's title and text in its keyword score."""
BM25_K1 = 1.2
BM25_B = 0.75
"""The constants of FTS5's ``bm25()``, for scores computed beside it."""
_BM25 = f"bm25(passages_fts, {BM25_WEIGHTS[0]}, {BM25_WEIGHTS[1]})"


def search_bm25(
    db: sqlite_utils.Database, match: str, scope: Scope, limit: int
) -> list[tuple[int, float]]:
    """(passage id, bm25 score: lower is better) of the best matches in scope."""
    return _ranked(db, "passages_fts", _BM25, match, scope, limit)


@dataclass(frozen=True)
class KeywordMatch:
    passage_id: int
    score: float
    """FTS5's bm25 for the words matched: lower is better."""
    tokens: int
    """The passage's length in index tokens (title and text), as bm25 counts it."""


def ranked_bm25(
    db: sqlite_utils.Database,
    match: str,
    scope: Scope,
    *,
    among: str | None = None,
    batch: int = 64,
) -> Generator[KeywordMatch, None, None]:
    """The in-scope passages matching ``match`` (and the expression ``among`` too, which
    does not count in the score), best first, read ``batch`` at a time as the caller goes
    on (close the iterator when done: it holds a read of the index)."""
    keys = key_filter(db, scope, "f")
    if keys is None:
        return
    sql = (
        f"select f.rowid, {_BM25} as score from passages_fts f "
        f"where f.passages_fts match ? and {keys.sql}"
    )
    params = [match, *keys.params]
    if among is not None:
        inner = key_filter(db, scope, "g")
        assert inner is not None
        # "+ 0": a filter on the rows found, not a key FTS5 would search once per value.
        sql += (
            " and (f.rowid + 0) in (select g.rowid from passages_fts g "
            f"where g.passages_fts match ? and {inner.sql})"
        )
        params += [among, *inner.params]
    cursor = db.execute(sql + " order by score", params)
    try:
        while rows := cursor.fetchmany(batch):
            sizes = _token_counts(db, [int(r[0]) for r in rows])
            for key, score in rows:
                yield KeywordMatch(int(key) & ID_MASK, float(score), sizes.get(int(key), 0))
    finally:
        cursor.close()


def _token_counts(db: sqlite_utils.Database, keys: Sequence[int]) -> dict[int, int]:
    """Index tokens of each row key, all columns, from FTS5's own record of them."""
    found: dict[int, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = db.execute(
            f"select id, sz from passages_fts_docsize where id in {in_list(chunk)}", list(chunk)
        ).fetchall()
        found.update((int(r[0]), sum(_varints(bytes(r[1])))) for r in rows)
    return found


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 writes them in its records."""
    values: list[int] = []
    i = 0
    while i < len(blob):
        value = 0
        for n in range(9):
            byte = blob[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        values.append(value)
    return values


@dataclass(frozen=True)
class KeywordStats:
    """The whole keyword index's size, which FTS5's bm25 weighs every word by."""

    rows: int
    tokens: int

    @property
    def mean_tokens(self) -> float:
        return self.tokens / self.rows if self.rows else 0.0

    def idf(self, documents: int) -> float:
        """A word's inverse document frequency as FTS5's bm25 takes it (a word in most
        passages gets a token weight, not a negative one)."""
        value = math.log((self.rows - documents + 0.5) / (documents + 0.5))
        return value if value > 0.0 else 1e-6


def keyword_stats(db: sqlite_utils.Database) -> KeywordStats:
    """Passages and tokens in the keyword index (FTS5's averages record)."""
    row = db.execute("select block from passages_fts_data where id = 1").fetchone()
    values = _varints(bytes(row[0])) if row else []
    return KeywordStats(values[0] if values else 0, sum(values[1:]))


def vocabulary(
    db: sqlite_utils.Database, terms: Sequence[tuple[str, bool]], variants: int = 16
) -> list[tuple[int, list[tuple[str, int]]]]:
    """For each (term, is_prefix): how many passages hold it (all topics, from the FTS5
    vocabulary) and the indexed words it stands for with theirs (a prefix's most frequent
    ``variants``), so the search itself needs no slow prefix query.

    FTS5 counts a word's passages by reading its whole entry, which takes milliseconds for
    a common word; the counts of a database file are kept until its index changes."""
    path = _database_path(db)
    stamp = _index_stamp(db) if path else b""
    found: list[tuple[int, list[tuple[str, int]]]] = []
    for term, prefix in terms:
        key = (path, id(db.conn), stamp, term, prefix, variants)
        with _vocabulary_lock:
            cached = _vocabulary_cache.get(key) if path else None
        if cached is None:
            cached = _look_up(db, term, prefix, variants)
            if path:
                with _vocabulary_lock:
                    _vocabulary_cache[key] = cached
                    while len(_vocabulary_cache) > VOCABULARY_CACHE:
                        _vocabulary_cache.popitem(last=False)
        found.append(cached)
    return found


VOCABULARY_CACHE = 4096
_vocabulary_cache: OrderedDict[
    tuple[str, int, bytes, str, bool, int], tuple[int, list[tuple[str, int]]]
] = OrderedDict()
_vocabulary_lock = threading.Lock()


def _look_up(
    db: sqlite_utils.Database, term: str, prefix: bool, variants: int
) -> tuple[int, list[tuple[str, int]]]:
    if prefix:
        rows = db.execute(
            "select term, doc from passages_vocab where term >= ? and term < ?",
            [term, term + "\U0010ffff"],
        ).fetchall()
    else:
        rows = db.execute("select term, doc from passages_vocab where term = ?", [term]).fetchall()
    rows.sort(key=lambda r: -int(r[1]))
    return sum(int(r[1]) for r in rows), [(str(r[0]), int(r[1])) for r in rows[:variants]]


def _database_path(db: sqlite_utils.Database) -> str:
    """The main database's file, or "" for one in memory (whose counts are not kept)."""
    return next((str(r[2]) for r in db.execute("pragma database_list") if r[1] == "main"), "")


def _index_stamp(db: sqlite_utils.Database) -> bytes:
    """Changes whenever a passage is indexed: the row and token totals of the index."""
    row = db.execute("select block from passages_fts_data where id = 1").fetchone()
    return bytes(row[0]) if row else b""


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
    db: sqlite_utils.Database, model: str, topic: str, after: int, limit: int = -1
) -> list[tuple[int, int, int, str, bytes]]:
    """(row, passage id, article id, published, vector) of the topic's vectors from
    ``model`` stored after row ``after``, in row order, at most ``limit`` (-1: all).
    Vectors are stored in any passage order."""
    rows = db.execute(
        "select v.rowid, p.id, p.article_id, p.published, v.vector from passage_vectors v "
        "join passages p on p.id = v.passage_id "
        "where v.rowid > ? and v.model = ? and p.topic = ? order by v.rowid limit ?",
        [after, model, topic, limit],
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
