"""An adversarial model behind the real SDK: it answers in the schema asked with a mix of
faithful and subtly wrong claims built from the sources in its prompt (a changed figure, an
entity of another story, an invented partner, a foreign URL). Nothing wrong may reach the
digest or an answer; most of what is faithful must."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from bot.config import MistralConfig, TopicConfig
from bot.digest import build_digest_async
from bot.grounding import quarantine
from bot.llm import MistralModel, RetryPolicy
from bot.qa.service import answer_question
from tests.conftest import SAMPLE_DATE
from tests.fakes.mistral import FOREIGN_URL, INVENTED_PARTNER, Adversary, FakeMistral

DAY = date.fromisoformat(SAMPLE_DATE)
FAST_RETRY = RetryPolicy(initial_ms=10, max_ms=50, exponent=2.0, max_elapsed_ms=600)


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    with FakeMistral() as server:
        yield server


def _model(fake: FakeMistral) -> MistralModel:
    return MistralModel(
        MistralConfig(server_url=fake.url), fake.api_key, retry=FAST_RETRY, timeout_s=5
    )


def _flat(text: str) -> str:
    return " ".join(text.split())


def _wrong_in(adversary: Adversary, text: str) -> list[str]:
    """The adversary's wrong claims (or their planted pieces) that reached ``text``."""
    flat = _flat(text)
    leaked = [c.text for c in adversary.wrong if _flat(c.text).rstrip(".") in flat]
    leaked += [p for p in (INVENTED_PARTNER, FOREIGN_URL, "evil.example") if p in flat]
    return leaked


async def test_digest_keeps_the_faithful_claims_and_none_of_the_wrong(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    adversary = Adversary()
    fake.reply_with(adversary)
    db, topic = collected
    async with _model(fake) as model:
        built = await build_digest_async(db, topic, DAY, "en", model=model)

    assert built.digest.mode == "model"
    assert fake.schema_violations == []
    assert {c.kind for c in adversary.wrong} == {"figure", "entity", "partner", "url"}
    # Everything a reader sees: the page, its front matter (ai_summary, tags) and the JSON.
    shown = built.markdown + " " + str(built.payload)
    assert _wrong_in(adversary, shown) == []
    faithful = adversary.faithful
    kept = [c for c in faithful if _flat(c).rstrip(".") in _flat(built.markdown)]
    assert len(kept) >= 0.6 * len(faithful), (len(kept), len(faithful))


async def test_stage_two_never_sees_a_wrong_stage_one_summary(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    adversary = Adversary()
    fake.reply_with(adversary)
    db, topic = collected
    async with _model(fake) as model:
        await build_digest_async(db, topic, DAY, "en", model=model)
    stage1, stage2 = fake.chat_requests()[:2]
    assert stage1["response_format"]["json_schema"]["name"] == "Summaries"
    assert stage2["response_format"]["json_schema"]["name"] == "Composition"
    stage1_wrong = [c for c in adversary.calls[0] if not c.faithful]
    assert stage1_wrong
    prompt = _flat(stage2["messages"][1]["content"])
    assert [c.text for c in stage1_wrong if _flat(c.text).rstrip(".") in prompt] == []
    assert INVENTED_PARTNER not in prompt and "evil.example" not in prompt


QUESTIONS = (
    "How much does Mistral Large 4 cost?",
    "Why was Le Chat down?",
    "Where did Mistral AI open its first office in Asia?",
    "What changed in Devstral 2.1?",
)


def test_answers_keep_the_faithful_sentences_and_none_of_the_wrong(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    adversary = Adversary()
    fake.reply_with(adversary)
    db, topic = collected

    async def run(question: str) -> Any:
        async with _model(fake) as model:
            return await answer_question(db, topic, question, day=DAY, model=model)

    answers = [asyncio.run(run(q)) for q in QUESTIONS]
    assert fake.schema_violations == []
    asked = {r["response_format"]["json_schema"]["name"] for r in fake.chat_requests()}
    assert asked == {"ModelAnswer"}
    for answer in answers:
        shown = answer.to_text()
        assert _wrong_in(adversary, shown) == [], answer.question
        assert quarantine.foreign_urls(answer.answer, [c.url for c in answer.citations]) == []
    from_model = [a for a in answers if a.mode == "model"]
    assert len(from_model) >= 3 and all(a.grounded for a in from_model)
    # Each model answer holds at least one of the faithful sentences it was offered.
    for answer, claims in zip(answers, adversary.calls, strict=True):
        offered = [c.text for c in claims if c.faithful]
        if answer.mode == "model":
            assert any(_flat(c).rstrip(".") in _flat(answer.answer) for c in offered)
