"""What each MCP tool returns, as pydantic models (the SDK publishes their JSON schemas as the
tools' output schemas), and their translation from the core's dataclasses."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from bot.lookup import ArticleHit, Explanation, TopicSummary, Verdict
from bot.models import Point, SourceHealth, StoredDigest, host
from bot.qa.ask import AskResult
from bot.render import title_of

# --- list_topics -------------------------------------------------------------------------


class DigestKey(BaseModel):
    date: dt.date
    language: str


class TopicInfo(BaseModel):
    slug: str
    name: str
    language: str = Field(description="the language its digests are written in by default")
    timezone: str
    articles: int = Field(description="stored articles of the topic")
    latest_digest: dt.date | None = Field(description="date of the newest stored digest")
    digests: list[DigestKey] = Field(description="every stored digest, newest first")


class Topics(BaseModel):
    topics: list[TopicInfo]


def topics_out(summaries: list[TopicSummary]) -> Topics:
    return Topics(
        topics=[
            TopicInfo(
                slug=s.topic.slug,
                name=s.topic.name,
                language=s.topic.language,
                timezone=s.topic.timezone,
                articles=s.articles,
                latest_digest=s.digests[0].day if s.digests else None,
                digests=[DigestKey(date=d.day, language=d.language) for d in s.digests],
            )
            for s in summaries
        ]
    )


# --- get_digest --------------------------------------------------------------------------


class PointOut(BaseModel):
    text: str
    citations: list[int] = Field(description="numbers of the sources it rests on")
    label: str = ""


class HighlightOut(BaseModel):
    headline: str
    text: str
    citations: list[int]


class SourceOut(BaseModel):
    n: int = Field(description="the number [n] the digest cites it by")
    title: str
    url: str
    outlet: str
    published: dt.datetime


class RejectedOut(BaseModel):
    url: str
    reason: str
    detail: str
    title: str


class DigestOut(BaseModel):
    topic: str
    topic_name: str
    date: dt.date
    language: str
    title: str
    mode: Literal["model", "extractive"] = Field(
        description="'extractive': sentences quoted from the sources, no model wrote it"
    )
    mode_reason: str = Field(description="why an extractive digest is extractive")
    model: str = Field(description="the model that wrote it ('' when extractive)")
    prompt_tokens: int
    completion_tokens: int
    quiet: bool = Field(description="a quiet day: too little news for a full digest")
    summary: str
    tags: list[str]
    trend: PointOut | None
    highlights: list[HighlightOut]
    analysis: list[PointOut]
    key_points: list[PointOut]
    thoughts: list[PointOut]
    sources: list[SourceOut]
    rejected: list[RejectedOut] = Field(description="candidates the digest's run left out")
    markdown: str = Field(description="the post as delivered")


def _point(point: Point) -> PointOut:
    return PointOut(text=point.text, citations=list(point.citations), label=point.label)


def digest_out(stored: StoredDigest) -> DigestOut:
    d = stored.digest
    return DigestOut(
        topic=d.topic,
        topic_name=d.topic_name,
        date=d.date,
        language=d.language,
        title=title_of(d),
        mode=d.mode,
        mode_reason=d.mode_reason,
        model=stored.model,
        prompt_tokens=stored.prompt_tokens,
        completion_tokens=stored.completion_tokens,
        quiet=d.quiet,
        summary=d.summary,
        tags=list(d.tags),
        trend=_point(d.trend) if d.trend else None,
        highlights=[
            HighlightOut(headline=h.headline, text=h.text, citations=list(h.citations))
            for h in d.highlights
        ],
        analysis=[_point(p) for p in d.analysis],
        key_points=[_point(p) for p in d.key_points],
        thoughts=[_point(p) for p in d.thoughts],
        sources=[
            SourceOut(n=s.n, title=s.title, url=s.url, outlet=host(s.url), published=s.published)
            for s in d.sources
        ],
        rejected=[
            RejectedOut(url=r.url, reason=str(r.reason), detail=r.detail, title=r.title)
            for r in d.rejected
        ],
        markdown=stored.markdown,
    )


# --- search_articles ---------------------------------------------------------------------


class ArticleMatch(BaseModel):
    topic: str
    article_id: int
    title: str
    url: str
    published: dt.datetime
    snippet: str = Field(description="the best matching passage, shortened")
    coverage: float = Field(description="share of the query's weighted terms it holds, 0..1")
    score: float = Field(description="fused keyword/vector rank score, higher is better")


class SearchResults(BaseModel):
    query: str
    results: list[ArticleMatch] = Field(description="best first")


def search_out(query: str, hits: list[ArticleHit]) -> SearchResults:
    return SearchResults(
        query=query,
        results=[
            ArticleMatch(
                topic=h.topic,
                article_id=h.article_id,
                title=h.title,
                url=h.url,
                published=h.published,
                snippet=h.snippet,
                coverage=round(h.coverage, 3),
                score=round(h.score, 5),
            )
            for h in hits
        ],
    )


# --- ask ---------------------------------------------------------------------------------


class CitationOut(BaseModel):
    n: int
    title: str
    url: str


class AnswerOut(BaseModel):
    question: str
    answer: str = Field(description="the answer; [n] marks cite the citations")
    citations: list[CitationOut]
    grounded: bool = Field(
        description="true when the answer rests on stored sources; false: they do not cover it"
    )
    mode: Literal["model", "extractive", "none"] = Field(
        description="'model': written by the model and checked against the sources; "
        "'extractive': sentences quoted from the sources; 'none': no answer"
    )
    note: str = Field(description="how the answer was made, for a reader")


def answer_out(result: AskResult) -> AnswerOut:
    answer = result.answer
    if answer.mode == "extractive":
        why = "the model's answer was unusable" if result.model_configured else "no MISTRAL_API_KEY"
        note = f"extractive ({why}): text quoted from the sources"
    elif answer.mode == "model":
        note = "written by the model from the cited sources, each sentence checked against them"
    elif result.stored_articles == 0:
        note = "no stored articles for this topic: run 'digestbot collect' first"
    else:
        note = "the stored sources do not cover this question"
    return AnswerOut(
        question=answer.question,
        answer=answer.answer,
        citations=[CitationOut(n=c.n, title=c.title, url=c.url) for c in answer.citations],
        grounded=answer.grounded,
        mode=answer.mode,
        note=note,
    )


# --- explain_rejection -------------------------------------------------------------------


class CitedInOut(BaseModel):
    date: dt.date
    language: str
    n: int


class KeptOut(BaseModel):
    topic: str
    title: str
    url: str
    published: dt.datetime
    story: int | None = Field(description="the story cluster it belongs to")
    kept_because: str = Field(description="what decided the filters to keep it")
    cited_in: list[CitedInOut] = Field(description="digests that cite it, newest first")


class RejectionOut(BaseModel):
    topic: str
    date: dt.date = Field(description="the collection day that rejected it")
    reason: str = Field(
        description="duplicate, off_topic, homonym, spam, stale, fetch_error, extract_error, "
        "blocked_address or too_large"
    )
    detail: str
    title: str
    duplicate_of: str | None = Field(description="for a duplicate: the URL of the kept copy")
    duplicate_of_title: str | None = Field(description="the kept copy's title, when stored")


class ExplanationOut(BaseModel):
    url: str
    canonical_url: str
    verdict: Verdict = Field(
        description="kept; rejected (see reason); duplicate (of a kept article); never_seen"
    )
    summary: str = Field(description="what happened and why, in one sentence")
    kept: list[KeptOut]
    rejections: list[RejectionOut] = Field(description="newest first")


def explanation_out(explanation: Explanation) -> ExplanationOut:
    return ExplanationOut(
        url=explanation.url,
        canonical_url=explanation.canonical,
        verdict=explanation.verdict,
        summary=explanation.summary(),
        kept=[
            KeptOut(
                topic=k.topic,
                title=k.article.title,
                url=k.article.url,
                published=k.article.published,
                story=k.article.cluster,
                kept_because=k.article.kept_because,
                cited_in=[CitedInOut(date=c.day, language=c.language, n=c.n) for c in k.cited_in],
            )
            for k in explanation.kept
        ],
        rejections=[
            RejectionOut(
                topic=r.record.topic,
                date=r.record.day,
                reason=str(r.record.rejection.reason),
                detail=r.record.rejection.detail,
                title=r.record.rejection.title,
                duplicate_of=r.record.rejection.duplicate_of,
                duplicate_of_title=r.copies[1].title if r.copies else None,
            )
            for r in explanation.rejected
        ],
    )


# --- list_sources ------------------------------------------------------------------------


class SourceHealthOut(BaseModel):
    url: str
    kind: str
    name: str
    origin: str = Field(description="'config' (config.toml) or 'opml' (imported)")
    status: Literal["ok", "failing", "paused", "never_polled"]
    last_success: dt.datetime | None
    last_error: str | None
    consecutive_failures: int
    paused_until: dt.datetime | None
    paused_reason: str | None


class Sources(BaseModel):
    topic: str
    sources: list[SourceHealthOut] = Field(description="paused first, then the failing ones")


def _status(source: SourceHealth) -> Literal["ok", "failing", "paused", "never_polled"]:
    if source.paused_at(dt.datetime.now(dt.UTC)):
        return "paused"
    if source.consecutive_failures:
        return "failing"
    return "ok" if source.last_success else "never_polled"


def sources_out(topic: str, sources: list[SourceHealth]) -> Sources:
    return Sources(
        topic=topic,
        sources=[
            SourceHealthOut(
                url=s.url,
                kind=s.kind,
                name=s.name,
                origin=s.origin,
                status=_status(s),
                last_success=s.last_success,
                last_error=s.last_error,
                consecutive_failures=s.consecutive_failures,
                paused_until=s.paused_until,
                paused_reason=s.paused_reason,
            )
            for s in sources
        ],
    )
