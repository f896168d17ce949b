"""Syndicated copies become one story cluster: the lead is kept, copies point at it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.cli import main
from bot.collect import collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.fetch import Fetcher
from storage import articles as article_store
from storage import open_database
from tests.fakes.news import MISTRAL_STORY, OTHER_MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, reply, serve

FETCH = FetchConfig(allow_private_networks=True, timeout_s=5, retries=0, replay_dir="")


def _topic(root: str, feeds: list[str]) -> TopicConfig:
    return TopicConfig(
        slug="mistral",
        name="Mistral AI",
        keywords=["Mistral AI", "Le Chat"],
        sources=[SourceConfig(kind="rss", url=root + f) for f in feeds],
    )


async def test_copies_share_the_lead_cluster_across_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "t.db"
    db = open_database(db_path)
    first, second, third = hours_ago(6), hours_ago(4), hours_ago(2)
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes.update(
            {
                "/wire.rss": reply(
                    200,
                    rss(
                        [
                            ("Mistral AI ships a model", root + "/wire/story", first),
                            ("Le Chat remembers", root + "/wire/memory", first),
                        ]
                    ),
                    "application/rss+xml",
                ),
                "/wire/story": reply(200, article("Mistral AI ships a model", MISTRAL_STORY)),
                "/wire/memory": reply(200, article("Le Chat remembers", OTHER_MISTRAL_STORY)),
                "/paper.rss": reply(
                    200,
                    rss(
                        [
                            ("French startup's new model", root + "/paper/copy", second),
                            ("Tracked", root + "/wire/story?utm_source=x&utm_medium=y", second),
                        ]
                    ),
                    "application/rss+xml",
                ),
                "/paper/copy": reply(
                    200,
                    article(
                        "French startup's new model",
                        ["Reprinted from the wire.", *MISTRAL_STORY, "Subscribe to our letter."],
                    ),
                ),
            }
        )
        day = date.today()
        async with Fetcher(FETCH) as fetcher:
            report = await collect(db, _topic(root, ["/wire.rss", "/paper.rss"]), day, fetcher)
        assert report.kept == 2 and report.rejected["duplicate"] == 2

        # A later run brings a third copy; it joins the stored story's cluster.
        routes["/late.rss"] = reply(
            200, rss([("Copy again", root + "/late/copy", third)]), "application/rss+xml"
        )
        routes["/late/copy"] = reply(200, article("Copy again", MISTRAL_STORY[:3]))
        async with Fetcher(FETCH) as fetcher:
            await collect(db, _topic(root, ["/late.rss"]), day, fetcher)

    stored = {
        a.url.removeprefix(root): a
        for a in article_store.articles_between(db, "mistral", hours_ago(48), hours_ago(-1))
    }
    lead = stored["/wire/story"]
    assert lead.cluster is not None and stored["/wire/memory"].cluster != lead.cluster
    clusters = article_store.rejection_clusters(db, "mistral", day)
    assert {url.removeprefix(root): c for url, c in clusters.items()} == {
        "/paper/copy": lead.cluster,
        "/wire/story?utm_source=x&utm_medium=y": lead.cluster,
        "/late/copy": lead.cluster,
    }

    config = tmp_path / "config.toml"
    config.write_text(
        f'[storage]\npath = "{db_path}"\n[[topics]]\nslug = "mistral"\nname = "Mistral AI"\n'
        'keywords = ["Mistral AI"]\ntimezone = "UTC"\ndelivery_time = "23:59"\n',
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["--config", str(config), "sources", "--date", str(day), "--rejected"]) == 0
    out = capsys.readouterr().out
    assert f"duplicate of #{lead.cluster}" in out
    assert "by story" in out
