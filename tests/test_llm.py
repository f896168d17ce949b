"""The real mistralai SDK against the local fake API: success, faults, retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from bot.config import MistralConfig, Secrets
from bot.errors import ModelError
from bot.llm import MistralModel, RetryPolicy, make_model, model_budget, parse_reply
from tests.fakes.mistral import EMBED_DIMENSIONS, FakeMistral

FAST_RETRY = RetryPolicy(initial_ms=10, max_ms=50, exponent=2.0, max_elapsed_ms=1500)


class Answer(BaseModel):
    answer: str


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    with FakeMistral() as server:
        yield server


def _model(fake: FakeMistral, key: str | None = None, timeout_s: float = 5) -> MistralModel:
    return MistralModel(
        MistralConfig(server_url=fake.url),
        key or fake.api_key,
        retry=FAST_RETRY,
        timeout_s=timeout_s,
    )


async def test_json_chat_reply_and_token_usage(fake: FakeMistral) -> None:
    fake.reply_with('{"answer": "Mistral Large 4"}')
    async with _model(fake) as model:
        reply = await model.chat_json("system prompt", "what was released?")
    assert parse_reply(reply, Answer).answer == "Mistral Large 4"
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0
    request = fake.chat_requests()[0]
    assert request["response_format"] == {"type": "json_object"}
    assert request["messages"][0] == {"role": "system", "content": "system prompt"}


async def test_structured_output_asks_with_the_strict_schema_and_gets_an_instance(
    fake: FakeMistral,
) -> None:
    async with _model(fake) as model:
        reply = await model.chat_json("s", "u", schema=Answer)
    assert parse_reply(reply, Answer).answer == ""  # the fake's simplest instance
    asked = fake.chat_requests()[0]["response_format"]
    assert asked["type"] == "json_schema"
    spec = asked["json_schema"]
    assert spec["name"] == "Answer" and spec["strict"] is True
    assert spec["schema"]["required"] == ["answer"]
    assert spec["schema"]["additionalProperties"] is False
    assert fake.schema_violations == []


async def test_a_reply_off_the_strict_schema_is_recorded_by_the_fake(fake: FakeMistral) -> None:
    fake.reply_with('{"answer": 3, "extra": true}')
    async with _model(fake) as model:
        await model.chat_json("s", "u", schema=Answer)
    assert sorted(fake.schema_violations) == [
        "Answer/answer: not string",
        "Answer/extra: not in the schema",
    ]


async def test_wrong_key_is_an_auth_error_without_the_key(fake: FakeMistral) -> None:
    async with _model(fake, key="sk-wrong-secret") as model:
        with pytest.raises(ModelError) as caught:
            await model.chat_json("s", "u")
    assert caught.value.kind == "auth"
    assert "sk-wrong-secret" not in str(caught.value)


async def test_rate_limit_is_retried_after_retry_after(fake: FakeMistral) -> None:
    fake.reply_with('{"answer": "ok"}')
    fake.fail_next(429, retry_after=0.2, times=2)
    async with _model(fake) as model:
        reply = await model.chat_json("s", "u")
    assert parse_reply(reply, Answer).answer == "ok"
    assert len(fake.chat_requests()) == 3


async def test_a_rate_limit_longer_than_the_budget_fails_at_once(fake: FakeMistral) -> None:
    fake.fail_next(429, retry_after=3600)
    model = MistralModel(
        MistralConfig(server_url=fake.url, answer_budget_s=5),
        fake.api_key,
        retry=RetryPolicy(max_elapsed_ms=7_200_000),  # the call alone would wait the hour
    )
    async with model:
        with model_budget(model, "answer"), pytest.raises(ModelError) as caught:
            await model.chat_json("s", "u")
    assert caught.value.kind == "rate_limited"
    assert len(fake.chat_requests()) == 1


async def test_after_a_call_failed_for_good_the_run_tries_no_other(fake: FakeMistral) -> None:
    fake.fail_next(503, times=100)
    async with _model(fake) as model:
        with model_budget(model, "answer"):
            with pytest.raises(ModelError):
                await model.chat_json("s", "u")
            tried = len(fake.requests)
            with pytest.raises(ModelError) as caught:
                await model.embed(["question"])
        assert caught.value.kind == "server"
        assert len(fake.requests) == tried
        # A new run: the breaker is closed again.
        with model_budget(model, "answer"), pytest.raises(ModelError):
            await model.embed(["question"])
        assert len(fake.requests) > tried


async def test_persistent_server_error_gives_up(fake: FakeMistral) -> None:
    fake.fail_next(503, times=100)
    async with _model(fake) as model:
        with pytest.raises(ModelError) as caught:
            await model.chat_json("s", "u")
    assert caught.value.kind == "server"
    assert 1 < len(fake.chat_requests()) < 100


async def test_slow_reply_times_out(fake: FakeMistral) -> None:
    fake.fail_next(200, delay_s=3, times=10)
    model = MistralModel(
        MistralConfig(server_url=fake.url),
        fake.api_key,
        retry=RetryPolicy(initial_ms=10, max_ms=10, exponent=1, max_elapsed_ms=100),
        timeout_s=0.5,
    )
    async with model:
        with pytest.raises(ModelError) as caught:
            await model.chat_json("s", "u")
    assert caught.value.kind in {"timeout", "connection"}


async def test_invalid_json_content_is_a_bad_response(fake: FakeMistral) -> None:
    fake.reply_with("Sure! Here is the digest: **bold**")
    async with _model(fake) as model:
        reply = await model.chat_json("s", "u")
    with pytest.raises(ModelError) as caught:
        parse_reply(reply, Answer)
    assert caught.value.kind == "bad_response"


async def test_embeddings(fake: FakeMistral) -> None:
    async with _model(fake) as model:
        vectors = await model.embed(["Mistral Large 4 release", "the mistral wind"])
    assert len(vectors) == 2 and len(vectors[0]) == EMBED_DIMENSIONS


def test_no_key_means_no_model() -> None:
    assert make_model(MistralConfig(), Secrets(None, None, None)) is None
