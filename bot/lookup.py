"""What a client that looks things up may ask of the stored data, as plain dataclasses:
the topics, a digest, a search over the articles, a cited answer, what happened to one URL,
each source's health. The MCP server (``adapters/mcp/``) is built on it.

Every call only reads, except that searching and asking first chunk the articles stored
since the last search (as ``digestbot ask`` does); SQLite's WAL lets all of it run while
``digestbot run`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

import sqlite_utils

from bot.config import Config, Secrets, TopicConfig
from bot.errors import UsageError
from bot.filters.urls import canonical_url
from bot.models import Article, Reason, SourceHealth, StoredDigest
from bot.qa.ask import AskResult, ask_once
from bot.qa.index import index_new_articles
from bot.qa.retrieve import retrieve
from bot.window import today_in
from storage import lookup as store
from storage import sources as source_store
from storage.lookup import CitedIn, DigestDay, StoredRejection
from storage.passages import Scope

MAX_SEARCH_RESULTS = 50
SNIPPET_CHARS = 300

Verdict = Literal["kept", "rejected", "duplicate", "never_seen"]


@dataclass(frozen=True)
class TopicSummary:
    topic: TopicConfig
    articles: int
    digests: tuple[DigestDay, ...]
    """Newest first."""


@dataclass(frozen=True)
class ArticleHit:
    """One stored article that matches a search, with its best matching passage."""

    topic: str
    article_id: int
    title: str
    url: str
    published: datetime
    snippet: str
    score: float
    """Reciprocal rank fusion score: higher is better."""
    coverage: float
    """Share of the query's term weight the article's best passage holds (0..1)."""


@dataclass(frozen=True)
class KeptArticle:
    topic: str
    article: Article
    cited_in: tuple[CitedIn, ...]


@dataclass(frozen=True)
class RejectedCandidate:
    record: StoredRejection
    copies: tuple[str, Article] | None
    """For a duplicate: (topic, the stored article it copies), when that one is stored."""


@dataclass(frozen=True)
class Explanation:
    """Everything stored about one URL: its articles and its rejections, newest first."""

    url: str
    canonical: str
    kept: tuple[KeptArticle, ...]
    rejected: tuple[RejectedCandidate, ...]

    @property
    def verdict(self) -> Verdict:
        if self.kept:
            return "kept"
        if not self.rejected:
            return "never_seen"
        latest = self.rejected[0].record.rejection
        return "duplicate" if latest.reason is Reason.DUPLICATE else "rejected"

    def summary(self) -> str:
        """One sentence a person can read: what happened and why."""
        if self.kept:
            kept = self.kept[0]
            published = f"{kept.article.published:%Y-%m-%d %H:%M} UTC"
            if kept.cited_in:
                cited = kept.cited_in[0]
                return (
                    f"kept for {kept.topic} (published {published}) and cited as [{cited.n}] "
                    f"in the {cited.day} digest ({cited.language})"
                )
            return (
                f"kept for {kept.topic} (published {published}) but cited in no stored "
                "digest: each digest keeps only its best stories"
            )
        if not self.rejected:
            return "never seen: no source of any topic announced this URL"
        latest = self.rejected[0]
        rejection = latest.record.rejection
        text = f"rejected for {latest.record.topic} on {latest.record.day}: {rejection.reason}"
        if latest.copies is not None:
            text += f" of {latest.copies[1].title!r} ({latest.copies[1].url})"
        elif rejection.duplicate_of:
            text += f" of {rejection.duplicate_of}"
        return text + (f" ({rejection.detail})" if rejection.detail else "")


class Lookup:
    """Read access to one database for the topics of ``config``."""

    def __init__(self, db: sqlite_utils.Database, config: Config, secrets: Secrets) -> None:
        self._db = db
        self._config = config
        self._secrets = secrets

    def topic(self, slug: str) -> TopicConfig:
        """The configured topic ``slug``; :class:`ConfigError` names the known ones."""
        return self._config.topic(slug)

    def topics(self) -> list[TopicSummary]:
        counts = store.article_counts(self._db)
        return [
            TopicSummary(t, counts.get(t.slug, 0), tuple(store.digest_days(self._db, t.slug)))
            for t in self._config.topics
        ]

    def digest(
        self, slug: str, day: date | None = None, language: str | None = None
    ) -> StoredDigest:
        """The digest of ``slug`` on ``day`` (default: the newest) in ``language`` (default:
        the topic's, else any). Raises :class:`UsageError` when there is none."""
        topic = self.topic(slug)
        found = store.latest_digest(self._db, topic.slug, language or topic.language, day)
        if found is None and language is None:
            found = store.latest_digest(self._db, topic.slug, None, day)
        if found is None:
            wanted = (f" on {day}" if day else "") + (f" in {language}" if language else "")
            raise UsageError(
                f"no stored digest for topic {topic.slug}{wanted}: run 'digestbot digest' first"
            )
        return found

    def search(
        self,
        query: str,
        slug: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 10,
    ) -> list[ArticleHit]:
        """Stored articles matching ``query`` (keywords, as ``ask`` retrieves them),
        published from ``since`` to ``until`` inclusive (UTC days), best first."""
        if not query.strip():
            raise UsageError("the search query is empty")
        if since and until and since > until:
            raise UsageError(f"since ({since}) is after until ({until})")
        limit = max(1, min(limit, MAX_SEARCH_RESULTS))
        topics = [self.topic(slug)] if slug else self._config.topics
        start = datetime.combine(since, time(0), tzinfo=UTC) if since else None
        end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=UTC) if until else None
        best: dict[int, ArticleHit] = {}
        for topic in topics:
            index_new_articles(self._db, topic.slug)
            scope = Scope(topic.slug, start=start, end=end)
            for hit in retrieve(self._db, scope, query, limit=3 * limit).hits:
                passage = hit.passage
                if passage.article_id in best:
                    continue
                best[passage.article_id] = ArticleHit(
                    topic=topic.slug,
                    article_id=passage.article_id,
                    title=passage.title,
                    url=passage.url,
                    published=datetime.fromisoformat(passage.published),
                    snippet=_snippet(passage.text),
                    score=hit.score,
                    coverage=hit.coverage,
                )
        ranked = sorted(best.values(), key=lambda h: (-round(h.coverage, 2), -h.score))
        return ranked[:limit]

    async def ask(
        self, question: str, slug: str | None = None, day: date | None = None
    ) -> AskResult:
        """A cited answer from the topic's sources of the ``qa.scope_days`` ending with
        ``day`` (default: today there): the model's with a key, else quotes
        (``answer.mode == "extractive"``)."""
        topic = self._config.topic(slug)  # None: the first topic
        return await ask_once(
            self._db, self._config, topic, question, day or today_in(topic), self._secrets
        )

    def explain(self, url: str) -> Explanation:
        """What happened to the candidate at ``url``: kept (and cited?), rejected and why,
        a duplicate of what, or never seen."""
        url = url.strip()
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"expected an http(s) URL, got {url!r}")
        canonical = canonical_url(url)
        urls = sorted({url, canonical})
        slugs = [t.slug for t in self._config.topics]
        articles = store.articles_at(self._db, slugs, urls)
        cited = store.citations_of(self._db, [a.id for _, a in articles if a.id is not None])
        kept = tuple(
            KeptArticle(topic, a, tuple(c for c in cited if c.article_id == a.id))
            for topic, a in articles
        )
        rejected = tuple(
            RejectedCandidate(record, self._copied(record))
            for record in store.rejections_at(self._db, urls)
        )
        return Explanation(url, canonical, kept, rejected)

    def _copied(self, record: StoredRejection) -> tuple[str, Article] | None:
        lead = record.rejection.duplicate_of
        if not lead:
            return None
        found = store.articles_at(self._db, [record.topic], sorted({lead, canonical_url(lead)}))
        return found[0] if found else None

    def sources(self, slug: str) -> list[SourceHealth]:
        """Every stored source of the topic with its health, paused ones first."""
        return source_store.source_health(self._db, self.topic(slug).slug)


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= SNIPPET_CHARS:
        return flat
    return flat[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
