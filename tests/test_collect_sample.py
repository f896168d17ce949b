"""Every item of the bundled sample labelled as junk is rejected with exactly its label."""

from __future__ import annotations

import asyncio
import json
from datetime import date

from bot.collect import collect
from bot.config import BUNDLED_CORPUS, Config
from bot.fetch import Fetcher
from storage import articles as article_store
from storage import open_database
from tests.conftest import SAMPLE_DATE


def test_sample_junk_gets_its_labelled_reason(sample_config: Config) -> None:
    day = date.fromisoformat(SAMPLE_DATE)
    db = open_database(sample_config.storage.path)

    async def run() -> None:
        async with Fetcher(sample_config.fetch) as fetcher:
            await collect(db, sample_config.topics[0], day, fetcher)

    asyncio.run(run())
    rejected = {r.url: r for r in article_store.rejections_on(db, "mistral", day)}
    items = json.loads((BUNDLED_CORPUS / "expected.json").read_text(encoding="utf-8"))["items"]
    wrong = [
        f"{item['url']}: expected {item['verdict']}, got "
        + (
            f"{rejected[item['url']].reason} ({rejected[item['url']].detail})"
            if item["url"] in rejected
            else "kept"
        )
        for item in items
        if item["verdict"] != "keep"
        and (item["url"] not in rejected or rejected[item["url"]].reason != item["verdict"])
    ]
    assert not wrong, "\n".join(wrong)
    not_articles = [
        r for u, r in rejected.items() if "forum-eu" in u or "peoplegraph" in u or "podhub" in u
    ]
    assert len(not_articles) == 3 and all("not an article" in r.detail for r in not_articles)
