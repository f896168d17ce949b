from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from markdown_it import MarkdownIt

from bot.compose import compose_extractive, quiet_digest
from bot.config import parse_config
from bot.errors import RenderError
from bot.models import Article, Digest, Highlight, SourceRef, Story
from bot.render import escape_inline, front_matter, render_markdown, to_json, validate_markdown
from bot.window import digest_window
from tests.conftest import example_data

DAY = date(2026, 11, 21)


def _topic(language: str = "en"):  # type: ignore[no-untyped-def]
    data = example_data()
    data["topics"][0]["language"] = language
    return parse_config(data).topics[0]


def _article(n: int, title: str, text: str) -> Article:
    return Article(
        id=n,
        url=f"https://news{n}.example/story-{n}",
        canonical_url=f"https://news{n}.example/s",
        title=title,
        text=text,
        published=datetime(2026, 11, 20, 10, n, tzinfo=UTC),
        fetched=datetime(2026, 11, 20, 12, tzinfo=UTC),
        language="en",
        content_hash=str(n),
        source_url="https://feed.example/rss",
        relevance=5.0 - n,
    )


HOSTILE = [
    _article(
        1,
        "**Breaking** Mistral AI [raises](javascript:alert(1)) <b>funds</b>",
        "Mistral AI raised funds from _investors_ and `coders`. It said *so* today. "
        "The round values it at 12 billion euros, people familiar said.",
    ),
    _article(
        2,
        "# Mistral AI opens an office",
        "1. Mistral AI opened an office in Tokyo. "
        "It will hire 40 people by the end of next year, the company said on Friday.",
    ),
    _article(
        3,
        "Le Chat gets memory | Mistral AI",
        "> Le Chat can now remember things. "
        "Users can turn the feature off in settings, and memories expire after a year.",
    ),
]


def _parse_text(markdown: str) -> str:
    body = markdown.split("\n---\n", 1)[1]
    tokens = MarkdownIt("commonmark").parse(body)
    return "".join(
        child.content for t in tokens if t.children for child in t.children if child.type == "text"
    )


@pytest.mark.parametrize("language", ["en", "zh-TW"])
def test_hostile_titles_render_as_plain_text(language: str) -> None:
    topic = _topic(language)
    stories = [Story(a) for a in HOSTILE]
    digest = compose_extractive(topic, DAY, language, digest_window(topic, DAY), stories)
    markdown = render_markdown(digest)
    tokens = MarkdownIt("commonmark").parse(markdown.split("\n---\n", 1)[1])
    links = [
        c.attrGet("href") for t in tokens if t.children for c in t.children if c.type == "link_open"
    ]
    # Only the sources list links anywhere, and nothing from a title became a link or HTML.
    assert links == [a.url for a in HOSTILE]
    assert not any(t.type.startswith("html") for t in tokens)
    text = _parse_text(markdown)
    assert "**Breaking**" in text  # shown literally, not as emphasis
    assert "javascript:" in text


def test_every_citation_resolves_and_sources_are_exactly_the_cited() -> None:
    topic = _topic()
    digest = compose_extractive(
        topic, DAY, "en", digest_window(topic, DAY), [Story(a) for a in HOSTILE]
    )
    cited = {n for h in digest.highlights for n in h.citations}
    cited |= {n for p in digest.key_points for n in p.citations}
    assert cited == {s.n for s in digest.sources}
    markdown = render_markdown(digest)
    assert f"from {len(digest.sources)} cited news sources" in markdown


def test_extractive_digest_is_labelled_and_leaves_out_what_needs_a_model() -> None:
    topic = _topic("zh-TW")
    digest = compose_extractive(
        topic, DAY, "zh-TW", digest_window(topic, DAY), [Story(a) for a in HOSTILE]
    )
    markdown = render_markdown(digest)
    assert "mode: extractive" in markdown
    assert "離線摘錄模式" in markdown
    assert "## 📰 新聞焦點" in markdown
    assert "深度分析" not in markdown.split("> ", 1)[1].split("\n", 1)[1]
    assert to_json(digest, markdown)["mode"] == "extractive"


def test_an_extractive_highlight_quotes_the_story_not_the_posts_preamble() -> None:
    topic = _topic()
    guest = _article(
        1,
        "Le Chat connectors, tried on our wiki",
        "Guest post by Ines Varga, who leads platform work at a freight firm in Ghent. "
        "Le Chat's new connectors indexed our 30,000-page wiki in three hours. "
        "Answers cited the right page in 9 of 10 tests we ran.",
    )
    signed = _article(
        2,
        "Mistral AI opens a Tokyo office",
        "By Kenji Mori, Staff Writer. "
        "By Friday, Mistral AI had hired its first 12 people in Tokyo. "
        "The office will grow to 40 people next year.",
    )
    digest = compose_extractive(
        topic, DAY, "en", digest_window(topic, DAY), [Story(guest), Story(signed)]
    )
    first, second = (h.text for h in digest.highlights)
    assert first.startswith("Le Chat's new connectors indexed")
    assert "Guest post" not in first
    assert second.startswith("By Friday, Mistral AI had hired")
    assert all("Guest post" not in p.text and "Kenji" not in p.text for p in digest.key_points)


@pytest.mark.parametrize("language", ["en", "zh-TW"])
def test_quiet_day_is_short_and_honest(language: str) -> None:
    topic = _topic(language)
    digest = quiet_digest(topic, DAY, language, digest_window(topic, DAY))
    markdown = render_markdown(digest)
    assert "[1]" not in markdown
    assert ("from 0 cited" in markdown) or ("引用 0 篇" in markdown)
    assert "Mistral AI" in markdown


def test_dangling_citation_fails_validation() -> None:
    digest = Digest(
        topic="t",
        topic_name="T",
        date=DAY,
        language="en",
        mode="model",
        trend=None,
        highlights=(Highlight("H", "text", (2,)),),
        analysis=(),
        key_points=(),
        thoughts=(),
        sources=(SourceRef(1, "S", "https://a.example/", datetime.now(UTC), None),),
        summary="",
    )
    with pytest.raises(RenderError, match=r"\[2\]"):
        validate_markdown("---\nx: 1\n---\n\n- H text [2]\n\n1. [S](https://a.example/)\n", digest)


def test_escape_inline_neutralises_block_syntax() -> None:
    assert escape_inline("# not a heading").startswith("\\#")
    assert escape_inline("1. not a list").startswith("1\\.")
    assert escape_inline("a*b_c") == "a\\*b\\_c"


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Mistral AI daily updates - 2026-11-21"),
        ("zh-TW", "Mistral AI 每日動態 - 2026-11-21"),
    ],
)
def test_title_tags_and_model_come_from_the_topic_and_the_writer(language: str, title: str) -> None:
    topic = _topic(language).model_copy(update={"keywords": ["Le Chat", "Tokyo"]})
    extractive = compose_extractive(
        topic, DAY, language, digest_window(topic, DAY), [Story(a) for a in HOSTILE]
    )
    front = front_matter(extractive, "mistral-small-latest")
    assert front["title"] == f'"{title}"'
    assert front["model"] == "extractive"  # no model wrote it, whatever is configured
    assert front["tags"] == '["Le Chat", "Tokyo", "Mistral AI", "Digest"]'
    written = replace(extractive, mode="model")
    assert front_matter(written, "mistral-small-latest")["model"] == "mistral-small-latest"
    assert "model: mistral-small-latest\n" in render_markdown(written, "mistral-small-latest")
