"""Memory of the last 7 days: a story told before is not news again unless something
changed, and "this week" needs a week of history."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, MistralConfig, TopicConfig
from bot.digest import build_digest_async
from bot.llm import MistralModel
from bot.models import Article, Digest
from bot.writer.memory import Memory, PastCoverage, honest_week
from storage import articles as article_store
from storage import digests as digest_store
from storage import open_database
from tests.conftest import SAMPLE_DATE
from tests.fakes.mistral import FakeMistral
from tests.writer_support import Script, sample_database

DAY = date.fromisoformat(SAMPLE_DATE)
NEXT = DAY + timedelta(days=1)
LARGE4 = (
    "The Paris company’s new flagship is a 412-billion-parameter mixture-of-experts model "
    "released under Apache 2.0, priced at $1.60 per million input tokens on La Plateforme."
)


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    with FakeMistral() as server:
        yield server


def _article(n: int, title: str, text: str) -> Article:
    return Article(
        url=f"https://later{n}.example/story",
        canonical_url=f"https://later{n}.example/story",
        title=title,
        text=text,
        published=datetime(2026, 11, 21, 10, n, tzinfo=UTC),
        fetched=datetime(2026, 11, 21, 12, tzinfo=UTC),
        language="en",
        content_hash=f"later-{n}",
        source_url="https://feed.example/rss",
        relevance=50.0,
    )


def _empty_digest(topic: TopicConfig, day: date) -> Digest:
    return Digest(
        topic=topic.slug,
        topic_name=topic.name,
        date=day,
        language="en",
        mode="extractive",
        trend=None,
        highlights=(),
        analysis=(),
        key_points=(),
        thoughts=(),
        sources=(),
        summary="",
    )


@pytest.fixture
def two_days(
    sample_config: Config, collected_sample: Path, tmp_path: Path
) -> tuple[Any, TopicConfig]:
    """The sample day's digest stored, then three articles for the next day: a retelling of
    the Large 4 launch with nothing new, a follow-up with new figures, and a new story."""
    topic = sample_config.topics[0]
    db = sample_database(collected_sample, tmp_path / "m.db")
    asyncio.run(build_digest_async(db, topic, DAY, "en"))
    for n, title, text in (
        (1, "Mistral Large 4 arrives with open weights and 256k context", LARGE4),
        (
            2,
            "Mistral Large 4 downloads pass 2 million in its first day",
            "Hugging Face counted 2 million downloads of the Mistral Large 4 weights in 24 hours, "
            "a record for an open model. Nvidia said it would ship an optimised NIM container.",
        ),
        (
            3,
            "Mistral AI and Volvo build an in-car assistant",
            "Volvo will put a Mistral AI assistant in its EX90 from spring 2027, the carmaker "
            "said. "
            "The assistant runs on Ministral 8B inside the car, with no cloud connection needed.",
        ),
    ):
        article_store.insert_article(db, topic.slug, _article(n, title, text))
    return db, topic


async def test_repeat_is_left_out_and_update_says_what_changed(
    two_days: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = two_days
    fake.reply_with(Script("en"))
    async with MistralModel(MistralConfig(server_url=fake.url), fake.api_key) as model:
        built = await build_digest_async(db, topic, NEXT, "en", model=model)
    urls = {s.url for s in built.digest.sources}
    assert "https://later1.example/story" not in urls  # nothing new: not told again
    assert {"https://later2.example/story", "https://later3.example/story"} <= urls
    compose_prompt = fake.chat_requests()[-1]["messages"][1]["content"]
    assert f"UPDATE of a story covered on {DAY.isoformat()}" in compose_prompt
    assert "2 million" in compose_prompt.split("UPDATE", 1)[1]
    headlines = {h.headline: h for h in built.digest.highlights}
    update = headlines["Update: Mistral Large 4 downloads pass 2 million in its first day"]
    assert "2 million" in update.text  # what changed, as the model stated it
    assert "Mistral AI and Volvo build an in-car assistant" in headlines


async def test_update_without_what_changed_is_not_presented_as_new(
    two_days: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = two_days
    fake.reply_with(Script("en", explain_updates=False))
    async with MistralModel(MistralConfig(server_url=fake.url), fake.api_key) as model:
        built = await build_digest_async(db, topic, NEXT, "en", model=model)
    headlines = [h.headline for h in built.digest.highlights]
    assert not any("downloads pass 2 million" in h for h in headlines)
    assert "Mistral AI and Volvo build an in-car assistant" in headlines


async def test_extractive_mode_also_skips_a_repeat(two_days: tuple[Any, TopicConfig]) -> None:
    db, topic = two_days
    built = await build_digest_async(db, topic, NEXT, "en")
    urls = {s.url for s in built.digest.sources}
    assert "https://later1.example/story" not in urls
    assert "https://later3.example/story" in urls
    update = next(h for h in built.digest.highlights if "downloads pass" in h.headline)
    assert update.headline.startswith("Update: ")
    assert "Hugging Face counted 2 million downloads" in update.text  # what is new, quoted


async def test_this_week_only_with_a_week_of_history(
    two_days: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = two_days
    fake.reply_with(
        Script(
            "en", trend="This week Mistral Large 4 passed 2 million downloads and Volvo signed up."
        )
    )
    async with MistralModel(MistralConfig(server_url=fake.url), fake.api_key) as model:
        one_day = await build_digest_async(db, topic, NEXT, "en", model=model)
        assert one_day.digest.trend is not None
        assert one_day.digest.trend.text.startswith("Recently Mistral Large 4 passed")
        assert "trend" not in one_day.digest.fallback_sections
        assert 'do not write "this week"' in fake.chat_requests()[-1]["messages"][0]["content"]
        for back in range(2, 7):  # digests on each of the six days before NEXT
            digest_store.save_digest(
                db,
                _empty_digest(topic, NEXT - timedelta(days=back)),
                title="t",
                markdown="---\n---\n",
                public_json={"highlights": []},
            )
        week = await build_digest_async(db, topic, NEXT, "en", model=model)
    assert week.digest.trend is not None
    assert week.digest.trend.text.startswith("This week")
    assert "you may speak of this week" in fake.chat_requests()[-1]["messages"][0]["content"]


def test_memory_reads_the_seven_days_before(two_days: tuple[Any, TopicConfig]) -> None:
    db, topic = two_days
    memory = digest_store.memory_before(db, topic.slug, NEXT, "en")
    assert memory.digest_days == 1 and not memory.has_week
    assert any("Mistral Large 4" in p.title for p in memory.past)
    assert all(d == DAY for d, _ in memory.earlier_headlines)
    later = digest_store.memory_before(db, topic.slug, DAY + timedelta(days=9), "en")
    assert later.past == () and later.digest_days == 0


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "This week, Mistral shipped.", "Recently, Mistral shipped."),
        ("zh-TW", "本週 Mistral 發布新模型。", "近日 Mistral 發布新模型。"),
    ],
)
def test_week_wording_is_replaced_without_history(language: str, text: str, expected: str) -> None:
    assert honest_week(text, language, Memory()) == expected
    week = Memory(past=(PastCoverage(DAY, "t", "x"),), digest_days=6)
    assert honest_week(text, language, week) == text


async def test_a_day_with_one_story_is_short_and_says_so(
    sample_config: Config, fake: FakeMistral
) -> None:
    topic = sample_config.topics[0]
    db = open_database(sample_config.storage.path)
    article_store.insert_article(
        db,
        topic.slug,
        _article(
            3,
            "Mistral AI and Volvo build an in-car assistant",
            "Volvo will put a Mistral AI assistant in its EX90 from spring 2027, the carmaker "
            "said. The assistant runs on Ministral 8B inside the car, with no cloud needed.",
        ),
    )
    fake.reply_with(Script("en"))
    async with MistralModel(MistralConfig(server_url=fake.url), fake.api_key) as model:
        built = await build_digest_async(db, topic, NEXT, "en", model=model)
    system = fake.chat_requests()[-1]["messages"][0]["content"]
    assert "quiet day with only 1 story" in system
    assert len(built.digest.highlights) == 1 and len(built.digest.sources) == 1


async def test_a_stored_digest_comes_back_as_the_one_built_in_either_mode(
    two_days: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = two_days
    extractive = await build_digest_async(db, topic, NEXT, "zh-TW")
    fake.reply_with(Script("en"))
    async with MistralModel(MistralConfig(server_url=fake.url), fake.api_key) as model:
        written = await build_digest_async(db, topic, NEXT, "en", model=model)
    assert written.digest.mode == "model" and extractive.digest.mode == "extractive"
    for built in (extractive, written):
        stored = digest_store.stored_digest(db, built.digest_id)
        assert stored is not None
        assert stored.digest == built.digest and stored.markdown == built.markdown
        assert stored.model == built.model
