"""The main job end to end over the bundled sample corpus, replayed with no network."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from app.cli import main
from bot.collect import collect
from bot.config import BUNDLED_CORPUS, Config
from bot.digest import build_digest_async
from bot.fetch import Fetcher
from bot.review import review_day
from storage import articles as article_store
from storage import open_database
from storage.db import count_rows
from tests.conftest import SAMPLE_DATE

DAY = date.fromisoformat(SAMPLE_DATE)
EXPECTED = {
    item["url"]: item
    for item in json.loads((BUNDLED_CORPUS / "expected.json").read_text(encoding="utf-8"))["items"]
}
JUNK = {"homonym", "spam", "off_topic", "stale"}


def _collect(config: Config) -> Any:
    db = open_database(config.storage.path)

    async def run() -> None:
        async with Fetcher(config.fetch) as fetcher:
            await collect(db, config.topics[0], DAY, fetcher)

    asyncio.run(run())
    return db


@pytest.fixture
def built(collected_config: Config) -> Any:
    """The sample day collected (once per session, copied here) and its digest built."""
    topic = collected_config.topics[0]
    db = open_database(collected_config.storage.path)
    return db, asyncio.run(build_digest_async(db, topic, DAY, topic.language))


def test_no_junk_item_is_ever_a_source(built: Any) -> None:
    _, digest = built
    assert digest.digest.sources, "the sample day has news"
    for source in digest.digest.sources:
        item = EXPECTED.get(source.url) or next(
            (i for i in EXPECTED.values() if source.url in i.get("note", "")), None
        )
        verdict = item["verdict"] if item else "keep"  # redirect targets are not feed items
        assert verdict not in JUNK, f"{source.url} is {verdict} but was cited"


def test_junk_is_rejected_with_its_reason_and_a_detail(built: Any) -> None:
    db, _ = built
    rejected = {r.url: r for r in article_store.rejections_on(db, "mistral", DAY)}
    for reason in ("homonym", "spam", "stale", "fetch_error", "extract_error", "duplicate"):
        labelled = [u for u, item in EXPECTED.items() if item["verdict"] == reason]
        caught = [u for u in labelled if u in rejected and rejected[u].reason == reason]
        assert caught, f"no {reason} item of the sample was rejected as {reason}"
    assert all(r.detail for r in rejected.values())
    # The broken source is recorded too, and did not stop the run.
    assert any("cloudbeat" in r.url and r.reason == "fetch_error" for r in rejected.values())


def test_every_citation_resolves_and_footer_counts_cited_sources(built: Any) -> None:
    _, digest = built
    markdown = digest.markdown
    numbers = {s.n for s in digest.digest.sources}
    body = markdown.split("\n---\n", 1)[1]
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body.split("## 🔗")[0])}
    assert cited == numbers
    assert numbers == set(range(1, len(numbers) + 1))
    assert f"引用 {len(numbers)} 篇新聞來源" in markdown
    listed = re.findall(r"^(\d+)\. \[", markdown, flags=re.MULTILINE)
    assert [int(n) for n in listed] == sorted(numbers)


def test_rendered_markdown_parses_cleanly(built: Any) -> None:
    _, digest = built
    front, body = digest.markdown[4:].split("\n---\n", 1)
    assert "title:" in front and "ai_summary:" in front
    tokens = MarkdownIt("commonmark").parse(body)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[:2] == ["📈 趨勢觀察", "📰 新聞焦點"]
    assert headings[-1] == "🔗 資料來源"
    for token in tokens:
        for child in token.children or []:
            if child.type == "text":
                assert "**" not in child.content, child.content


def test_rebuilding_the_same_digest_does_not_duplicate_rows(sample_config: Config) -> None:
    topic = sample_config.topics[0]
    db = _collect(sample_config)
    first = asyncio.run(build_digest_async(db, topic, DAY, topic.language))
    articles = count_rows(db, "articles")
    rejections = count_rows(db, "rejections")
    db = _collect(sample_config)
    second = asyncio.run(build_digest_async(db, topic, DAY, topic.language))
    db = open_database(sample_config.storage.path)
    assert count_rows(db, "digests") == 1
    assert count_rows(db, "articles") == articles
    assert count_rows(db, "rejections") == rejections
    assert count_rows(db, "digest_sources") == len(second.digest.sources)
    assert second.digest_id == first.digest_id
    assert second.markdown == first.markdown


def test_each_language_is_its_own_digest(collected_config: Config) -> None:
    topic = collected_config.topics[0]
    db = open_database(collected_config.storage.path)
    zh = asyncio.run(build_digest_async(db, topic, DAY, "zh-TW"))
    en = asyncio.run(build_digest_async(db, topic, DAY, "en"))
    assert count_rows(db, "digests") == 2
    assert "## 📰 News highlights" in en.markdown
    assert "cited news sources" in en.markdown
    assert "新聞焦點" in zh.markdown


def test_day_review_groups_copies_under_the_story_they_copy(collected_config: Config) -> None:
    db = open_database(collected_config.storage.path)
    review = review_day(db, collected_config.topics[0], DAY)
    launch = next(a for a in review.kept if "Mistral Large 4 with open weights" in a.title)
    copies = review.copies_of(launch)
    assert len(copies) == 2  # two outlets rewrote the launch story
    assert all(review.copy_clusters[url] == launch.cluster for url in copies)
    assert all(
        next(r for r in review.rejected if r.url == url).reason == "duplicate" for url in copies
    )
    assert review.rejected_by_reason()["homonym"] >= 5
    assert [a.cluster for a in review.by_story()] == sorted(a.cluster or 0 for a in review.kept)


def test_cli_digest_json_shape(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--date", SAMPLE_DATE, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {
        "topic",
        "date",
        "language",
        "mode",
        "title",
        "markdown",
        "highlights",
        "sources",
        "rejected",
    }
    assert payload["mode"] == "extractive"
    assert payload["date"] == SAMPLE_DATE
    numbers = {s["n"] for s in payload["sources"]}
    assert all(set(h["citations"]) <= numbers for h in payload["highlights"])
    assert set(payload["sources"][0]) == {"n", "title", "url", "published"}
    assert {r["reason"] for r in payload["rejected"]} >= {"homonym", "spam", "duplicate"}
    assert all(set(r) == {"url", "reason", "detail"} for r in payload["rejected"])


def test_cli_digest_writes_file_and_prints_path(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "--date", SAMPLE_DATE, "--out", "out/d.md"]) == 0
    captured = capsys.readouterr()
    path = Path(captured.out.strip())
    assert path.exists() and path.read_text(encoding="utf-8").startswith("---\n")
    assert "candidates from 5 sources" in captured.err
    assert "rejected" in captured.err


def test_cli_sources_json_shows_kept_clusters_and_rejections(
    collected_config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "--date", SAMPLE_DATE, "--rejected", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["kept"] and payload["rejected"]
    assert all(
        set(k) == {"url", "title", "published", "cluster", "kept_because"} for k in payload["kept"]
    )
    # Each kept page says what kept it, as each rejection says what rejected it.
    assert all(k["kept_because"] for k in payload["kept"])
    assert any("keyword in the title or lead" in k["kept_because"] for k in payload["kept"])
    reasons = {r["reason"] for r in payload["rejected"]}
    assert {"homonym", "spam", "duplicate", "stale"} <= reasons


def test_cli_sources_text_lists_rejections_with_reasons(
    collected_config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "--date", SAMPLE_DATE, "--rejected"]) == 0
    out = capsys.readouterr().out
    assert "homonym" in out and "spam" in out and "kept" in out


def test_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["digest", "--date", "21/11/2026"])
    assert caught.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_run_without_any_chat_token_says_what_to_set(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err and "DISCORD_BOT_TOKEN" in err
