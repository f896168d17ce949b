"""Source health across runs: conditional GET, failures counted, pausing, resuming."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from bot.collect import collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.errors import UsageError
from bot.fetch import Fetcher
from bot.opml import parse_opml
from storage import open_database
from storage import sources as source_store
from tests.fakes.news import MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, Recorder, conditional, reply, serve

FETCH = FetchConfig(
    allow_private_networks=True,
    timeout_s=5,
    retries=0,
    replay_dir="",
    pause_after_failures=2,
    paused_retry_hours=6,
)


def _topic(url: str) -> TopicConfig:
    return TopicConfig(
        slug="t",
        name="Mistral AI",
        keywords=["Mistral AI"],
        sources=[SourceConfig(kind="rss", url=url)],
    )


async def _run(db, topic: TopicConfig):  # type: ignore[no-untyped-def]
    async with Fetcher(FETCH) as fetcher:
        return await collect(db, topic, date.today(), fetcher)


async def test_unchanged_feed_is_a_304_success_with_no_new_candidates(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    fresh = hours_ago(1)
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        feed = Recorder(
            conditional(rss([("Mistral AI ships a model", root + "/s", fresh)]), '"abc"')
        )
        routes["/feed"] = feed
        routes["/s"] = reply(200, article("Mistral AI ships a model", MISTRAL_STORY, fresh))
        first = await _run(db, _topic(root + "/feed"))
        second = await _run(db, _topic(root + "/feed"))
    assert first.kept == 1 and first.not_modified == 0
    assert second.not_modified == 1 and second.candidates == 0 and not second.failed_sources
    assert feed.requests[1]["if-none-match"] == '"abc"'
    (source,) = source_store.source_health(db, "t")
    assert source.consecutive_failures == 0 and source.last_success


async def test_failing_source_is_paused_then_retried_later(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    broken = Recorder(reply(500))
    with serve({"/feed": broken}) as root:
        topic = _topic(root + "/feed")
        await _run(db, topic)
        (source,) = source_store.source_health(db, "t")
        assert source.consecutive_failures == 1 and "HTTP 500" in source.last_error
        assert source.paused_until is None
        await _run(db, topic)
        (source,) = source_store.source_health(db, "t")
        assert source.paused_until, "paused after pause_after_failures runs"
        assert "2 failed runs in a row" in source.paused_reason
        third = await _run(db, topic)
        assert len(broken.requests) == 2, "a paused source is not fetched"
        assert third.paused_sources and "HTTP 500" in third.paused_sources[0][1]

        # When the pause ends it is tried again, and one success resumes it.
        past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        db.execute("update sources set paused_until = ?", [past])
        db.conn.commit()
        routes_feed = reply(200, rss([]), "application/rss+xml")
        broken.handler = routes_feed
        fourth = await _run(db, topic)
    assert len(broken.requests) == 3 and not fourth.failed_sources
    (source,) = source_store.source_health(db, "t")
    assert source.paused_until is None and source.consecutive_failures == 0


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="AI">
    <outline text="TechWire" type="rss" xmlUrl="https://techwire.example/ai.rss"/>
    <outline text="Dev blog" title="Dev blog" type="atom" xmlUrl="https://dev.example/feed.atom"/>
    <outline text="Broken" xmlUrl="file:///etc/passwd"/>
  </outline>
  <outline text="TechWire again" xmlUrl="https://techwire.example/ai.rss"/>
</body></opml>"""


def test_opml_nested_outlines_become_feeds_and_bad_ones_are_reported() -> None:
    result = parse_opml(OPML)
    assert [(f.kind, f.url, f.name) for f in result.feeds] == [
        ("rss", "https://techwire.example/ai.rss", "TechWire"),
        ("atom", "https://dev.example/feed.atom", "Dev blog"),
    ]
    assert any("file:///etc/passwd" in s for s in result.skipped)
    assert any("listed twice" in s for s in result.skipped)


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<opml><body><outline text='&b;' xmlUrl='https://x.example/f'/></body></opml>",
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<opml><body><outline text='&x;' xmlUrl='https://x.example/f'/></body></opml>",
        b"<opml><body><outline",
        b"<rss version='2.0'/>",
    ],
)
def test_hostile_or_wrong_opml_is_refused_with_a_reason(content: bytes) -> None:
    with pytest.raises(UsageError) as caught:
        parse_opml(content)
    assert "OPML" in str(caught.value)


async def test_imported_sources_are_collected(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    fresh = hours_ago(1)
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes["/imported.rss"] = reply(
            200, rss([("Mistral AI ships a model", root + "/s", fresh)]), "application/rss+xml"
        )
        routes["/s"] = reply(200, article("Mistral AI ships a model", MISTRAL_STORY, fresh))
        opml = (
            f'<opml version="2.0"><body><outline text="Imported" xmlUrl="{root}/imported.rss"/>'
            "</body></opml>"
        ).encode()
        added, known = source_store.import_sources(
            db, "t", [(f.kind, f.url, f.name) for f in parse_opml(opml).feeds]
        )
        assert (added, known) == (1, 0)
        topic = TopicConfig(slug="t", name="Mistral AI", keywords=["Mistral AI"])
        report = await _run(db, topic)
    assert report.sources == 1 and report.kept == 1


def test_cli_imports_opml_and_shows_paused_sources(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = config_file.parent / "feeds.opml"
    opml.write_bytes(OPML)
    assert main(["sources", "import", str(opml), "--topic", "mistral"]) == 0
    out = capsys.readouterr().out
    assert "imported 2 feeds" in out and "skipped file:///etc/passwd" in out
    assert main(["sources", "import", str(opml), "--topic", "mistral"]) == 0
    again = capsys.readouterr().out
    assert "imported 0 feeds" in again and "2 already known" in again

    db = open_database(config_file.parent / "digestbot.db")
    db.execute(
        "update sources set consecutive_failures = 5, last_error = 'fetch_error: HTTP 503', "
        "paused_until = '2999-01-01T00:00:00+00:00', paused_reason = '5 failed runs in a row' "
        "where url = 'https://dev.example/feed.atom'"
    )
    db.conn.commit()
    assert main(["sources", "--date", "2026-11-21"]) == 0
    out = capsys.readouterr().out
    assert "PAUSED" in out and "dev.example/feed.atom" in out and "5 failed runs" in out
    assert main(["doctor"]) == 1  # a paused source is a problem to fix
    assert "paused until" in capsys.readouterr().out
    assert main(["collect", "--date", "2026-11-21"]) == 0
    assert "source paused: https://dev.example/feed.atom" in capsys.readouterr().err


def test_cli_import_without_topic_is_a_usage_error(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "import", "feeds.opml"]) == 2
    assert "--topic" in capsys.readouterr().err
