"""Dates that make sense: no digest of a window still open, and a bundled sample whose
last day is always the newest closed one."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from bot.collect import collect
from bot.config import BUNDLED_CORPUS, Config, load_config
from bot.delivery.timing import latest_day
from bot.fetch import Fetcher
from bot.sample_clock import shift_dates, shift_for, shifted_corpus
from bot.window import WindowNotClosed, latest_closed_day, require_closed
from storage import articles as article_store
from storage import open_database
from tests.conftest import SAMPLE_DATE

SAMPLE_DAY = date.fromisoformat(SAMPLE_DATE)


def test_a_day_is_ready_once_its_window_has_closed(sample_config: Config) -> None:
    topic = sample_config.topics[0]  # 08:00 Asia/Taipei = 00:00 UTC
    before = datetime(2026, 12, 2, 23, 59, tzinfo=UTC)  # 07:59 on 12-03 in Taipei
    assert latest_closed_day(topic, before) == date(2026, 12, 2)
    assert latest_closed_day(topic, before + timedelta(minutes=1)) == date(2026, 12, 3)
    assert latest_day is latest_closed_day  # the chat and the scheduler use the same rule
    assert require_closed(topic, date(2026, 12, 2), before) == date(2026, 12, 2)
    with pytest.raises(WindowNotClosed, match="closes at 2026-12-03 08:00 Asia/Taipei"):
        require_closed(topic, date(2026, 12, 3), before)


def test_cli_refuses_a_future_digest_and_stores_nothing(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "--date", "2030-01-01"]) == 2
    error = capsys.readouterr().err
    assert "no digest for 2030-01-01 yet" in error and "the latest day is" in error
    assert main(["collect", "--date", "2030-01-01"]) == 2
    assert "2030-01-01 is in the future" in capsys.readouterr().err
    assert main(["sources", "--date", "2030-01-01"]) == 2
    assert main(["ask", "What is new?", "--date", "2030-01-01"]) == 2
    db = open_database(config_file.parent / "digestbot.db")
    assert db["digests"].count == 0


def test_export_writes_quiet_past_days_but_never_a_future_one(
    collected_config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "--no-collect", "--date", SAMPLE_DATE]) == 0
    assert main(["digest", "--no-collect", "--date", "2026-10-01"]) == 0  # a quiet day
    db = open_database(collected_config_file.parent / "digestbot.db")
    # An older version stored digests of open windows: the export leaves them out.
    future = dict(next(db["digests"].rows_where("date = ?", ["2026-10-01"])))
    future.update(id=None, date="2999-01-01")
    db["digests"].insert(future)
    capsys.readouterr()
    assert main(["export", "jekyll", "--out", "site"]) == 0
    posts = sorted(p.name for p in (collected_config_file.parent / "site/_posts").iterdir())
    assert posts == ["2026-10-01-mistral.md", f"{SAMPLE_DATE}-mistral.md"]


def test_shifting_moves_the_recorded_dates_in_every_form() -> None:
    text = (
        "<pubDate>Fri, 20 Nov 2026 22:10:00 +0000</pubDate> 2026-11-20T09:15:00Z "
        "https://techwire.example/2026/11/20/story November 20, 2026 · 20 novembre 2026 "
        "· 18 Nov 2026 · launched 2023-12-11"
    )
    assert shift_dates(text, 11) == (
        "<pubDate>Tue, 01 Dec 2026 22:10:00 +0000</pubDate> 2026-12-01T09:15:00Z "
        "https://techwire.example/2026/12/01/story December 1, 2026 · 1 décembre 2026 "
        "· 29 Nov 2026 · launched 2023-12-11"
    )


def test_the_moved_sample_gets_the_same_verdicts_on_its_new_day(
    sample_config: Config, tmp_path: Path
) -> None:
    days = shift_for(datetime(2026, 12, 2, 4, 39, tzinfo=UTC))
    assert days == 11
    moved = shifted_corpus(BUNDLED_CORPUS, days, tmp_path / "corpus")
    assert moved.last_day == date(2026, 12, 2)
    topic = sample_config.topics[0]

    def verdicts(corpus: Path, day: date, db_path: Path) -> list[tuple[str, str]]:
        fetch = sample_config.fetch.model_copy(update={"replay_dir": str(corpus)})
        db = open_database(db_path)

        async def run() -> None:
            async with Fetcher(fetch) as fetcher:
                await collect(db, topic, day, fetcher)

        asyncio.run(run())
        return sorted(
            (re.sub(r"/\d{4}/\d\d/\d\d/", "/DAY/", r.url), str(r.reason))
            for r in article_store.rejections_on(db, topic.slug, day)
        )

    recorded = verdicts(BUNDLED_CORPUS, SAMPLE_DAY, tmp_path / "recorded.db")
    assert len(recorded) > 30
    assert verdicts(moved.corpus, moved.last_day, tmp_path / "moved.db") == recorded


def test_a_bare_digest_of_the_sample_tells_the_newest_day(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newest = latest_closed_day(load_config(config_file).topics[0]).isoformat()
    assert main(["digest", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert f"so its last day is {newest}" in captured.err
    digest = json.loads(captured.out)
    assert digest["date"] == newest
    assert len(digest["sources"]) >= 6  # the sample's full day, not a quiet one
    assert main(["sources", "--format", "json"]) == 0  # defaults to the same day
    assert len(json.loads(capsys.readouterr().out)["kept"]) >= 12
