"""Source kinds behind one interface: news search, Hacker News, GitHub releases."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.collect import collect
from bot.config import FetchConfig, SourceConfig, TopicConfig, parse_config
from bot.errors import ConfigError
from bot.fetch import Fetcher
from bot.replay import ReplayTransport
from bot.sources import (
    FeedError,
    GitHubReleases,
    HackerNewsSearch,
    Item,
    SearchFeed,
    kind_for,
    parse_feed,
)
from storage import articles as article_store
from storage import open_database
from tests.fakes.news import MISTRAL_STORY, OTHER_MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, reply, serve

FETCH = FetchConfig(allow_private_networks=True, timeout_s=5, retries=0, replay_dir="")

SEARCH_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>"Mistral AI" - Search</title>
<item><title>Mistral AI ships a model - The Daily Byte</title>
<link>{root}/rss/articles/CBMiXmh0dHBzOi8vZGFpbHk?oc=5</link>
<pubDate>{date}</pubDate>
<description>&lt;a href="{root}/rss/articles/CBMi"&gt;Mistral AI ships&lt;/a&gt;</description>
<source url="https://dailybyte.example">The Daily Byte</source></item>
</channel></rss>"""

HN = {
    "hits": [
        {
            "title": "Mistral AI releases open-weight model",
            "url": "https://blog.example/mistral-model",
            "created_at_i": 1795000000,
            "objectID": "1",
        },
        {
            "title": "Ask HN: Is anyone running Mistral AI models on-prem?",
            "url": None,
            "story_text": "<p>We run Mistral AI models on our own GPUs &amp; wonder.</p>",
            "created_at": "2026-11-20T10:00:00Z",
            "objectID": "2",
        },
        {"comment_text": "a comment, no title", "objectID": "3"},
        {"title": "Link-less story with no text", "objectID": "4"},
    ]
}

RELEASES = [
    {
        "html_url": "https://github.com/mistralai/mistral-inference/releases/tag/v2.0",
        "name": "v2.0",
        "tag_name": "v2.0",
        "published_at": "2026-11-20T09:00:00Z",
        "body": "Adds support for the new Mistral AI model family.",
        "draft": False,
    },
    {"html_url": "https://github.com/x/y/releases/tag/v3", "name": "v3", "draft": True},
]


def test_kind_is_chosen_from_kind_and_url_shape() -> None:
    assert kind_for("json", "https://hn.algolia.com/api/v1/search?query=mistral").name == (
        "json:hackernews"
    )
    assert kind_for("json", "https://hn.algolia.com/api/v1/search_by_date?query=x").name == (
        "json:hackernews"
    )
    releases = "https://api.github.com/repos/mistralai/mistral-inference/releases"
    assert kind_for("json", releases).name == "json:github-releases"
    assert kind_for("search", "https://news.google.com/rss/search?q=x").name == "search"
    assert kind_for("atom", "https://x.example/feed.atom").name == "atom"
    with pytest.raises(FeedError, match="unsupported JSON API"):
        kind_for("json", "https://api.example.com/v1/news")


def test_search_feed_names_the_publisher_and_drops_the_title_suffix() -> None:
    content = SEARCH_RSS.format(root="https://news.example", date="Fri, 20 Nov 2026 10:00:00 GMT")
    (item,) = SearchFeed().parse(content.encode(), "https://news.example/rss", "")
    assert isinstance(item, Item)
    assert item.title == "Mistral AI ships a model"
    assert item.publisher == "The Daily Byte"
    assert item.summary == ""


def test_hacker_news_stories_and_self_posts() -> None:
    items = HackerNewsSearch().parse(json.dumps(HN).encode(), "https://hn.algolia.com/x", "")
    assert [i.url for i in items] == [
        "https://blog.example/mistral-model",
        "https://news.ycombinator.com/item?id=2",
    ]
    link, post = items
    assert isinstance(link, Item) and link.text == "", "a linked story's page is fetched"
    assert isinstance(post, Item) and "own GPUs & wonder" in post.text
    assert link.published is not None and post.published is not None


@pytest.mark.parametrize(
    "content", [b"{not json", b'{"message": "rate limited"}', b"[1, 2]", b'"x"']
)
def test_unexpected_json_is_a_clear_error_or_nothing(content: bytes) -> None:
    try:
        assert HackerNewsSearch().parse(content, "https://hn.algolia.com/x", "") == []
    except FeedError as exc:
        assert str(exc)


def test_github_releases_carry_their_notes_and_skip_drafts() -> None:
    url = "https://api.github.com/repos/mistralai/mistral-inference/releases"
    (release,) = GitHubReleases().parse(json.dumps(RELEASES).encode(), url, "")
    assert isinstance(release, Item)
    assert release.title == "mistralai/mistral-inference v2.0"
    assert "new Mistral AI model family" in release.text
    with pytest.raises(FeedError, match="rate limit"):
        GitHubReleases().parse(b'{"message": "API rate limit exceeded"}', url, "")


async def test_search_links_are_resolved_to_the_publisher(tmp_path: Path) -> None:
    fresh = hours_ago(2)
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes["/search.rss"] = reply(
            200,
            SEARCH_RSS.format(root=root, date=fresh.strftime("%a, %d %b %Y %H:%M:%S GMT")).encode(),
            "application/rss+xml",
        )
        routes["/rss/articles/CBMiXmh0dHBzOi8vZGFpbHk"] = reply(
            302, headers={"location": root + "/dailybyte/mistral-ai-ships"}
        )
        routes["/dailybyte/mistral-ai-ships"] = reply(
            200, article("Mistral AI ships a model", MISTRAL_STORY, fresh)
        )
        topic = TopicConfig(
            slug="t",
            name="Mistral AI",
            keywords=["Mistral AI"],
            sources=[SourceConfig(kind="search", url=root + "/search.rss")],
        )
        db = open_database(tmp_path / "t.db")
        async with Fetcher(FETCH) as fetcher:
            report = await collect(db, topic, date.today(), fetcher)
        (stored,) = article_store.articles_between(db, "t", hours_ago(48), hours_ago(-1))
    assert report.kept == 1
    assert stored.url == root + "/dailybyte/mistral-ai-ships"
    assert stored.link.startswith(root + "/rss/articles/")
    assert stored.id is not None
    assert article_store.publishers_of(db, [stored.id]) == {stored.id: "The Daily Byte"}


def _record(folder: Path, responses: dict[str, tuple[str, bytes]]) -> ReplayTransport:
    entries = []
    for number, (url, (content_type, body)) in enumerate(responses.items()):
        (folder / f"{number}.body").write_bytes(body)
        entries.append(
            {"url": url, "headers": {"content-type": content_type}, "body": f"{number}.body"}
        )
    (folder / "responses.json").write_text(json.dumps({"responses": entries}))
    return ReplayTransport(folder)


async def test_json_sources_through_the_replay_transport(tmp_path: Path) -> None:
    fresh = hours_ago(1)
    releases = [dict(RELEASES[0], published_at=fresh.isoformat(), body=" ".join(MISTRAL_STORY))]
    hits = {"hits": [dict(HN["hits"][0], created_at_i=int(fresh.timestamp()))]}
    github = "https://api.github.com/repos/mistralai/mistral-inference/releases"
    hn = "https://hn.algolia.com/api/v1/search_by_date?query=Mistral%20AI&tags=story"
    transport = _record(
        tmp_path,
        {
            github: ("application/json", json.dumps(releases).encode()),
            hn: ("application/json", json.dumps(hits).encode()),
            # Only the HN story's page is recorded: the release must not need its page.
            "https://blog.example/mistral-model": (
                "text/html",
                article("Mistral AI releases open-weight model", OTHER_MISTRAL_STORY, fresh),
            ),
        },
    )
    topic = TopicConfig(
        slug="t",
        name="Mistral AI",
        keywords=["Mistral AI"],
        sources=[SourceConfig(kind="json", url=github), SourceConfig(kind="json", url=hn)],
    )
    db = open_database(tmp_path / "t.db")
    async with Fetcher(FETCH, transport=transport) as fetcher:
        report = await collect(db, topic, date.today(), fetcher)
    kept = {a.url for a in article_store.articles_between(db, "t", hours_ago(48), hours_ago(-1))}
    assert report.failed_sources == []
    assert kept == {releases[0]["html_url"], "https://blog.example/mistral-model"}


def test_unsupported_json_api_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {
                "topics": [
                    {
                        "slug": "t",
                        "name": "Mistral AI",
                        "keywords": ["Mistral AI"],
                        "sources": [{"kind": "json", "url": "https://api.example.com/news"}],
                    }
                ]
            }
        )
    assert "topics[0].sources[0]" in str(caught.value)
    assert "api.github.com/repos/OWNER/REPO/releases" in str(caught.value)


@pytest.mark.parametrize(
    ("declared", "content_type"),
    [
        ("windows-1252", "application/rss+xml; charset=utf-8"),  # the server's header lies
        ("windows-1252", "text/xml"),  # text/xml used to mean us-ascii by default
        ("utf-8", "application/rss+xml"),  # the XML declaration lies
        ("iso-8859-1", ""),
    ],
)
def test_feeds_in_legacy_encodings_keep_their_accents(declared: str, content_type: str) -> None:
    title = "Mistral AI: café, déjà vu, « Le Chat » grows"
    content = rss([(title, "https://x.example/a", hours_ago(1))], encoding="windows-1252")
    content = content.replace(b'encoding="windows-1252"', f'encoding="{declared}"'.encode())
    (item,) = parse_feed(content, "https://x.example/feed", content_type)
    assert item.title == title


def test_feedparser_is_never_given_a_url_or_a_path() -> None:
    with pytest.raises(TypeError, match="bytes"):
        parse_feed("https://example.org/feed.xml", "https://example.org/feed.xml")  # type: ignore[arg-type]


def test_an_entry_carrying_the_whole_article_keeps_only_its_opening_as_summary() -> None:
    # A poll holds every entry until it is judged; a feed with the full article as its
    # description must not cost a whole page per entry.
    words = [f"word{n}" for n in range(3000)]
    long_text = " ".join(words)
    short_text = "Mistral AI ships a model that reads long documents."
    content = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
        f"<item><title>Long</title><link>https://x.example/long</link>"
        f"<description>&lt;p&gt;{long_text}&lt;/p&gt;</description></item>"
        f"<item><title>Short</title><link>https://x.example/short</link>"
        f"<description>{short_text}</description></item>"
        "</channel></rss>"
    ).encode()
    long, short = parse_feed(content, "https://x.example/feed", "application/rss+xml")
    assert short.summary == short_text
    assert 900 < len(long.summary) <= 1000
    assert long_text.startswith(long.summary)
    assert long.summary.split()[-1] in words  # cut between words, never inside one
