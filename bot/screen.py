"""The decision for fetched pages: keep each as an article, or reject it and say why.

Two steps. :func:`screen_page` judges one page on its own (date, extraction, language,
page type) and returns what it cannot decide alone as :class:`Undecided`. :func:`settle`
judges the run's undecided pages together: whether a page is about the topic depends on
what the topic's pages look like, which the run's pages that carry its keywords (and its
stored history) teach. Pure: no I/O, so every rule is a plain function call in tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from statistics import median

from bot.config import TopicConfig
from bot.filters.dedup import DedupIndex, content_hash
from bot.filters.language import base_language, guess_language
from bot.filters.pagetype import classify
from bot.filters.profile import Profile, build_profile, short_names
from bot.filters.relevance import (
    RELEVANT_SCORE,
    Evidence,
    Relevance,
    TopicTerms,
    filed_under,
    gather,
    judge,
)
from bot.filters.spam import TYPICAL_SHARE, assess_spam, promo_verdict, thin_page
from bot.filters.text import count_term, words
from bot.filters.urls import canonical_url
from bot.models import Article, Candidate, Page, Reason, Rejection
from bot.sources.base import Item

DATES_AGREE = timedelta(hours=48)
"""A feed's time and a page's date further apart than this: the story is an old one."""
AHEAD_OF_FETCH = timedelta(hours=24)
"""How far past the fetch a page's date may be: a day, for a date written in a zone ahead
of UTC (and given without its time or zone)."""
PROFILE_SEEDS = 300
"""The most pages a profile learns from (the latest): enough, and bounded in cost."""


def publication_time(candidate: Candidate, page: Page | None, fetched: datetime) -> datetime:
    """The feed's time, which is exact, unless the page's own date is more than 48 hours
    away from it (a feed re-announcing an old story). A page date without a time of day
    (midnight UTC) stands for its whole day."""
    feed_time = candidate.published
    page_time = page.published if page else None
    if page_time and page_time > fetched + AHEAD_OF_FETCH:
        page_time = None  # a page cannot have been published after it was read
    if feed_time and page_time and _apart(feed_time, page_time) > DATES_AGREE:
        return page_time
    return feed_time or page_time or fetched


def _apart(feed_time: datetime, page_time: datetime) -> timedelta:
    if page_time.timetz().replace(tzinfo=None) != time(0, 0):
        return abs(feed_time - page_time)
    day_end = page_time + timedelta(days=1)
    if page_time <= feed_time < day_end:
        return timedelta(0)
    return min(abs(feed_time - page_time), abs(feed_time - day_end))


def one_per_url(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The first candidate of each URL: two feeds carrying one link announce one page."""
    seen: set[str] = set()
    unique: list[Candidate] = []
    for candidate in candidates:
        if candidate.url not in seen:
            seen.add(candidate.url)
            unique.append(candidate)
    return unique


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


@dataclass(frozen=True)
class Undecided:
    """A page that passed every rule a page can be judged by alone; whether it is about
    the topic is settled with the rest of the run (:func:`settle`)."""

    candidate: Candidate
    page: Page
    title: str
    published: datetime
    fetched: datetime
    language: str | None
    url: str
    evidence: Evidence
    own_channel: bool = False

    @property
    def teaches(self) -> bool:
        """Named by a keyword in its headline or lead: one of the topic's pages."""
        return self.own_channel or self.evidence.named_prominently

    def reject(self, reason: Reason, detail: str) -> Rejection:
        return Rejection(self.candidate.url, reason, detail, self.title, self.published)

    def article(self, relevance: float, because: str = "") -> Article:
        return Article(
            url=self.url,
            canonical_url=canonical_url(self.url),
            link=self.candidate.url,
            title=self.title,
            text=self.page.text,
            published=self.published,
            fetched=self.fetched,
            language=self.language,
            content_hash=content_hash(self.page.text),
            source_url=self.candidate.source_url,
            author=self.page.author,
            relevance=relevance,
            kept_because=because,
        )


def topic_terms(topic: TopicConfig) -> TopicTerms:
    return TopicTerms(
        keywords=topic.keywords,
        aliases=topic.aliases,
        context=topic.context,
        exclude=topic.exclude,
        reject_senses=topic.reject_senses,
        language=base_language(topic.language),
    )


def screen_page(
    candidate: Candidate,
    page: Page,
    topic: TopicConfig,
    fetched: datetime,
    not_before: datetime,
    final_url: str | None = None,
) -> Undecided | Rejection:
    """Judge a fetched page alone. ``final_url`` is where redirects ended, if they did."""
    published = publication_time(candidate, page, fetched)
    title = page.title or candidate.title
    stale = stale_rejection(candidate, published, not_before)
    if stale is not None:
        return stale

    kind = classify(title, page.text)
    if kind.kind is not None:
        # A list of deals is a listing, but what makes it junk is that it sells.
        promo = promo_verdict(title, page.text)
        if promo is not None:
            return Rejection(candidate.url, Reason.SPAM, promo, title, published)
        return Rejection(candidate.url, Reason.OFF_TOPIC, kind.detail, title, published)

    thin = thin_page(title, page.text)
    if thin is not None:
        reason = Reason.SPAM if thin.is_spam else Reason.EXTRACT_ERROR
        return Rejection(candidate.url, reason, thin.detail, title, published)

    # The text says more than a site template's <html lang>, which is often left as is.
    language = guess_language(page.text) or page.language
    allowed = {base_language(code) for code in topic.languages}
    if allowed and language and base_language(language) not in allowed:
        return Rejection(
            candidate.url,
            Reason.OFF_TOPIC,
            f"written in '{language}'; topic.languages is {', '.join(topic.languages)}",
            title,
            published,
        )

    return Undecided(
        candidate=candidate,
        page=page,
        title=title,
        published=published,
        fetched=fetched,
        language=language,
        url=final_url or candidate.url,
        evidence=gather(title, page.text, topic_terms(topic)),
        # A project's own release channel: the operator chose it for the topic.
        own_channel=isinstance(candidate, Item) and candidate.own_channel,
    )


def settle(
    screened: Sequence[Article | Rejection | Undecided],
    topic: TopicConfig,
    history: Sequence[str] = (),
) -> list[Article | Rejection]:
    """Decide the run's undecided pages together, against a profile of the topic learned
    from the pages that carry its keywords and from ``history`` (texts of its stored
    articles). Order is kept."""
    undecided = [s for s in screened if isinstance(s, Undecided)]
    terms = topic_terms(topic)
    teachers = [u for u in undecided if u.teaches]
    seeds = [*((_language(text), text) for text in history), *_languages_of(teachers)]
    # A page reached by two URLs (a tracking variant, a mirror) is one page of the topic:
    # counted twice, it would make a profile of two pages look like one of three.
    seeds = list(dict.fromkeys(seeds))[-PROFILE_SEEDS:]
    terms, screened = _with_short_names(terms, screened, [text for _, text in seeds])
    undecided = [s for s in screened if isinstance(s, Undecided)]
    others = [u.page.text for u in undecided if not u.teaches]
    # Words are compared within a language: a French page shares few with English ones.
    profiles = {
        language: build_profile(
            [text for lang, text in seeds if lang == language],
            others,
            terms.every_name,
            terms.context,
        )
        for language in {lang for lang, _ in seeds}
    }
    languages = {lang for lang, _ in seeds}
    if len(languages) == 1:
        # One language: its profile already is the one built from all the seeds.
        everything = profiles[languages.pop()]
    else:
        everything = build_profile([t for _, t in seeds], others, terms.every_name, terms.context)
    shares = _source_shares(undecided)
    typical = _typical_share([text for _, text in seeds], terms.names)
    out: list[Article | Rejection] = []
    for verdict in screened:
        if not isinstance(verdict, Undecided):
            out.append(verdict)
            continue
        profile = profiles.get(base_language(verdict.language))
        across = profile is None or not profile.usable
        if across:
            # Few pages in this language yet: names, figures and technical terms are
            # shared across languages, so all the topic's pages are the next best guide.
            profile = everything
        decided = _decide(verdict, terms, profile, shares, typical, across)
        out.append(_with_language_hint(decided, verdict, terms, {lang for lang, _ in seeds}))
    return _copies_of_kept(screened, out)


def _with_language_hint(
    decided: Article | Rejection, page: Undecided, terms: TopicTerms, named_in: set[str]
) -> Article | Rejection:
    """A page that never names the topic, in a language none of the run's pages named it
    in: say that the topic may have another name there."""
    if (
        not isinstance(decided, Rejection)
        or decided.reason is not Reason.OFF_TOPIC
        or page.evidence.mentions
        or base_language(page.language) in named_in
        or not (hint := terms.unnamed_hint(page.language))
    ):
        return decided
    return replace(decided, detail=decided.detail + hint)


def _with_short_names(
    terms: TopicTerms, screened: Sequence[Article | Rejection | Undecided], seeds: Sequence[str]
) -> tuple[TopicTerms, list[Article | Rejection | Undecided]]:
    """The topic's terms with the short names its pages teach ("Cook" of "Tim Cook") as
    shared names, and the run's undecided pages' evidence gathered again with them."""
    known = {name.lower() for name in terms.names}
    learned = [n for n in short_names(seeds, terms.keywords) if n.lower() not in known]
    if not learned:
        return terms, list(screened)
    terms = replace(terms, learned=tuple(learned))
    return terms, [
        replace(s, evidence=gather(s.title, s.page.text, terms)) if isinstance(s, Undecided) else s
        for s in screened
    ]


_RELEVANCE_REASONS = frozenset({Reason.HOMONYM, Reason.OFF_TOPIC})


def _copies_of_kept(
    screened: Sequence[Article | Rejection | Undecided], decided: list[Article | Rejection]
) -> list[Article | Rejection]:
    """A page rejected as off topic or a namesake whose body is a copy of a page kept
    in the same run is that story again: a syndicated copy that trimmed the lead (and
    with it the names) is still the same story, and "duplicate" is what is true of it.
    Such a page is passed on as kept, and the run's dedup places it in its story's
    cluster, as a duplicate of the original."""
    doubted = [
        i
        for i, (before, after) in enumerate(zip(screened, decided, strict=True))
        if isinstance(before, Undecided)
        and isinstance(after, Rejection)
        and after.reason in _RELEVANCE_REASONS
        and not before.evidence.excluded
    ]
    kept = [(i, a) for i, a in enumerate(decided) if isinstance(a, Article)]
    if not doubted or not kept:
        return decided
    index = DedupIndex()
    for i, article in kept:
        index.add(i, article.text)
    out = list(decided)
    for i in doubted:
        page = screened[i]
        assert isinstance(page, Undecided)
        match = index.match(page.page.text)
        if match is not None:
            original, judged = decided[match.lead], decided[i]
            assert isinstance(original, Article) and isinstance(judged, Rejection)
            out[i] = page.article(
                original.relevance,
                f"a copy of the body of {original.url}, kept in the same run (its own "
                f"headline and lead were judged '{judged.reason}')",
            )
    return out


def _language(text: str) -> str:
    return base_language(guess_language(text) or "")


def _languages_of(pages: Sequence[Undecided]) -> list[tuple[str, str]]:
    return [(base_language(page.language), page.page.text) for page in pages]


def _decide(
    page: Undecided,
    terms: TopicTerms,
    profile: Profile | None,
    shares: dict[str, float],
    typical: float,
    across_languages: bool = False,
) -> Article | Rejection:
    if page.own_channel:
        relevance = Relevance(RELEVANT_SCORE, None, "the topic's own release channel")
    else:
        relevance = judge(
            page.evidence,
            terms,
            profile,
            source_share=shares.get(page.candidate.source_url, 0.0),
            member=page.teaches,
            across_languages=across_languages,
            filed_under_name=filed_under(page.url, terms.names, terms.every_name),
        )
    if relevance.reason is not Reason.OFF_TOPIC or page.evidence.mentions:
        # Spam is judged before the sense of the name: a promo page or one stuffed with a
        # name trades on that name whichever sense it uses, and "spam" is what is true
        # of it. A page that never names the topic is off topic, whatever it sells.
        promo = promo_verdict(page.title, page.page.text)
        if promo is not None:
            return page.reject(Reason.SPAM, promo)
        spam = assess_spam(page.title, page.page.text, list(terms.names), typical)
        if spam.is_spam:
            return page.reject(Reason.SPAM, spam.detail)
    if relevance.reason is not None:
        return page.reject(relevance.reason, relevance.detail)
    return page.article(relevance.score, relevance.detail)


SOURCE_MIN_PAGES = 4


def _source_shares(undecided: Sequence[Undecided]) -> dict[str, float]:
    """For each source with enough pages, the share of them that name the topic by a
    keyword in the headline or lead."""
    total: Counter[str] = Counter(u.candidate.source_url for u in undecided)
    named: Counter[str] = Counter(u.candidate.source_url for u in undecided if u.teaches)
    return {s: named[s] / n for s, n in total.items() if n >= SOURCE_MIN_PAGES}


def _typical_share(texts: Sequence[str], names: Sequence[str]) -> float:
    """How much of the topic's normal articles its names take (the median)."""
    shares = []
    for text in texts:
        count = len(words(text))
        if count:
            named = sum(count_term(n, text) * len(n.split()) for n in names)
            shares.append(named / count)
    return median(shares) if shares else TYPICAL_SHARE
