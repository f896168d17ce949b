"""A page that names the topic nowhere is rejected without being extracted: off topic, with
the reason the relevance rules give, counted once and not fetched again; a page that
names it in any form the rules read is still extracted and judged."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from bot.collect import CollectReport, collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.fetch import Fetcher
from bot.models import Candidate
from bot.prescreen import unnamed_rejection
from bot.screen import topic_terms
from storage import open_database
from storage.articles import rejections_on
from tests.fakes.news import MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, reply, serve

FETCH = FetchConfig(
    allow_private_networks=True,
    replay_dir="",
    retries=0,
    concurrency=4,
    per_host_concurrency=4,
    extract_workers=1,
)
BRIDGE = [
    "The city council voted on Tuesday to repair the old stone bridge over the river "
    "before winter, after engineers found cracks in two of its arches.",
    "Traffic will be diverted through the harbour road for six weeks, and the ferry will "
    "run every twenty minutes instead of every hour while the work goes on.",
]
# Makes the extraction worker crash if the page reaches the extractor (test hooks on).
CRASH_IF_EXTRACTED = "<!-- digestbot-test-hook:abort -->"


def _topic(root: str) -> TopicConfig:
    return TopicConfig(
        slug="mistral",
        name="Mistral AI",
        keywords=["Mistral AI"],
        aliases=["Mistral"],
        context=["model", "startup"],
        timezone="UTC",
        delivery_time="23:59",
        sources=[SourceConfig(kind="rss", url=f"{root}/feed.rss")],
    )


async def _collect(root: str, db_path: Path, day: date) -> CollectReport:
    async with Fetcher(FETCH) as fetcher:
        return await collect(open_database(db_path), _topic(root), day, fetcher)


async def test_a_page_naming_the_topic_nowhere_is_rejected_unextracted_and_not_fetched_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGESTBOT_EXTRACT_TEST_HOOKS", "1")
    requests: Counter[str] = Counter()
    bridge = article("Council to repair the old bridge", BRIDGE, hours_ago(3))
    bridge = bridge.replace(b"</body>", CRASH_IF_EXTRACTED.encode() + b"</body>")
    model = article("Mistral AI releases a model", MISTRAL_STORY, hours_ago(3))

    def counted(path: str, body: bytes) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            requests[path] += 1
            reply(200, body)(request)

        return handle

    routes = {
        "/news/bridge": counted("/news/bridge", bridge),
        "/news/model": counted("/news/model", model),
    }
    db_path = tmp_path / "t.db"
    with serve(routes) as root:
        items = [
            ("Council to repair the old bridge", f"{root}/news/bridge", hours_ago(3)),
            ("Mistral AI releases a model", f"{root}/news/model", hours_ago(3)),
        ]
        routes["/feed.rss"] = reply(200, rss(items), "application/rss+xml")
        first = await _collect(root, db_path, date.today())
        second = await _collect(root, db_path, date.today() + timedelta(days=1))

    assert first.kept == 1
    assert first.rejected == {"off_topic": 1}, "counted once, as off topic, not as a crash"
    assert first.extraction.prescreened == 1 and first.extraction.crashes == 0
    [rejection] = rejections_on(open_database(db_path), "mistral", date.today())
    assert rejection.url.endswith("/news/bridge")
    assert rejection.detail == "does not mention the topic at all"
    assert second.page_fetches == 0 and not second.rejected
    assert requests == {"/news/bridge": 1, "/news/model": 1}


def _candidate(title: str, url: str = "https://news.example/world/1") -> Candidate:
    return Candidate(url, title, "", hours_ago(1), "https://news.example/feed")


TERMS = topic_terms(
    TopicConfig(
        slug="mistral",
        name="Mistral AI",
        keywords=["Mistral AI"],
        aliases=["Le Chat"],
        timezone="UTC",
        delivery_time="23:59",
    )
)


@pytest.mark.parametrize(
    "body",
    [
        "<p>The assistant Le Chat now remembers conversations.</p>",  # an alias only
        "<p>MISTRAL said the model is out.</p>",  # the shared name, in capitals
        "<p>Mistral <b>AI</b> ships a model.</p>",  # a name across two elements
        "<p>Mis<i>tral</i> ships a model.</p>",  # a word split by an inline element
        "<p>Mistral&#32;AI ships a model.</p>",  # an entity
        "<p>A Mistral-class frigate.</p>",  # a compound: the rules call it a homonym
    ],
)
def test_a_page_naming_the_topic_in_any_form_the_rules_read_is_extracted(body: str) -> None:
    page = f"<html><head><title>News</title></head><body>{body}</body></html>".encode()
    assert unnamed_rejection(page, _candidate("News of the day"), "", TERMS) is None


def test_a_name_in_the_feed_entry_or_a_meta_tag_or_a_section_for_the_topic_is_enough() -> None:
    bare = b"<html><body><p>The council will repair the bridge.</p></body></html>"
    meta = b"<html><head><meta property='og:title' content='Le Chat grows'></head>" + bare[6:]
    assert unnamed_rejection(bare, _candidate("Le Chat grows"), "", TERMS) is None
    assert unnamed_rejection(meta, _candidate("News"), "", TERMS) is None
    section = "https://news.example/le-chat/bridge"
    assert unnamed_rejection(bare, _candidate("News", section), "", TERMS) is None
    assert unnamed_rejection(bare, _candidate("News"), section, TERMS) is None
    rejected = unnamed_rejection(bare, _candidate("News"), "", TERMS)
    assert rejected is not None and str(rejected.reason) == "off_topic"


def test_an_unnamed_page_in_another_language_tells_the_user_how_to_name_the_topic() -> None:
    german = b'<html lang="de-DE"><body><p>Der Rat repariert die Br\xc3\xbccke.</p></body></html>'
    rejected = unnamed_rejection(german, _candidate("Neues aus der Stadt"), "", TERMS)
    assert rejected is not None
    assert "in 'de'" in rejected.detail and "keywords or aliases" in rejected.detail
    chinese = "<html><body><p>市議會將修復橋樑。</p></body></html>".encode()
    rejected = unnamed_rejection(chinese, _candidate("市議會修橋"), "", TERMS)
    assert rejected is not None and "in 'zh'" in rejected.detail
    english = b"<html lang='en'><body><p>The council will repair the bridge.</p></body></html>"
    rejected = unnamed_rejection(english, _candidate("News"), "", TERMS)
    assert rejected is not None and "keywords or aliases" not in rejected.detail


def test_a_page_in_another_encoding_is_read_as_the_extractor_reads_it() -> None:
    terms = topic_terms(
        TopicConfig(
            slug="sg",
            name="Société Générale",
            keywords=["Société Générale"],
            timezone="UTC",
            delivery_time="23:59",
        )
    )
    page = (
        "<html><head><meta charset='windows-1252'></head><body><p>La Société Générale "
        "publie ses résultats.</p></body></html>"
    ).encode("windows-1252")
    assert unnamed_rejection(page, _candidate("Résultats"), "", terms) is None
    decomposed = "<html><body><p>La Socie\u0301te\u0301 Ge\u0301ne\u0301rale.</p></body></html>"
    assert unnamed_rejection(decomposed.encode(), _candidate("Résultats"), "", terms) is None


def test_a_page_naming_several_of_the_topics_people_is_extracted() -> None:
    club = topic_terms(
        TopicConfig(
            slug="harbor-fc",
            name="Harbor FC",
            keywords=["Harbor FC"],
            context=["soccer", "Ana Ruiz", "Tom Berg", "Lee Moss", "Bay Stadium"],
            timezone="UTC",
            delivery_time="23:59",
        )
    )
    three = (
        b"<html><body><p>Ana Ruiz scored twice at Bay Stadium and Tom Berg kept a clean "
        b"sheet.</p></body></html>"
    )
    assert unnamed_rejection(three, _candidate("A win at home"), "", club) is None
    two = b"<html><body><p>Ana Ruiz scored twice and Tom Berg kept a clean sheet.</p></body></html>"
    rejected = unnamed_rejection(two, _candidate("A win at home"), "", club)
    assert rejected is not None and str(rejected.reason) == "off_topic"


async def test_a_page_naming_the_topic_by_an_alias_only_is_extracted_and_judged(
    tmp_path: Path,
) -> None:
    alias_only = article(
        "The Mistral startup ships a new model",
        [
            "Mistral, the Paris startup, released a new open-weight model on Tuesday that "
            "runs on one GPU, and developers can reach it through its API.",
            *MISTRAL_STORY[1:],
        ],
        hours_ago(3),
    )
    routes: dict[str, Handler] = {"/news/alias": reply(200, alias_only)}
    with serve(routes) as root:
        items = [("The Mistral startup ships a new model", f"{root}/news/alias", hours_ago(3))]
        routes["/feed.rss"] = reply(200, rss(items), "application/rss+xml")
        report = await _collect(root, tmp_path / "t.db", date.today())
    assert report.extraction.prescreened == 0 and report.extraction.pages == 1
    rejected = rejections_on(open_database(tmp_path / "t.db"), "mistral", date.today())
    assert report.kept + len(rejected) == 1
    assert all(r.detail != "does not mention the topic at all" for r in rejected)


def test_a_page_naming_only_a_persons_surname_is_extracted_for_the_run_to_judge() -> None:
    """The run may learn that the topic's pages call the person by the surname alone."""
    person = topic_terms(TopicConfig(slug="roe", name="Jane Roe", keywords=["Jane Roe"]))
    page = b"<html><body><p>Roe said the plant would open next year.</p></body></html>"
    assert unnamed_rejection(page, _candidate("News of the day"), "", person) is None
    other = b"<html><body><p>The council will repair the bridge.</p></body></html>"
    assert unnamed_rejection(other, _candidate("News of the day"), "", person) is not None
