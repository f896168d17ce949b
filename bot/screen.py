"""The decision for one fetched page: keep it as an article, or reject it and say why.

Pure: no I/O, so every rule is a plain function call in tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import TopicConfig
from bot.filters.dedup import content_hash
from bot.filters.language import guess_language
from bot.filters.pagetype import classify
from bot.filters.relevance import RELEVANT_SCORE, Relevance, assess
from bot.filters.spam import assess_spam
from bot.filters.urls import canonical_url
from bot.models import Article, Candidate, Page, Reason, Rejection
from bot.sources.base import Item


def publication_time(candidate: Candidate, page: Page | None, fetched: datetime) -> datetime:
    """The page's own date wins when it disagrees with the feed by more than a day (a feed
    re-announcing an old story); otherwise the feed's, which carries a time of day."""
    feed_time = candidate.published
    page_time = page.published if page else None
    if feed_time and page_time and abs(feed_time - page_time) > timedelta(days=1):
        return page_time
    return feed_time or page_time or fetched


def stale_rejection(
    candidate: Candidate, published: datetime, not_before: datetime
) -> Rejection | None:
    if published >= not_before:
        return None
    return Rejection(
        url=candidate.url,
        reason=Reason.STALE,
        detail=f"published {published:%Y-%m-%d}, before {not_before:%Y-%m-%d %H:%M} UTC",
        title=candidate.title,
        published=published,
    )


def screen_page(
    candidate: Candidate,
    page: Page,
    topic: TopicConfig,
    fetched: datetime,
    not_before: datetime,
    final_url: str | None = None,
) -> Article | Rejection:
    """Keep or reject a fetched page. ``final_url`` is where redirects ended, if they did."""
    published = publication_time(candidate, page, fetched)
    title = page.title or candidate.title
    stale = stale_rejection(candidate, published, not_before)
    if stale is not None:
        return stale

    # The text says more than a site template's <html lang>, which is often left as is.
    language = guess_language(page.text) or page.language
    if topic.languages and language and _base(language) not in {_base(x) for x in topic.languages}:
        return Rejection(
            candidate.url,
            Reason.OFF_TOPIC,
            f"written in '{language}'; topic.languages is {', '.join(topic.languages)}",
            title,
            published,
        )

    kind = classify(title, page.text)
    if kind.kind is not None:
        return Rejection(candidate.url, Reason.OFF_TOPIC, kind.detail, title, published)

    if isinstance(candidate, Item) and candidate.own_channel:
        # A project's own release channel: the operator chose it for the topic.
        relevance = Relevance(RELEVANT_SCORE, None, "the topic's own release channel")
    else:
        relevance = assess(
            title,
            page.text,
            keywords=topic.keywords,
            aliases=topic.aliases,
            context=topic.context,
            exclude=topic.exclude,
        )
    if relevance.reason is not None:
        return Rejection(candidate.url, relevance.reason, relevance.detail, title, published)

    spam = assess_spam(title, page.text, topic.keywords + topic.aliases)
    if spam.is_spam:
        return Rejection(candidate.url, Reason.SPAM, spam.detail, title, published)

    url = final_url or candidate.url
    return Article(
        url=url,
        canonical_url=canonical_url(url),
        link=candidate.url,
        title=title,
        text=page.text,
        published=published,
        fetched=fetched,
        language=language,
        content_hash=content_hash(page.text),
        source_url=candidate.source_url,
        author=page.author,
        relevance=relevance.score,
    )


def _base(language: str) -> str:
    """The base language of a tag: en-GB and en_US are both en here."""
    return language.lower().split("-")[0].split("_")[0]
