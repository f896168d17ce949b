"""The digest writer end to end: the real mistralai SDK against the local fake API, over the
bundled sample corpus, in both languages, with every fault and its expected fallback."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from bot.config import MistralConfig, TopicConfig
from bot.digest import BuiltDigest, build_digest_async
from bot.llm import MistralModel, RetryPolicy
from bot.writer.language import cjk_share
from storage import digests as digest_store
from tests.conftest import SAMPLE_DATE
from tests.fakes.mistral import FakeMistral
from tests.writer_support import Script

DAY = date.fromisoformat(SAMPLE_DATE)
FAST_RETRY = RetryPolicy(initial_ms=10, max_ms=50, exponent=2.0, max_elapsed_ms=600)


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


async def _build(
    collected: tuple[Any, TopicConfig],
    fake: FakeMistral,
    language: str,
    key: str | None = None,
    timeout_s: float = 5,
) -> BuiltDigest:
    db, topic = collected
    async with _model(fake, key, timeout_s) as model:
        return await build_digest_async(db, topic, DAY, language, model=model)


def _body(markdown: str) -> str:
    return markdown[4:].split("\n---\n", 1)[1]


def _cited_in_text(markdown: str) -> set[int]:
    before_sources = re.split(r"\n## 🔗", _body(markdown))[0]
    return {int(n) for n in re.findall(r"\[(\d+)\]", before_sources)}


@pytest.mark.parametrize("language", ["en", "zh-TW"])
async def test_model_digest_cites_only_listed_sources_in_both_languages(
    collected: tuple[Any, TopicConfig], fake: FakeMistral, language: str
) -> None:
    fake.reply_with(Script(language))
    built = await _build(collected, fake, language)
    digest, markdown = built.digest, built.markdown

    assert digest.mode == "model" and built.payload["mode"] == "model"
    assert digest.fallback_sections == ()
    numbers = [s.n for s in digest.sources]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 3
    # 100% of citations resolve, and every listed source is cited somewhere.
    assert _cited_in_text(markdown) == set(numbers)
    footer = (
        f"from {len(numbers)} cited news sources" if language == "en" else f"引用 {len(numbers)} 篇"
    )
    assert footer in markdown
    assert all(h.citations for h in digest.highlights)
    assert all(p.citations for p in (*digest.analysis, *digest.key_points))
    # Sections the extractive mode cannot write are there, under the right language's titles.
    titles = ("Deep analysis", "Further thoughts") if language == "en" else ("深度分析", "延伸思考")
    assert f"## 🔍 {titles[0]}" in markdown and f"## 💡 {titles[1]}" in markdown
    prose = " ".join(h.text for h in digest.highlights)
    assert (cjk_share(prose) > 0.6) if language == "zh-TW" else (cjk_share(prose) == 0)
    assert "Extractive mode" not in markdown and "離線摘錄模式" not in markdown


async def test_two_stages_bound_the_prompt_and_usage_is_stored(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    fake.reply_with(Script("en"))
    built = await _build(collected, fake, "en")
    db, topic = collected
    requests = fake.chat_requests()
    assert len(requests) == 2  # one batch of cluster summaries, one composition
    stage1_user = requests[0]["messages"][1]["content"]
    articles = {s.url: s for s in built.digest.sources}
    assert articles
    # Stage 1 sees a bounded brief, never a full article.
    texts = db.execute("select text from articles where topic = ?", [topic.slug]).fetchall()
    longest = max(texts, key=lambda row: len(row[0]))[0]
    assert longest not in stage1_user
    stage2_user = requests[1]["messages"][1]["content"]
    assert len(stage2_user) < len(stage1_user)
    stored = digest_store.stored_digest(db, built.digest_id)
    assert stored is not None and stored.model == "mistral-small-latest"
    assert stored.prompt_tokens == built.usage.prompt_tokens > 0
    assert stored.completion_tokens == built.usage.completion_tokens > 0


async def test_rebuilding_reuses_the_stored_cluster_summaries(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    script = Script("en")

    def broken_stage2(request: dict[str, Any]) -> str:
        reply = script(request)
        return "{not json" if '"trend"' in reply else reply

    # The first attempt dies in stage 2; the stage-1 summaries it paid for are kept.
    fake.reply_with(broken_stage2)
    first = await _build(collected, fake, "en")
    assert first.digest.mode == "extractive" and first.digest.mode_reason == "bad_response"
    assert len(fake.chat_requests()) == 2
    fake.requests.clear()
    fake.reply_with(Script("en"))
    second = await _build(collected, fake, "en")
    requests = fake.chat_requests()
    assert len(requests) == 1  # stage 2 only
    assert requests[0]["messages"][0]["content"].startswith("TASK: compose")
    assert second.digest.mode == "model"
    assert _cited_in_text(second.markdown) == {s.n for s in second.digest.sources}
    db, _ = collected
    stored = digest_store.stored_digest(db, second.digest_id)
    assert stored is not None and stored.prompt_tokens == second.usage.prompt_tokens
    assert second.usage.prompt_tokens < first.usage.prompt_tokens


async def test_hallucinated_citations_are_dropped(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    fake.reply_with(Script("en", hallucinate=True))
    built = await _build(collected, fake, "en")
    markdown = built.markdown
    numbers = {s.n for s in built.digest.sources}
    assert _cited_in_text(markdown) == numbers
    assert max(numbers) <= len(numbers)
    # The claim its source does not support is gone with its citation.
    assert "Zorblax" not in markdown
    assert all(set(h["citations"]) <= numbers for h in built.payload["highlights"])
    assert built.digest.mode == "model"


async def test_refs_written_inside_the_prose_are_checked_like_the_others(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    fake.reply_with(Script("en", inline_refs=True))
    built = await _build(collected, fake, "en")
    assert built.digest.mode == "model" and built.digest.fallback_sections == ()
    assert "[77]" not in built.markdown
    assert _cited_in_text(built.markdown) == {s.n for s in built.digest.sources}
    # Each ref is printed once, by the renderer, after the text.
    assert all(re.search(r"\[\d+\]", h.text + h.headline) is None for h in built.digest.highlights)
    assert all(h.citations for h in built.digest.highlights)


async def test_section_without_a_valid_citation_falls_back_labelled(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    fake.reply_with(Script("en", uncited_highlights=True))
    built = await _build(collected, fake, "en")
    assert built.digest.mode == "model"
    assert built.digest.fallback_sections == ("highlights",)
    highlights = _body(built.markdown).split("## 📰 News highlights", 1)[1].split("\n## ", 1)[0]
    assert "Quoted from the sources" in highlights
    assert _cited_in_text(built.markdown) == {s.n for s in built.digest.sources}


async def test_wrong_language_is_retried_once_with_a_stricter_instruction(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    fake.reply_with(Script("zh-TW", wrong_language_times=1))
    built = await _build(collected, fake, "zh-TW")
    stage2 = fake.chat_requests()[1:]
    assert len(stage2) == 2
    assert "繁體中文" in stage2[1]["messages"][0]["content"]
    assert "重要" not in stage2[0]["messages"][0]["content"]
    assert built.digest.mode == "model"
    assert cjk_share(" ".join(h.text for h in built.digest.highlights)) > 0.6


async def test_wrong_language_twice_falls_back_to_extractive(
    collected: tuple[Any, TopicConfig], fake: FakeMistral, caplog: pytest.LogCaptureFixture
) -> None:
    fake.reply_with(Script("zh-TW", wrong_language_times=2))
    with caplog.at_level(logging.WARNING):
        built = await _build(collected, fake, "zh-TW")
    assert built.digest.mode == "extractive" and built.payload["mode"] == "extractive"
    assert "輸出語言不正確" in built.markdown
    assert len(fake.chat_requests()) == 3
    assert [r.levelno for r in caplog.records].count(logging.WARNING) == 1


FAULTS = {
    "auth": "API 金鑰遭拒",
    "rate_limited": "API 持續限制請求頻率",
    "server": "API 持續發生錯誤",
    "timeout": "API 逾時未回應",
    "bad_response": "回覆不是有效的摘要 JSON",
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_each_model_fault_gives_a_labelled_extractive_digest(
    collected: tuple[Any, TopicConfig],
    fake: FakeMistral,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    fake.reply_with(Script("zh-TW"))
    key, timeout_s = None, 5.0
    if fault == "auth":
        key = "sk-wrong-secret-key"
    elif fault == "rate_limited":
        fake.fail_next(429, retry_after=0.1, times=50)
    elif fault == "server":
        fake.fail_next(503, times=50)
    elif fault == "timeout":
        fake.fail_next(200, delay_s=2, times=50)
        timeout_s = 0.3
    else:
        fake.reply_with("Sure! Here is your digest: **Mistral** did things")
    with caplog.at_level(logging.WARNING):
        built = await _build(collected, fake, "zh-TW", key=key, timeout_s=timeout_s)

    assert built.digest.mode == "extractive" and built.payload["mode"] == "extractive"
    # A read timeout can surface as a dropped connection once the SDK gives up retrying.
    assert built.digest.mode_reason in (
        {"timeout", "connection"} if fault == "timeout" else {fault}
    )
    label = FAULTS[fault] if built.digest.mode_reason == fault else "無法連線至 API"
    assert label in built.markdown
    assert "離線摘錄模式" in built.markdown
    # Still a full, honest digest: cited highlights and a sources list.
    assert built.digest.highlights and _cited_in_text(built.markdown) == {
        s.n for s in built.digest.sources
    }
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "sk-wrong-secret-key" not in caplog.text and fake.api_key not in caplog.text
    assert "sk-wrong-secret-key" not in built.markdown


async def test_timeout_is_reported_as_a_timeout(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    fake.fail_next(200, delay_s=2, times=50)
    built = await _build(collected, fake, "en", timeout_s=0.3)
    assert built.digest.mode_reason in {"timeout", "connection"}
    assert "Extractive mode: the language model could not write" in built.markdown


async def test_no_key_means_extractive_and_no_request(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = collected
    built = await build_digest_async(db, topic, DAY, "en", model=None)
    assert built.digest.mode == "extractive" and built.digest.mode_reason == "no_key"
    assert built.digest.highlights
    assert "set `MISTRAL_API_KEY`" in built.markdown
    assert fake.chat_requests() == []


async def test_quiet_day_is_short_and_costs_no_tokens(
    collected: tuple[Any, TopicConfig], fake: FakeMistral
) -> None:
    db, topic = collected
    fake.reply_with(Script("en"))
    async with _model(fake) as model:
        built = await build_digest_async(db, topic, date(2026, 12, 25), "en", model=model)
    assert built.digest.quiet and built.digest.sources == ()
    assert "No new stories about Mistral AI" in built.markdown
    assert fake.chat_requests() == []
    assert len(built.markdown.splitlines()) < 25


def test_cli_digest_uses_the_model_when_a_key_is_set(
    config_file: Path,
    fake: FakeMistral,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(
        text.replace('server_url = ""', f'server_url = "{fake.url}"', 1), encoding="utf-8"
    )
    monkeypatch.setenv("MISTRAL_API_KEY", fake.api_key)
    fake.reply_with(Script("zh-TW"))
    assert main(["digest", "--date", SAMPLE_DATE, "--format", "json"]) == 0
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert payload["mode"] == "model"
    numbers = {s["n"] for s in payload["sources"]}
    assert all(h["citations"] and set(h["citations"]) <= numbers for h in payload["highlights"])
    assert "mode: model (mistral-small-latest;" in captured.err
    assert fake.api_key not in captured.err + captured.out


def test_cli_says_why_a_digest_is_extractive(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "--date", SAMPLE_DATE]) == 0
    assert "mode: extractive (no MISTRAL_API_KEY)" in capsys.readouterr().err
