"""The run's dedup pool: the topic's recent articles (``history_start`` on) in a
:class:`~bot.filters.dedup.DedupIndex`, so each batch of new articles is placed against
it with a few lookups instead of the whole pool being re-clustered every batch.

The index of a topic outlives its run within one process (a service collecting every day
reuses it): the next run only adds the articles stored since and drops those that aged out
or were deleted, checked against the ``articles`` table by id.

Loading only reads the database (the caller's thread, which owns the connection); the
texts read are fingerprinted and indexed by the first :meth:`DedupPool.judge`, which the
collection runs off the event loop. So a restarted service indexing a week of history
(seconds of CPU) never stalls the loop that serves the chats.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime

import sqlite_utils

from bot.filters.dedup import DedupIndex
from bot.models import Article, Reason, Rejection
from storage import articles as article_store

# Topics whose pool stays indexed between runs in one process.
CACHED_POOLS = 8

_pools: OrderedDict[tuple[str, str], _Pool] = OrderedDict()
# Pools are loaded in each collect's storage thread; two topics may collect at once.
_pools_lock = threading.Lock()


class _Pool:
    def __init__(self) -> None:
        self.index = DedupIndex()
        self.urls: dict[int, str] = {}
        # Stored articles read but not indexed yet, oldest first: (id, url, text).
        self.unindexed: list[tuple[int, str, str]] = []

    def catch_up(self) -> None:
        for article_id, url, text in self.unindexed:
            self.index.add(article_id, text)
            self.urls[article_id] = url
        self.unindexed = []


def database_file(db: sqlite_utils.Database) -> str:
    """The file of ``db``'s main database, "" for one in memory."""
    rows = db.execute("pragma database_list").fetchall()
    return next((str(row[2]) for row in rows if row[1] == "main"), "")


class DedupPool:
    """``judge(batch)`` -> each new article with its duplicate rejection, or None."""

    def __init__(self, pool: _Pool) -> None:
        self._pool = pool
        # Articles of this run get keys of their own until stored (never an article id).
        self._keys = itertools.count(-1, -1)

    @classmethod
    def load(cls, db: sqlite_utils.Database, topic: str, not_before: datetime) -> DedupPool:
        path = database_file(db)
        key = (path, topic)
        with _pools_lock:
            pool = _pools.pop(key, None) if path else None
        pool = pool or _Pool()
        recent = article_store.urls_since(db, topic, not_before)
        wanted = {article_id for article_id, _ in recent}
        for stale in [k for k in pool.index.members() if k not in wanted]:
            pool.index.remove(stale)
            pool.urls.pop(stale, None)
        waiting = {article_id for article_id, _, _ in pool.unindexed}
        missing = [
            article_id
            for article_id, _ in recent
            if article_id not in pool.index and article_id not in waiting
        ]
        texts = article_store.texts_of(db, missing)
        pool.unindexed = [entry for entry in pool.unindexed if entry[0] in wanted]
        # Oldest first: the earliest of a story leads it.
        pool.unindexed += [(i, url, texts[i]) for i, url in recent if i in texts]
        if path:
            with _pools_lock:
                _pools[key] = pool
                while len(_pools) > CACHED_POOLS:
                    _pools.popitem(last=False)
        return cls(pool)

    def judge(self, accepted: Sequence[Article]) -> list[tuple[Article, Rejection | None]]:
        """Place new articles against the pool and each other, earliest published (then
        the longest) first, as :func:`~bot.filters.dedup.cluster_texts` orders them;
        stored articles lead their stories. Each article not a copy joins the pool.
        CPU work (the first call indexes the stored articles loaded): run it off the loop."""
        self._pool.catch_up()
        index, urls = self._pool.index, self._pool.urls
        out: list[tuple[Article, Rejection | None]] = []
        for article in sorted(accepted, key=lambda a: (a.published, -len(a.text))):
            twin = index.identical(article.text)
            match = index.match(article.text) if twin is None else None
            lead = index.lead_of(twin) if twin is not None else match.lead if match else None
            if twin is not None:
                out.append((article, _duplicate(article, urls[lead or twin], "identical text")))
            elif match is not None:
                detail = f"near-copy of the same story (similarity {match.score:.2f})"
                out.append((article, _duplicate(article, urls[match.lead], detail)))
            else:
                out.append((article, None))
            key = next(self._keys)
            index.add(key, article.text, lead)
            urls[key] = article.url
        return out

    def forget_run(self) -> None:
        """Drop this run's articles: the next run pools them by their stored ids."""
        index, urls = self._pool.index, self._pool.urls
        for key in [k for k in index.members() if k < 0]:
            index.remove(key)
            urls.pop(key, None)


def _duplicate(article: Article, lead_url: str, detail: str) -> Rejection:
    return Rejection(
        article.url,
        Reason.DUPLICATE,
        f"{detail} as {lead_url}",
        article.title,
        article.published,
        duplicate_of=lead_url,
    )
