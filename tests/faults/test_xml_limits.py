"""XML that is too deep, too big or has too many elements is refused before any parser
runs: a nested feed no longer costs 46 s of CPU, an OPML file cannot either."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from app.cli import main
from bot.collect import collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.errors import UsageError
from bot.fetch import Fetcher
from bot.opml import parse_opml
from bot.sources.feeds import parse_feed
from bot.sources.xmllimits import MAX_DEPTH, XmlLimitExceeded, check_xml_limits
from storage import articles as article_store
from storage import open_database
from tests.fakes.news import hours_ago, rss
from tests.fakes.web import reply, serve

FETCH = FetchConfig(allow_private_networks=True, timeout_s=5, retries=0, replay_dir="")
HEAD = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>t</title><description>'
TAIL = b"</description></item></channel></rss>"


def nested(depth: int, name: bytes = b"a") -> bytes:
    return HEAD + b"<%s>" % name * depth + b"</%s>" % name * depth + TAIL


async def test_a_deeply_nested_feed_is_refused_quickly_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    # 5 MB nested 700,000 deep: feedparser spent 46 s of CPU on this.
    deep = nested(700_000)
    fresh = hours_ago(1)
    routes = {"/deep.rss": reply(200, deep, "application/rss+xml")}
    with serve(routes) as root:
        routes["/good.rss"] = reply(
            200, rss([("Mistral AI ships", root + "/s", fresh)]), "application/rss+xml"
        )
        subject = TopicConfig(
            slug="mistral",
            name="Mistral AI",
            keywords=["Mistral AI"],
            sources=[
                SourceConfig(kind="rss", url=root + "/deep.rss"),
                SourceConfig(kind="rss", url=root + "/good.rss"),
            ],
        )
        db = open_database(tmp_path / "t.db")
        started = time.process_time()
        async with Fetcher(FETCH.model_copy(update={"max_bytes": 6_000_000})) as fetcher:
            report = await collect(db, subject, date.today(), fetcher)
        cpu = time.process_time() - started
        reasons = {
            r.url.removeprefix(root): r
            for r in article_store.rejections_on(db, "mistral", date.today())
        }
    assert reasons["/deep.rss"].reason == "extract_error"
    assert f"nested deeper than {MAX_DEPTH}" in reasons["/deep.rss"].detail
    assert report.candidates == 1, "the good feed was still read"
    assert cpu < 10, f"{cpu:.1f} s of CPU"


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (nested(MAX_DEPTH + 1), "nested deeper than"),
        (HEAD + b"<a/>" * 60_000 + TAIL, "more than 50000 XML elements"),
        (HEAD + b"</a>" * 120_000 + TAIL, "tags"),
        (HEAD + b" " * 10_000_001 + TAIL, "bytes, limit"),
    ],
    ids=["deep", "many-elements", "many-close-tags", "too-big"],
)
def test_each_limit_refuses_with_its_own_message(document: bytes, problem: str) -> None:
    with pytest.raises(XmlLimitExceeded, match=problem):
        parse_feed(document, "https://x.example/feed")


@pytest.mark.parametrize(
    "document",
    [
        # XHTML content nests deeper than plain feeds do.
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>'
        b'<link href="https://x.example/a"/><content type="xhtml"><div>'
        + b"<div>" * 30
        + b"</div>" * 30
        + b"</div></content></entry></feed>",
        # Sloppy HTML in a broken feed: void elements and tags never closed.
        HEAD + b"<p>one<br>two<br><img src=x>" * 100 + TAIL,
        # Markup inside comments and CDATA is text, not elements.
        HEAD + b"<![CDATA[" + b"<a>" * 1000 + b"]]><!-- " + b"<b>" * 1000 + b" -->" + TAIL,
    ],
    ids=["xhtml-content", "sloppy-html", "cdata-and-comments"],
)
def test_real_world_shapes_pass(document: bytes) -> None:
    check_xml_limits(document)


def test_unterminated_constructs_and_stray_brackets_scan_in_linear_time() -> None:
    started = time.process_time()
    for hostile in (b"<!--" * 1_000_000, b"<a " * 1_000_000, b"<" * 3_000_000):
        check_xml_limits(hostile)
    assert time.process_time() - started < 10


def test_a_deeply_nested_opml_file_is_a_usage_error() -> None:
    deep = b"<opml><body>" + b"<outline>" * 100_000 + b"</outline>" * 100_000 + b"</body></opml>"
    with pytest.raises(UsageError, match="nested deeper than"):
        parse_opml(deep)


def test_the_cli_refuses_a_nested_opml_with_exit_2_and_no_traceback(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(b"<opml><body>" + b"<outline>" * 5_000 + b"</body></opml>")
    code = main(["sources", "import", str(opml), "--topic", "mistral"])
    err = capsys.readouterr().err
    assert code == 2
    assert "nested deeper than" in err
    assert "Traceback" not in err
