"""Hostile sources and pages: each gets its reason, the run goes on, nothing stored is lost."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from bot.collect import collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.fetch import Fetcher
from storage import articles as article_store
from storage import open_database
from storage.db import count_rows
from tests.fakes.news import MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, endless, reply, serve

FETCH = FetchConfig(
    allow_private_networks=True, max_bytes=200_000, timeout_s=5, retries=0, replay_dir=""
)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title></channel></rss>"""


def topic(root: str, paths: list[str]) -> TopicConfig:
    return TopicConfig(
        slug="mistral",
        name="Mistral AI",
        keywords=["Mistral AI", "Le Chat"],
        aliases=["Mistral"],
        context=["AI", "model", "startup", "API"],
        sources=[SourceConfig(kind="rss", url=root + path) for path in paths],
    )


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    return open_database(tmp_path / "t.db")


async def test_each_hostile_input_has_its_reason_and_the_run_goes_on(db) -> None:  # type: ignore[no-untyped-def]
    fresh = hours_ago(2)
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes.update(
            {
                "/good.rss": reply(
                    200,
                    rss([("Mistral AI ships a model", root + "/story", fresh)]),
                    "application/rss+xml",
                ),
                "/story": reply(200, article("Mistral AI ships a model", MISTRAL_STORY, fresh)),
                "/malformed.rss": reply(
                    200, b"<rss><channel><item><title>broken", "application/xml"
                ),
                "/laughs.rss": reply(200, BILLION_LAUGHS, "application/rss+xml"),
                "/loop.rss": reply(302, headers={"location": "/loop2.rss"}),
                "/loop2.rss": reply(302, headers={"location": "/loop.rss"}),
                "/endless.rss": endless(),
                "/links.rss": reply(
                    200, rss([("Mistral AI photo gallery", root + "/gallery", fresh)]), "text/xml"
                ),
                "/gallery": reply(200, b"<html><body><img src='a.jpg'></body></html>"),
            }
        )
        paths = ["/good.rss", "/malformed.rss", "/laughs.rss", "/loop.rss", "/endless.rss"]
        subject = topic(root, [*paths, "/links.rss"])
        async with Fetcher(FETCH) as fetcher:
            report = await collect(db, subject, date.today(), fetcher)
        reasons = {
            r.url.removeprefix(root): r
            for r in article_store.rejections_on(db, "mistral", date.today())
        }

    assert report.kept == 1, "the good source still gave its story"
    assert reasons["/malformed.rss"].reason == "extract_error"
    assert "not a readable feed" in reasons["/malformed.rss"].detail
    assert reasons["/laughs.rss"].reason == "extract_error"
    assert reasons["/loop.rss"].reason == "fetch_error"
    assert "too many redirects" in reasons["/loop.rss"].detail
    assert reasons["/endless.rss"].reason == "too_large"
    assert reasons["/gallery"].reason == "extract_error"
    assert "no article text" in reasons["/gallery"].detail
    assert len(report.failed_sources) == 4


async def test_nothing_stored_is_lost_when_every_source_fails(db) -> None:  # type: ignore[no-untyped-def]
    fresh = hours_ago(3)
    routes: dict[str, Handler] = {
        "/story": reply(200, article("Mistral AI ships a model", MISTRAL_STORY, fresh)),
    }
    with serve(routes) as root:
        routes["/feed.rss"] = reply(
            200, rss([("Mistral AI ships a model", root + "/story", fresh)]), "application/rss+xml"
        )
        subject = topic(root, ["/feed.rss"])
        async with Fetcher(FETCH) as fetcher:
            await collect(db, subject, date.today(), fetcher)
        routes["/feed.rss"] = reply(200, BILLION_LAUGHS, "application/rss+xml")
        async with Fetcher(FETCH) as fetcher:
            await collect(db, subject, date.today(), fetcher)
    assert count_rows(db, "articles") == 1


async def test_feed_declared_in_windows_1252_is_decoded(db) -> None:  # type: ignore[no-untyped-def]
    fresh = hours_ago(1)
    title = "Mistral AI: café, déjà vu – « Le Chat » grows"
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes["/cp1252.rss"] = reply(
            200,
            rss([(title, root + "/story", fresh)], encoding="windows-1252"),
            # The server claims nothing about the charset; the XML declaration says it.
            "application/rss+xml",
        )
        routes["/latin1.rss"] = reply(
            200,
            rss([(title.replace("–", "-"), root + "/story2", fresh)], encoding="iso-8859-1"),
            "application/rss+xml",
        )
        routes["/story"] = reply(200, b"<html><body><p>short</p></body></html>")
        routes["/story2"] = reply(200, b"<html><body><p>short</p></body></html>")
        subject = topic(root, ["/cp1252.rss", "/latin1.rss"])
        async with Fetcher(FETCH) as fetcher:
            report = await collect(db, subject, date.today(), fetcher)
        titles = {r.title for r in article_store.rejections_on(db, "mistral", date.today())}
    assert report.candidates == 2 and not report.failed_sources
    assert title in titles
    assert title.replace("–", "-") in titles


async def test_page_in_windows_1252_keeps_its_accents(db) -> None:  # type: ignore[no-untyped-def]
    fresh = hours_ago(1)
    title = "Mistral AI ouvre un bureau à Singapour – « Le Chat » arrive en Asie"
    page = article(title, MISTRAL_STORY, fresh).replace(
        b"<head>", b"<head><meta charset='windows-1252'>"
    )
    page = page.decode("utf-8").encode("windows-1252")
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes["/feed.rss"] = reply(
            200, rss([(title, root + "/story", fresh)]), "application/rss+xml"
        )
        # The server says nothing about the charset: only the page's <meta> does.
        routes["/story"] = reply(200, page, "text/html")
        async with Fetcher(FETCH) as fetcher:
            report = await collect(db, topic(root, ["/feed.rss"]), date.today(), fetcher)
    assert report.kept == 1
    (stored,) = article_store.articles_between(db, "mistral", hours_ago(24), hours_ago(-1))
    assert stored.title == title and "\ufffd" not in stored.text


async def test_compressed_bomb_stops_at_the_limit(db) -> None:  # type: ignore[no-untyped-def]
    # 50 MB of zeros compress to about 50 KB: the cap applies to what is decompressed.
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < FETCH.max_bytes
    routes: dict[str, Handler] = {
        "/bomb.rss": reply(200, bomb, "application/rss+xml", {"content-encoding": "gzip"})
    }
    with serve(routes) as root:
        async with Fetcher(FETCH) as fetcher:
            report = await collect(db, topic(root, ["/bomb.rss"]), date.today(), fetcher)
    (rejection,) = article_store.rejections_on(db, "mistral", date.today())
    assert rejection.reason == "too_large" and report.failed_sources
