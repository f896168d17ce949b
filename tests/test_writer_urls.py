"""No URL that is not one of the digest's sources reaches a digest, wherever the model puts
it: every section, the page summary (``ai_summary``), labels, headlines, and the tags."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from bot.config import MistralConfig, TopicConfig
from bot.digest import build_digest_async
from bot.grounding import quarantine
from bot.llm import MistralModel, RetryPolicy
from bot.writer.prompts import STAGE2_MARK
from tests.conftest import SAMPLE_DATE
from tests.fakes.mistral import FakeMistral
from tests.writer_support import Script

DAY = date.fromisoformat(SAMPLE_DATE)
FAST_RETRY = RetryPolicy(initial_ms=10, max_ms=50, exponent=2.0, max_elapsed_ms=600)
PLANTED = "https://evil.example/proof"


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    with FakeMistral() as server:
        yield server


def _planting(place: str) -> Any:
    """The careful Script, but with a foreign URL added to every value at ``place``
    ("summary", "trend.text", "highlights.headline", "stage1.summary", ...)."""
    script = Script("en")

    def respond(request: dict[str, Any]) -> str:
        reply = json.loads(script(request))
        stage = "stage2" if request["messages"][0]["content"].startswith(STAGE2_MARK) else "stage1"
        section, _, key = place.removeprefix(stage + ".").partition(".")
        if place.startswith("stage1.") != (stage == "stage1"):
            return json.dumps(reply)
        if stage == "stage1":
            section, key = "summaries", place.removeprefix("stage1.")
        target = reply[section]
        for item in target if isinstance(target, list) else [target]:
            if isinstance(item, dict):
                item[key] = f"{item[key]} See {PLANTED} for the proof"
        if not key:
            reply[section] = f"{target} Read more at {PLANTED}"
        return json.dumps(reply)

    return respond


@pytest.mark.parametrize(
    "place",
    [
        "summary",
        "trend.text",
        "highlights.headline",
        "highlights.text",
        "analysis.text",
        "analysis.label",
        "key_points.text",
        "thoughts.text",
        "thoughts.label",
        "stage1.summary",
        "stage1.headline",
    ],
)
async def test_a_foreign_url_never_reaches_the_digest(
    collected: tuple[Any, TopicConfig], fake: FakeMistral, place: str
) -> None:
    fake.reply_with(_planting(place))
    db, topic = collected
    async with MistralModel(
        MistralConfig(server_url=fake.url), fake.api_key, retry=FAST_RETRY, timeout_s=5
    ) as model:
        built = await build_digest_async(db, topic, DAY, "en", model=model)

    assert built.digest.mode == "model"
    planted = [r for r in fake.chat_requests() if PLANTED in json.dumps(r)]
    if place.startswith("stage1."):
        assert planted == []  # stage 2 never saw it either
    sources = [s.url for s in built.digest.sources]
    everything = built.markdown + json.dumps(built.payload, ensure_ascii=False)
    assert "evil.example" not in everything
    assert quarantine.foreign_urls(" ".join(built.digest.tags), sources) == []
    front_matter = built.markdown.split("\n---\n", 1)[0]
    assert "ai_summary:" in front_matter and "evil.example" not in front_matter
