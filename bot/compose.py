"""Composition: stories in, a :class:`Digest` out. This module holds the extractive
composer, which quotes the sources and invents nothing. Pure."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date

from bot.config import TopicConfig
from bot.filters.text import count_term, figures, looks_like_heading, sentences
from bot.grounding import quarantine
from bot.i18n import text
from bot.models import Digest, Highlight, Point, Rejection, SourceRef, Story, Window

log = logging.getLogger(__name__)

HIGHLIGHT_CHARS = 360
KEY_POINT_CHARS = 180
MAX_KEY_POINTS = 7
HIGHLIGHT_SENTENCES = 2


def body_sentences(story: Story) -> list[str]:
    """Sentences of the article body: no headline, kicker or sub-heading lines, nothing
    that addresses an AI (quarantined: neither quoted nor sent to a model) and no URL but
    the article's own."""
    title = story.lead.title.strip()
    lines = [
        line.strip()
        for line in story.lead.text.splitlines()
        if line.strip() and line.strip() != title and not looks_like_heading(line.strip())
    ]
    said = [s for s in sentences("\n".join(lines)) if len(s) > 25]
    kept = [s for s in said if not quarantine.looks_like_instructions(s)]
    if len(kept) < len(said):
        log.info("quarantined %d sentence(s) of %s", len(said) - len(kept), story.lead.url)
    own = (story.lead.url, story.lead.canonical_url)
    return [quarantine.strip_urls(s, own) for s in kept]


# A post's preamble says who wrote it or why it was changed, not what happened: "Guest post
# by ...", "Editor's note: ...", "Updated on ...", "By Jane Roe".
_PREAMBLE = re.compile(
    r"^(?:(?:this\s+is\s+)?an?\s+guest\s+post|guest\s+post|editor['’]?s\s+note"
    r"|note\s+from\s+the\s+editor|(?:this\s+(?:story|article|post)\s+(?:has\s+been|was)\s+)?updated"
    r"(?:\s*:|\s+(?:on|at|with|to\s+(?:add|include|reflect|correct)))"
    r"|correction:|sponsored\b|gastbeitrag|ein\s+gastbeitrag|anmerkung\s+der\s+redaktion"
    r"|tribune\b|note\s+de\s+la\s+r[ée]daction|mise\s+[àa]\s+jour"
    r"|編按|编按|編者按|编者按|作者[:：]|記者[^，。]{0,12}[/／])",
    re.IGNORECASE,
)
_CAPITALISED_RUN = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_BYLINE = re.compile(rf"(?:By|Von|Par)\s+{_CAPITALISED_RUN}(?:\s*[,|]\s*{_CAPITALISED_RUN})*\.?")


def reports(sentence: str) -> bool:
    """Whether a sentence tells the story, rather than introducing the post or its author
    ("By Friday, the company had..." tells it; "By Jane Roe, Staff Writer" does not)."""
    head = sentence.strip()
    return not (_PREAMBLE.match(head) or _BYLINE.fullmatch(head))


def _fact_score(sentence: str, keywords: Sequence[str]) -> float:
    numbers = len(figures(sentence))
    names = sum(count_term(k, sentence) for k in keywords)
    return numbers + 0.5 * names - (0.5 if len(sentence) > KEY_POINT_CHARS else 0.0)


def key_fact(body: Sequence[str], used: Sequence[str], keywords: Sequence[str]) -> str:
    """The sentence carrying the most figures and names that the highlight did not quote."""
    rest = [s for s in body if s not in used and 50 <= len(s) <= 260]
    if not rest:
        return clip(body[:1], KEY_POINT_CHARS) if body else ""
    best = max(rest, key=lambda s: (_fact_score(s, keywords), -body.index(s)))
    return clip([best], KEY_POINT_CHARS)


def clip(sentences_: Sequence[str], limit: int) -> str:
    out = ""
    for sentence in sentences_:
        candidate = f"{out} {sentence}".strip()
        if out and len(candidate) > limit:
            break
        out = candidate
        if len(out) >= limit:
            break
    if len(out) > limit:
        cut = out[:limit].rsplit(" ", 1)[0]
        out = cut.rstrip(",;:") + "…"
    return out


def compose_extractive(
    topic: TopicConfig,
    day: date,
    language: str,
    window: Window,
    stories: Sequence[Story],
    rejected: Sequence[Rejection] = (),
    total_stories: int | None = None,
) -> Digest:
    """A digest quoted from the sources: highlights are each story's opening sentences,
    key points its first sentence, the trend a count. Analysis needs a model and is left
    out, and the rendering says so."""
    if not stories:
        return quiet_digest(topic, day, language, window, rejected)
    highlights, key_points = _quoted(topic, stories)
    count = max(total_stories or 0, len(stories))
    return Digest(
        topic=topic.slug,
        topic_name=topic.name,
        date=day,
        language=language,
        mode="extractive",
        trend=_trend(language, window, stories, count),
        highlights=tuple(highlights),
        analysis=(),
        key_points=tuple(key_points),
        thoughts=(),
        sources=tuple(_sources(stories)),
        summary=_summary(highlights),
        tags=_tags(topic, stories),
        rejected=tuple(rejected),
    )


def story_title(story: Story) -> str:
    """The lead article's title as a reader or a model may see it: without URLs."""
    return quarantine.without_urls(story.lead.title)


def _sources(stories: Sequence[Story]) -> list[SourceRef]:
    """Each story's lead article, numbered 1..N in the stories' order."""
    return [
        SourceRef(n, story_title(s), s.lead.url, s.lead.published, s.lead.id)
        for n, s in enumerate(stories, start=1)
    ]


def _quoted(topic: TopicConfig, stories: Sequence[Story]) -> tuple[list[Highlight], list[Point]]:
    """A highlight for every story, and a key fact for the first MAX_KEY_POINTS that have
    one, each citing its story's number."""
    highlights: list[Highlight] = []
    key_points: list[Point] = []
    for n, story in enumerate(stories, start=1):
        body = body_sentences(story)
        telling = [s for s in body if reports(s)] or body
        quoted = telling[:HIGHLIGHT_SENTENCES]
        highlights.append(Highlight(story_title(story), clip(quoted, HIGHLIGHT_CHARS), (n,)))
        fact = key_fact(telling, quoted, topic.keywords)
        if len(key_points) < MAX_KEY_POINTS and fact:
            key_points.append(Point(fact, (n,)))
    return highlights, key_points


def _trend(language: str, window: Window, stories: Sequence[Story], count: int) -> Point:
    """The day in one count, naming the story most outlets carried (the first story when
    none was carried by more than one)."""
    top = max(range(len(stories)), key=lambda i: (stories[i].outlets, -i))
    if stories[top].outlets > 1:
        trend_text = text(
            language,
            "trend_extractive",
            count=count,
            hours=window.hours,
            headline=story_title(stories[top]),
            outlets=stories[top].outlets,
        )
        return Point(trend_text, (top + 1,))
    trend_text = text(
        language,
        "trend_extractive_single",
        count=count,
        hours=window.hours,
        headline=story_title(stories[0]),
    )
    return Point(trend_text, (1,))


def _summary(highlights: Sequence[Highlight]) -> str:
    """The first three headlines, as sentences."""
    return " ".join(
        f"{h.headline}." if not h.headline.endswith((".", "!", "?")) else h.headline
        for h in highlights[:3]
    )


def quiet_digest(
    topic: TopicConfig,
    day: date,
    language: str,
    window: Window,
    rejected: Sequence[Rejection] = (),
    mode: str = "extractive",
) -> Digest:
    end = window.end.astimezone(topic.tz).strftime("%Y-%m-%d %H:%M")
    return Digest(
        topic=topic.slug,
        topic_name=topic.name,
        date=day,
        language=language,
        mode="model" if mode == "model" else "extractive",
        trend=Point(text(language, "quiet", name=topic.name, hours=window.hours, end=end)),
        highlights=(),
        analysis=(),
        key_points=(),
        thoughts=(),
        sources=(),
        summary=text(language, "quiet_summary", name=topic.name),
        tags=(),
        rejected=tuple(rejected),
        quiet=True,
    )


def _tags(topic: TopicConfig, stories: Sequence[Story]) -> tuple[str, ...]:
    """The topic's keywords that the day's stories actually mention, most mentioned first."""
    counts = {
        keyword: sum(count_term(keyword, f"{s.lead.title}\n{s.lead.text}") for s in stories)
        for keyword in topic.keywords
    }
    return tuple(k for k, c in sorted(counts.items(), key=lambda kv: -kv[1]) if c)
