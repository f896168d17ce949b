"""A Mistral API that asks for an hour's pause, or is down altogether, cannot hold a digest:
all its model calls share one deadline, a 429 asking for longer than that fails at once,
and after one call has failed for good no other call is tried (the next digest tries again)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, MistralConfig, TopicConfig
from bot.digest import build_digest_async
from bot.llm import MistralModel, RetryPolicy
from tests.conftest import SAMPLE_DATE
from tests.fakes.mistral import FakeMistral
from tests.writer_support import Script, sample_database

DAY = date.fromisoformat(SAMPLE_DATE)
# The defaults (30 s per call, 120 s per digest) but faster backoff, so an outage is cheap.
RETRY = RetryPolicy(initial_ms=10, max_ms=50, exponent=2.0, max_elapsed_ms=1_000)
HANG_BOUND_S = 30


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    with FakeMistral() as server:
        yield server


@pytest.fixture
def collected(sample_config: Config, tmp_path: Path) -> tuple[Any, TopicConfig]:
    db = sample_database(tmp_path / "template.db", tmp_path / "digest.db")
    return db, sample_config.topics[0]


def _model(fake: FakeMistral, budget_s: float = 120, retry: RetryPolicy = RETRY) -> MistralModel:
    config = MistralConfig(server_url=fake.url, digest_budget_s=budget_s)
    return MistralModel(config, fake.api_key, retry=retry)


async def test_a_429_asking_for_an_hour_gives_the_extractive_digest_at_once(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = collected
    fake.reply_with(Script("en"))
    fake.fail_next(429, retry_after=3600)
    started = time.monotonic()
    async with _model(fake) as model:
        built = await build_digest_async(db, topic, DAY, "en", model=model)
    assert time.monotonic() - started < HANG_BOUND_S
    assert built.digest.mode == "extractive" and built.digest.mode_reason == "rate_limited"
    assert "Extractive mode" in built.markdown
    assert len(fake.chat_requests()) == 1  # no sleep, no retry: an hour is past the budget


async def test_a_total_outage_costs_one_calls_retries_then_no_more_calls(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = collected
    fake.fail_next(500, times=1_000)
    started = time.monotonic()
    async with _model(fake) as model:
        built = await build_digest_async(db, topic, DAY, "en", model=model)
    assert time.monotonic() - started < HANG_BOUND_S
    assert built.digest.mode == "extractive" and built.digest.mode_reason == "server"
    asked = fake.chat_requests()
    assert len(asked) > 1  # the first call was retried ...
    assert len({json.dumps(r["messages"]) for r in asked}) == 1  # ... and was the only one


async def test_the_next_digest_tries_the_model_again(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = collected
    fake.reply_with(Script("en"))
    fake.fail_next(429, retry_after=3600)
    async with _model(fake) as model:
        first = await build_digest_async(db, topic, DAY, "en", model=model)
        second = await build_digest_async(db, topic, DAY, "en", model=model)
    assert first.digest.mode == "extractive"
    assert second.digest.mode == "model"


async def test_the_digest_budget_bounds_waits_the_call_itself_would_allow(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = collected
    fake.reply_with(Script("en"))
    fake.fail_next(429, retry_after=2, times=100)
    started = time.monotonic()
    patient = RetryPolicy(max_elapsed_ms=60_000)  # one call alone would wait 2 s many times
    async with _model(fake, budget_s=3, retry=patient) as model:
        built = await build_digest_async(db, topic, DAY, "en", model=model)
    assert time.monotonic() - started < HANG_BOUND_S
    assert built.digest.mode_reason == "rate_limited"
    assert len(fake.chat_requests()) == 2  # one wait of 2 s fits in 3 s, a second does not
