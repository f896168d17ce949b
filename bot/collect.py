"""Collection: fetch every source of a topic, fetch and extract each item, screen it,
and store articles and rejections. One bad source or page never stops the run.

Sources are the topic's configured ones plus those imported from OPML. Each source's
health is stored: a conditional GET uses its ETag/Last-Modified, a 304 is a success with
nothing new, and a source failing ``fetch.pause_after_failures`` runs in a row is paused
and tried again only every ``fetch.paused_retry_hours`` (shown by ``sources``/``doctor``).

Pages are extracted in worker processes (:mod:`bot.extract_pool`) and verdicts are
committed every ``COMMIT_EVERY_S`` as they are made: a run that is killed keeps what it
judged, and running the same day again skips it. A feed's new ETag/Last-Modified is
stored only once all its items are judged, so a killed run's next try reads the feed
again instead of getting a 304. At most ``fetch.concurrency`` + workers pages are held
at once, and past ``fetch.max_memory_mb`` the run stops with a clear error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import sqlite_utils
from pydantic import ValidationError

from bot import metrics
from bot.config import SourceConfig, TopicConfig
from bot.dedup_pool import DedupPool, database_file
from bot.errors import ExtractError, FetchError
from bot.extract_pool import ExtractPool, PoolStats
from bot.fetch import Fetched, Fetcher
from bot.filters.urls import canonical_url
from bot.llm import Usage
from bot.memory_ceiling import MemoryCeiling
from bot.models import Article, Candidate, Page, Reason, Rejection, Window
from bot.pending_pages import decode, encode, screen_job
from bot.screen import Undecided, one_per_url, screen_page, settle, stale_rejection
from bot.second_opinion import OpinionStats, PageJudge, Remembered, Verdict, second_opinion
from bot.seen import Fetch, SeenCache, body_hash
from bot.sources import FeedError, Item, kind_for
from bot.sources.base import Unlinked
from bot.sources.feeds import newest_entries
from bot.sources.health import pause_for
from bot.topic_names import LearnedName, ask_names, languages_to_ask, with_names
from bot.window import digest_window, history_start
from storage import articles as article_store
from storage import judgements as judgement_store
from storage import open_database
from storage import pending as pending_store
from storage import sources as source_store
from storage import topic_names as name_store
from storage.seen import SeenPage

log = logging.getLogger(__name__)

_T = TypeVar("_T")

_END = datetime.max.replace(tzinfo=UTC)

Progress = Callable[[str, int], None]
"""Called with (stage, count) as work completes; the CLI draws it with rich."""

# Verdicts are committed at least this often: what a killed run loses is at most the
# pages judged in the last few seconds. (Each commit deduplicates its batch against the
# stored articles, so much more often would cost more than it saves.)
COMMIT_EVERY_S = 2.0


@dataclass
class CollectReport:
    topic: str
    day: date
    sources: int = 0
    failed_sources: list[tuple[str, str]] = field(default_factory=list)
    paused_sources: list[tuple[str, str]] = field(default_factory=list)
    not_modified: int = 0
    candidates: int = 0
    already_known: int = 0
    # Judged by an earlier run, announced again with a new time, and found unchanged.
    unchanged: int = 0
    # Article pages requested (a conditional GET of a rechecked page included).
    page_fetches: int = 0
    kept: int = 0
    kept_in_window: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    extraction: PoolStats = field(default_factory=PoolStats)
    judge: OpinionStats | None = None
    """The model judge's work (None: no key, or ``mistral.judge_pages = 0``)."""
    names_learned: list[str] = field(default_factory=list)
    """The topic's names in other languages the model gave this run ("de: Dunkle Materie")."""
    names_usage: Usage = field(default_factory=Usage)
    # Entries announced with no article link, never fetched: (source URL, title, why).
    unlinked: list[tuple[str, str, str]] = field(default_factory=list)
    # (source id, ETag, Last-Modified) of feeds read, stored once their items are judged.
    validators: list[tuple[int, str, str]] = field(default_factory=list)


def _noop(stage: str, count: int) -> None:
    return None


def topic_sources(db: sqlite_utils.Database, topic: TopicConfig) -> list[SourceConfig]:
    """The configured sources, then the OPML-imported ones not also configured."""
    configured = {source.url for source in topic.sources}
    imported: list[SourceConfig] = []
    for kind, url, name in source_store.imported_sources(db, topic.slug):
        if url in configured:
            continue
        try:
            imported.append(SourceConfig.model_validate({"kind": kind, "url": url, "name": name}))
        except ValidationError:
            # Checked at import; a row edited by hand since is skipped, not fatal.
            log.warning("imported source %s (%s) is not usable; skipped", url, kind)
    return [*topic.sources, *imported]


async def collect(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    day: date,
    fetcher: Fetcher,
    progress: Progress = _noop,
    *,
    extractor: ExtractPool | None = None,
    judge: PageJudge | None = None,
) -> CollectReport:
    """Collect ``topic`` for ``day``. ``extractor`` defaults to a pool sized by the fetch
    config, started and closed here; ``judge`` gives the doubtful pages a model's second
    opinion."""
    ceiling = MemoryCeiling(fetcher.config.max_memory_mb)
    source_store.upsert_topic(db, topic.slug, topic.name, topic.language, topic.timezone)
    sources = topic_sources(db, topic)
    report = CollectReport(topic=topic.slug, day=day, sources=len(sources))
    topic = await _with_learned_names(db, topic, day, judge, report)

    def source_rejected(rejection: Rejection) -> None:
        article_store.upsert_rejection(db, topic.slug, day, rejection)
        report.rejected[str(rejection.reason)] += 1
        metrics.REJECTIONS.labels(str(rejection.reason)).inc()

    # The same URL from two feeds is one candidate, counted once.
    candidates = one_per_url(
        await poll_sources(
            db, topic, sources, fetcher, report, source_rejected, progress, store_validators=False
        )
    )
    report.candidates = len(candidates)
    ceiling.check("reading the sources")

    storage = await _Storage.open(db)
    try:
        return await _collect_candidates(
            storage, db, topic, day, fetcher, candidates, report, ceiling, progress,
            extractor, judge,
        )  # fmt: skip
    finally:
        await storage.aclose()


async def _collect_candidates(
    storage: _Storage,
    db: sqlite_utils.Database,
    topic: TopicConfig,
    day: date,
    fetcher: Fetcher,
    candidates: list[Candidate],
    report: CollectReport,
    ceiling: MemoryCeiling,
    progress: Progress,
    extractor: ExtractPool | None,
    judge: PageJudge | None,
) -> CollectReport:
    """Everything after the poll. What touches the database, and the bookkeeping that
    grows with the candidates (canonical URLs, the seen cache, the dedup pool, settling),
    runs in ``storage``'s thread: at 10,000 candidates each of those holds the CPU for
    seconds, and the event loop also serves the chat adapters."""
    window = digest_window(topic, day)
    not_before = history_start(topic, window)
    seen = SeenCache(storage.db, topic.slug, day)

    def reject(
        store_db: sqlite_utils.Database, rejection: Rejection, remember: bool = True
    ) -> None:
        article_store.upsert_rejection(store_db, topic.slug, day, rejection)
        report.rejected[str(rejection.reason)] += 1
        metrics.REJECTIONS.labels(str(rejection.reason)).inc()
        if remember:
            seen.judged([rejection])

    def first_sight(
        store_db: sqlite_utils.Database,
    ) -> tuple[list[Candidate], dict[str, SeenPage], list[tuple[str, Undecided | Rejection]]]:
        with store_db.atomic():
            to_screen, recheck = _first_sight(
                store_db, seen, candidates, not_before, report, partial(reject, store_db)
            )
        # Pages a killed run had judged as far as a page alone can be: not fetched again.
        resumed = _resume(pending_store.pending_on(store_db, topic.slug, day), topic, not_before)
        if resumed:
            again = {
                canonical_url(v.candidate.url if isinstance(v, Undecided) else v.url)
                for _, v in resumed
            }
            to_screen = [c for c in to_screen if canonical_url(c.url) not in again]
        return to_screen, recheck, resumed

    to_screen, recheck, resumed = await storage.run(first_sight)
    # The outlet a news-search result names; its link is a redirect that hides it.
    publishers = {c.url: c.publisher for c in to_screen if isinstance(c, Item) and c.publisher}

    dedup: DedupPool | None = None

    def store_batch(
        store_db: sqlite_utils.Database,
        batch: Sequence[Article | Rejection],
        waiting: Sequence[Undecided],
        unchanged: Sequence[SeenPage],
    ) -> None:
        pages = [(u.url, encode(u.candidate, u.page, u.fetched, u.url)) for u in waiting]
        # One transaction per batch: one commit instead of one per row, and a crash
        # leaves a batch all in or all out, never half.
        with store_db.atomic():
            seen.remember(unchanged)
            _store(
                store_db, topic, day, window, batch, [], report, partial(reject, store_db),
                publishers, seen,
            )  # fmt: skip
            pending_store.save_pending(store_db, topic.slug, day, pages)

    async def store(batch: Sequence[Article | Rejection], waiting: Sequence[Undecided]) -> None:
        await storage.run(store_batch, batch, waiting, seen.take_unchanged())

    pool = extractor or ExtractPool.from_config(fetcher.config)
    try:
        undecided = await _judge(
            fetcher, pool, to_screen, topic, not_before, progress, store, ceiling, seen, recheck
        )
    finally:
        report.extraction = pool.stats
        report.page_fetches, report.unchanged = seen.requests, seen.unchanged_pages
        if extractor is None:
            await pool.aclose()
    # Pages that only the whole run can judge are settled together, against what the
    # topic's stored articles read like. Until then they wait in pending_pages, so a run
    # killed before this point loses none of them.
    waiting = [*(v for _, v in resumed), *undecided]
    keys = [*(k for k, _ in resumed), *(u.url for u in undecided)]

    def settle_all(store_db: sqlite_utils.Database) -> list[Article | Rejection]:
        texts = article_store.articles_between(store_db, topic.slug, not_before, _END)
        return settle(waiting, topic, [a.text for a in texts])

    settled = await storage.run(settle_all)
    if judge is not None and judge.max_pages > 0:
        settled = await _second_opinion(db, topic, judge, waiting, settled, report)

    def store_settled(store_db: sqlite_utils.Database, unchanged: Sequence[SeenPage]) -> None:
        nonlocal dedup
        key_of = {id(v): k for v, k in zip(settled, keys, strict=True)}
        accepted = [v for v in settled if isinstance(v, Article)]
        placed: list[tuple[Article, Rejection | None]] = []
        if accepted:
            # The pool is indexed once, at the first article kept, and updated after.
            dedup = DedupPool.load(store_db, topic.slug, not_before)
            placed = dedup.judge(accepted)
        rejected = [v for v in settled if isinstance(v, Rejection)]
        steps: list[Rejection | tuple[Article, Rejection | None]] = [*rejected, *placed]
        with store_db.atomic():
            seen.remember(unchanged)
        # Stored in chunks, each one short transaction, so a write of another connection
        # (a chat command's) never waits long for the database; each chunk's pages leave
        # pending_pages in the transaction that stores their verdicts, so a crash leaves
        # each page either waiting or stored, never both or neither.
        for start in range(0, len(steps), SETTLED_CHUNK):
            chunk = steps[start : start + SETTLED_CHUNK]
            done = [s for s in chunk if isinstance(s, Rejection)]
            pairs = [s for s in chunk if not isinstance(s, Rejection)]
            with store_db.atomic():
                _store(
                    store_db, topic, day, window, done, pairs, report, partial(reject, store_db),
                    publishers, seen,
                )  # fmt: skip
                pending_store.clear_pending_urls(
                    store_db,
                    topic.slug,
                    day,
                    [key_of[id(s if isinstance(s, Rejection) else s[0])] for s in chunk],
                )
        with store_db.atomic():
            pending_store.clear_pending(store_db, topic.slug, day)
        if dedup is not None:
            dedup.forget_run()
        with store_db.atomic():
            for source_id, etag, last_modified in report.validators:
                source_store.record_source_success(store_db, source_id, etag, last_modified)
            seen.forget_old()

    await storage.run(store_settled, seen.take_unchanged())
    return report


SETTLED_CHUNK = 200
"""Verdicts stored per transaction once the run is settled."""


class _Storage:
    """One thread with a database connection of its own, for a collect's database work
    and bookkeeping: jobs run one at a time, in the order given, off the event loop.

    An in-memory database cannot be opened twice: its jobs run on the caller's thread
    with the caller's connection (tests only; a deployment has a file)."""

    def __init__(self, db: sqlite_utils.Database, executor: ThreadPoolExecutor | None) -> None:
        self.db = db
        self._executor = executor

    @classmethod
    async def open(cls, db: sqlite_utils.Database) -> _Storage:
        path = database_file(db)
        if not path:
            return cls(db, None)
        executor = ThreadPoolExecutor(1, thread_name_prefix="collect-storage")
        # Opened in its thread: a connection is used only by the thread that made it.
        own = await asyncio.get_running_loop().run_in_executor(executor, open_database, path)
        return cls(own, executor)

    async def run(self, job: Callable[..., _T], *args: Any) -> _T:
        if self._executor is None:
            return job(self.db, *args)
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, partial(job, self.db, *args)
        )

    async def aclose(self) -> None:
        if self._executor is None:
            return
        # Queued after any job still running (one a cancelled caller left): that job
        # finishes its transaction first.
        await asyncio.get_running_loop().run_in_executor(self._executor, self.db.close)
        self._executor.shutdown(wait=False)


NAME_HINT_DAYS = 7
"""How far back the unnamed pages' languages are read to choose what to ask the model."""


async def _with_learned_names(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    day: date,
    judge: PageJudge | None,
    report: CollectReport,
) -> TopicConfig:
    """The topic with its names in other languages: those learned before, and, with the
    model judge, those of the languages recent unnamed pages came in (asked once each)."""
    learned = [LearnedName(*row) for row in name_store.names_of(db, topic.slug)]
    if judge is not None and judge.max_pages > 0:
        since = day - timedelta(days=NAME_HINT_DAYS)
        languages = languages_to_ask(
            name_store.hinted_languages(db, topic.slug, since),
            name_store.asked_languages(db, topic.slug),
            topic,
        )
        if languages:
            given, usage = await ask_names(judge.model, topic, languages)
            if usage.prompt_tokens or given:
                name_store.save_names(
                    db,
                    topic.slug,
                    languages,
                    [(n.language, n.name, n.shared) for n in given],
                    judge.model.name,
                    usage.prompt_tokens,
                    usage.completion_tokens,
                )
            report.names_learned = [f"{n.language}: {n.name}" for n in given]
            report.names_usage = usage
            learned += given
    return with_names(topic, learned)


async def _second_opinion(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    judge: PageJudge,
    waiting: Sequence[Article | Rejection | Undecided],
    settled: list[Article | Rejection],
    report: CollectReport,
) -> list[Article | Rejection]:
    at: list[int] = []
    pairs: list[tuple[Undecided, Article | Rejection]] = []
    for i, page in enumerate(waiting):
        if isinstance(page, Undecided):
            at.append(i)
            pairs.append((page, settled[i]))

    def recall(url: str) -> Remembered | None:
        row = judgement_store.judgement_of(db, topic.slug, url)
        if row is None or row[0] not in Verdict.__members__.values():
            return None
        return Remembered(Verdict(row[0]), row[1], row[2])

    def remember(url: str, judged: Remembered, usage: Usage) -> None:
        with db.atomic():
            judgement_store.save_judgement(
                db,
                topic.slug,
                url,
                verdict=str(judged.verdict),
                reason=judged.reason,
                model=judged.model,
                prompt_tokens=usage.prompt_tokens,
                completion_tokens=usage.completion_tokens,
            )

    verdicts, report.judge = await second_opinion(
        judge.model,
        pairs,
        topic_name=topic.name,
        names=[*topic.keywords, *topic.aliases],
        context=topic.context,
        max_pages=judge.max_pages,
        recall=recall,
        remember=remember,
    )
    out = list(settled)
    for i, verdict in zip(at, verdicts, strict=True):
        out[i] = verdict
    return out


@dataclass(frozen=True)
class _Job:
    """A fetched page on its way to a worker: the only place a body is held."""

    candidate: Candidate
    content: bytes
    url: str
    fetched: datetime
    page: Page | None = None


@dataclass(frozen=True)
class _Failed:
    error: BaseException


async def _judge(
    fetcher: Fetcher,
    pool: ExtractPool,
    to_screen: list[Candidate],
    topic: TopicConfig,
    not_before: datetime,
    progress: Progress,
    store: Callable[[Sequence[Article | Rejection], Sequence[Undecided]], Awaitable[None]],
    ceiling: MemoryCeiling,
    seen: SeenCache,
    recheck: dict[str, SeenPage],
) -> list[Undecided]:
    """Fetch, extract and screen every candidate, storing rejections in timed batches.
    Returns the pages that passed every rule a page is judged by alone: whether they are
    about the topic is settled with the whole run.

    Two stages joined by a bounded queue: ``fetch.concurrency`` fetchers, and one
    screener per worker process that hands a page to its worker (which extracts and
    screens it) and waits. A fetcher with a page for a full queue waits, so at most
    concurrency + 2 x workers bodies are held however many candidates there are."""
    verdicts: asyncio.Queue[Undecided | Rejection | _Failed | None] = asyncio.Queue()
    jobs: asyncio.Queue[_Job | None] = asyncio.Queue(maxsize=pool.workers)
    topic_json = topic.model_dump_json()
    pending = iter(to_screen)
    stopping = False

    async def guarded(stage: Callable[[], Awaitable[None]]) -> None:
        try:
            await stage()
        except Exception as exc:  # the run stops, with it
            verdicts.put_nowait(_Failed(exc))

    async def fetch_stage() -> None:
        for candidate in pending:  # shared: each fetcher takes the next candidate
            if stopping:
                return
            got = await _fetch(fetcher, candidate, seen, recheck)
            if isinstance(got, _Job):
                await jobs.put(got)  # back-pressure: waits while the workers are busy
            else:
                verdicts.put_nowait(got)

    async def screen_stage() -> None:
        while not stopping and (job := await jobs.get()) is not None:
            verdicts.put_nowait(await _screen(pool, job, topic_json, not_before))

    async def fetch_then_close() -> None:
        fetchers = min(fetcher.config.concurrency, len(to_screen))
        await asyncio.gather(*(guarded(fetch_stage) for _ in range(fetchers)))
        for _ in range(pool.workers):
            await jobs.put(None)

    stages = [asyncio.ensure_future(fetch_then_close())]
    stages += [asyncio.ensure_future(guarded(screen_stage)) for _ in range(pool.workers)]
    batch: list[Article | Rejection] = []
    waiting: list[Undecided] = []
    undecided: list[Undecided] = []
    stored_at = time.monotonic()
    try:
        for _ in to_screen:
            verdict = await verdicts.get()
            progress("pages", 1)
            if isinstance(verdict, _Failed):
                raise verdict.error
            if verdict is None:
                pass  # a rechecked page found unchanged: its verdict stands
            elif isinstance(verdict, Undecided):
                undecided.append(verdict)
                waiting.append(verdict)
            else:
                batch.append(verdict)
            if time.monotonic() - stored_at >= COMMIT_EVERY_S:
                await store(batch, waiting)
                batch, waiting, stored_at = [], [], time.monotonic()
            ceiling.check("judging pages")
    finally:
        # What was judged is kept, also when the run stops early (memory ceiling, cancel).
        stopping = True
        await _stop(stages, jobs)
        if batch or waiting:
            await store(batch, waiting)
    return undecided


async def _stop(stages: Sequence[asyncio.Future[None]], jobs: asyncio.Queue[_Job | None]) -> None:
    """Cancel ``stages`` and wait until every one has ended. A cancel can be lost (Python
    3.11's ``asyncio.wait_for`` swallows one that arrives as the awaited reply does): such a
    stage would wait on the job queue for ever, so it is cancelled again and woken with a
    sentinel until it sees the run is stopping."""
    running = set(stages)
    while running:
        for stage in running:
            stage.cancel()
        _, running = await asyncio.wait(running, timeout=1.0)
        if running:
            with contextlib.suppress(asyncio.QueueFull):
                jobs.put_nowait(None)
    for stage in stages:
        if not stage.cancelled():
            stage.exception()  # retrieved: a stage's error was already reported as _Failed


def _resume(
    texts: Sequence[str], topic: TopicConfig, not_before: datetime
) -> list[tuple[str, Undecided | Rejection]]:
    """The pages an interrupted run of the day left waiting (``texts`` as stored), judged
    alone again (pure: no fetch, no extraction), each with the URL it waits under."""
    resumed: list[tuple[str, Undecided | Rejection]] = []
    for text in texts:
        candidate, page, fetched, final_url = decode(text)
        verdict = screen_page(candidate, page, topic, fetched, not_before, final_url)
        resumed.append((final_url, verdict))
    return resumed


def _first_sight(
    db: sqlite_utils.Database,
    seen: SeenCache,
    candidates: list[Candidate],
    not_before: datetime,
    report: CollectReport,
    reject: Callable[..., None],
) -> tuple[list[Candidate], dict[str, SeenPage]]:
    """Candidates worth fetching: not stored yet, not judged by an earlier run (unless
    announced again with a new time: see :mod:`bot.seen`), not another URL of one already
    seen, not announced with a stale date. Also returns what was remembered of those
    fetched again."""
    known = _known_urls(db, seen.topic)
    unknown: list[Candidate] = []
    for candidate in candidates:
        if canonical_url(candidate.url) in known:
            report.already_known += 1
        else:
            unknown.append(candidate)
    sighting = seen.sort(unknown)
    report.already_known += sighting.skipped
    again = sighting.recheck
    first: dict[str, str] = {}
    to_screen: list[Candidate] = []
    # Of several URLs for one page, the one closest to its canonical form is kept.
    looked_at = [*sighting.fresh, *(c for c in unknown if c.url in again)]
    looked_at.sort(key=lambda c: len(c.url) - len(canonical_url(c.url)))
    for candidate in looked_at:
        canonical = canonical_url(candidate.url)
        if canonical in first:
            reject(
                Rejection(
                    candidate.url,
                    Reason.DUPLICATE,
                    f"same page as {first[canonical]} (URL differs only in tracking "
                    "parameters or form)",
                    candidate.title,
                    candidate.published,
                    duplicate_of=first[canonical],
                ),
                # Its page is remembered under the other URL's verdict.
                remember=False,
            )
            continue
        first[canonical] = candidate.url
        if candidate.published is not None:
            stale = stale_rejection(candidate, candidate.published, not_before)
            if stale is not None:
                reject(stale)
                continue
        to_screen.append(candidate)
    return to_screen, {url: page for url, page in again.items() if url in first.values()}


def _known_urls(db: sqlite_utils.Database, slug: str) -> set[str]:
    """Canonical URLs of the stored articles, and of the links that led to them."""
    known: set[str] = set()
    for stored, link in article_store.stored_urls(db, slug):
        known.add(stored)
        if link:
            known.add(canonical_url(link))
    return known


def _store(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    day: date,
    window: Window,
    screened: Sequence[Article | Rejection],
    placed: Sequence[tuple[Article, Rejection | None]],
    report: CollectReport,
    reject: Callable[..., None],
    publishers: dict[str, str],
    seen: SeenCache,
) -> None:
    for verdict in screened:
        if isinstance(verdict, Rejection):
            reject(verdict)

    duplicates: list[Rejection] = []
    for article, rejection in placed:
        if rejection is not None:
            duplicates.append(rejection)
            seen.copied(article)
            continue
        seen.judged([article])
        article_id = article_store.insert_article(db, topic.slug, article)
        if article.link in publishers:
            article_store.set_article_publisher(db, article_id, publishers[article.link])
        report.kept += 1
        if article.published in window:
            report.kept_in_window += 1
    # Duplicates are recorded after their leads are stored, so each carries its story's
    # cluster id (the lead's), which `sources` groups by.
    for rejection in duplicates:
        reject(rejection, remember=False)
    for url, lead in _duplicates_on(db, topic.slug, day):
        cluster = article_store.cluster_of(db, topic.slug, canonical_url(lead), lead)
        if cluster is not None:
            article_store.set_rejection_cluster(db, topic.slug, day, url, cluster)


def _duplicates_on(db: sqlite_utils.Database, topic: str, day: date) -> list[tuple[str, str]]:
    # Only those still without a cluster: a lead's cluster is set when it is stored and
    # never changes, so one found once stays right.
    return article_store.unclustered_duplicates(db, topic, day)


async def poll_sources(
    db: sqlite_utils.Database,
    topic: TopicConfig,
    sources: list[SourceConfig],
    fetcher: Fetcher,
    report: CollectReport,
    reject: Callable[[Rejection], None],
    progress: Progress = _noop,
    *,
    store_validators: bool = True,
) -> list[Candidate]:
    """One poll cycle: fetch every due source (conditionally), record its health, and
    return the candidates it announced. Failures go to ``reject`` and the report.
    Without ``store_validators`` the new ETag/Last-Modified go to ``report.validators``
    for the caller to store once the candidates are judged."""
    with db.atomic():
        due = _due_sources(db, topic.slug, sources, report, progress)
    config = fetcher.config
    # A bounded pool of readers, not one coroutine per source: 6,000 coroutines created at
    # once, each with its request state waiting on the fetch semaphores, hold tens of MB
    # for nothing. More readers than fetch slots, so sources queued behind one host's
    # per-host limit do not leave the other slots idle.
    outcomes: list[tuple[Fetched, list[Candidate]] | Rejection | None] = [None] * len(due)
    queue = iter(enumerate(due))

    # Feeds are parsed by one thread, not by the loop's default executor: feedparser is
    # pure Python, and six threads parsing at once kept the GIL from the event loop for
    # a second at a time (the loop's lag grew with the number of threads, not the work).
    parser = ThreadPoolExecutor(1, thread_name_prefix="feed-parser")

    async def reader() -> None:
        for at, (_, source, validators) in queue:
            outcomes[at] = await _read_source(fetcher, source, validators, parser)

    readers = min(len(due), config.concurrency * 4)
    try:
        await asyncio.gather(*(reader() for _ in range(readers)))
    finally:
        parser.shutdown(wait=False, cancel_futures=True)
    candidates: list[Candidate] = []
    with db.atomic():
        for (source_id, source, _), outcome in zip(due, outcomes, strict=True):
            if isinstance(outcome, Rejection):
                error = f"{outcome.reason}: {outcome.detail}"
                failures = source_store.record_source_failure(db, source_id, error)
                pause = pause_for(
                    failures,
                    error,
                    pause_after=config.pause_after_failures,
                    retry_hours=config.paused_retry_hours,
                    now=datetime.now(UTC),
                )
                if pause is not None:
                    source_store.pause_source(db, source_id, pause.until, pause.reason)
                report.failed_sources.append((source.url, outcome.detail))
                # Stored for `sources`, but not a rejected candidate: the summary adds up.
                article_store.upsert_rejection(db, topic.slug, report.day, outcome)
            else:
                assert outcome is not None, "every due source is read"
                fetched, found = outcome
                validators = (fetched.etag, fetched.last_modified)
                if not store_validators:
                    report.validators.append((source_id, *validators))
                    validators = ("", "")  # the stored ones stay until then
                source_store.record_source_success(db, source_id, *validators)
                if fetched.not_modified:
                    report.not_modified += 1
                for entry in found:
                    if isinstance(entry, Unlinked):
                        log.info(
                            "source %s: entry %r skipped: %s", source.url, entry.title, entry.why
                        )
                        report.unlinked.append((source.url, entry.title, entry.why))
                    else:
                        candidates.append(entry)
            progress("sources", 1)
    return candidates


def _due_sources(
    db: sqlite_utils.Database,
    slug: str,
    sources: list[SourceConfig],
    report: CollectReport,
    progress: Progress,
) -> list[tuple[int, SourceConfig, dict[str, str]]]:
    """(source id, source, conditional-GET validators) of the sources not paused now."""
    now = datetime.now(UTC)
    due: list[tuple[int, SourceConfig, dict[str, str]]] = []
    for source in sources:
        source_id = source_store.upsert_source(db, slug, source.kind, source.url, source.name)
        health = source_store.source(db, source_id)
        if health.paused_until is not None and health.paused_at(now):
            # Not dropped: reported every run and retried when the pause ends.
            until = f"{health.paused_until:%Y-%m-%dT%H:%M}"
            report.paused_sources.append(
                (source.url, f"paused until {until} UTC: {health.paused_reason}")
            )
            progress("sources", 1)
            continue
        validators = {"etag": health.etag, "last_modified": health.last_modified}
        due.append((source_id, source, validators))
    return due


async def _read_source(
    fetcher: Fetcher,
    source: SourceConfig,
    validators: dict[str, str],
    parser: ThreadPoolExecutor,
) -> tuple[Fetched, list[Candidate]] | Rejection:
    try:
        reader = kind_for(source.kind, source.url)
        fetched = await fetcher.get(source.url, **validators)
        if fetched.not_modified:
            return fetched, []
        found = await asyncio.get_running_loop().run_in_executor(
            parser, reader.parse, fetched.content, fetched.url, fetched.content_type
        )
        # The body is parsed: holding it until every source is read would keep a whole
        # poll's feeds in memory (6,000 feeds are hundreds of MB).
        fetched = replace(fetched, content=b"")
        linked = [c for c in found if not isinstance(c, Unlinked)]
        unlinked = [c for c in found if isinstance(c, Unlinked)]
        return fetched, [*newest_entries(linked, fetcher.config.max_entries_per_feed), *unlinked]
    except FetchError as exc:
        log.info("source %s failed: %s", source.url, exc.detail)
        return Rejection(source.url, Reason(exc.reason), f"source: {exc.detail}")
    except FeedError as exc:
        log.info("source %s is unreadable: %s", source.url, exc)
        return Rejection(source.url, Reason.EXTRACT_ERROR, f"source: {exc}")


async def _fetch(
    fetcher: Fetcher, candidate: Candidate, seen: SeenCache, recheck: dict[str, SeenPage]
) -> _Job | Rejection | None:
    """The candidate's page to screen, its rejection if it cannot be fetched, or None for
    a page judged before and found unchanged."""
    before = recheck.get(candidate.url)
    now = datetime.now(UTC)
    if isinstance(candidate, Item) and candidate.text:
        # The source carried the full text (release notes, a self post): no page fetch.
        fetch = Fetch(body_hash(candidate.text.encode("utf-8")))
        if before is not None and fetch.body_hash == before.body_hash:
            seen.unchanged(candidate, before, fetch)
            return None
        seen.fetches[candidate.url] = fetch
        page = Page(candidate.title, candidate.text, None, None, None)
        return _Job(candidate, b"", candidate.url, now, page)
    validators = {"etag": before.etag, "last_modified": before.last_modified} if before else {}
    seen.requests += 1
    try:
        fetched = await fetcher.get(candidate.url, **validators)
    except FetchError as exc:
        return Rejection(
            candidate.url, Reason(exc.reason), exc.detail, candidate.title, candidate.published
        )
    fetch = Fetch(body_hash(fetched.content), fetched.etag, fetched.last_modified)
    if before is not None and (fetched.not_modified or fetch.body_hash == before.body_hash):
        seen.unchanged(candidate, before, fetch)
        return None
    seen.fetches[candidate.url] = fetch
    return _Job(candidate, fetched.content, fetched.url, datetime.now(UTC))


async def _screen(
    pool: ExtractPool, job: _Job, topic_json: str, not_before: datetime
) -> Undecided | Rejection:
    candidate = job.candidate
    final_url = None if job.page is not None else job.url
    try:
        return await pool.screen(
            job.content,
            job.url,
            screen_job(candidate, job.fetched, not_before, topic_json, final_url),
            job.page,
            # A fetched page that names the topic nowhere is not worth extracting.
            prescreen=job.page is None,
        )
    except ExtractError as exc:
        return Rejection(
            candidate.url, Reason.EXTRACT_ERROR, str(exc), candidate.title, candidate.published
        )
