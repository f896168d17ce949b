"""Precision and recall of every rejection reason over the labelled corpus in tests/corpus.

The corpus is served through the replay transport and goes through the real collection
(feed parsing, URL dedup, extraction, every filter, near-duplicate clustering).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import pytest

from bot.collect import collect
from bot.config import Config, FetchConfig, SourceConfig
from bot.fetch import Fetcher
from bot.window import today_in
from storage import articles as article_store
from storage import open_database
from tests.corpus.load import load_items, record

REASONS = ("duplicate", "off_topic", "homonym", "spam", "stale")


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str, str]]:
    """item id -> (expected, actual, detail)"""
    from bot.config import parse_config
    from tests.conftest import example_data

    folder = tmp_path_factory.mktemp("corpus")
    anchor = datetime.now(UTC).replace(microsecond=0)
    items = load_items(anchor)
    feeds = record(items, folder, anchor)
    base: Config = parse_config(example_data())
    topic = base.topics[0].model_copy(
        update={
            "languages": ["en", "fr"],
            # An operator who follows the company, not the crypto tokens named after it.
            "exclude": ["crypto"],
            "sources": [SourceConfig(kind="rss", url=url) for url in feeds],
        }
    )
    db = open_database(folder / "corpus.db")
    day = today_in(topic)

    async def run() -> None:
        async with Fetcher(FetchConfig(replay_dir=str(folder))) as fetcher:
            await collect(db, topic, day, fetcher)

    asyncio.run(run())
    kept = {
        a.link or a.url
        for a in article_store.articles_between(
            db, topic.slug, datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
        )
    }
    kept |= {
        a.url
        for a in article_store.articles_between(
            db, topic.slug, datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
        )
    }
    rejected = {r.url: r for r in article_store.rejections_on(db, topic.slug, day)}
    out: dict[str, tuple[str, str, str]] = {}
    for item in items:
        if item.url in rejected:
            r = rejected[item.url]
            out[item.id] = (item.expect, str(r.reason), r.detail)
        elif item.url in kept:
            out[item.id] = (item.expect, "keep", "")
        else:
            out[item.id] = (item.expect, "missing", "neither kept nor rejected")
    return out


def test_corpus_is_large_and_varied() -> None:
    items = load_items()
    assert len(items) >= 80
    counts = Counter(item.expect for item in items)
    assert all(counts[reason] >= 5 for reason in (*REASONS, "keep")), counts
    assert len({item.url.split("/")[2] for item in items}) >= 60, "many publishers"


def test_rejection_precision_and_recall(
    verdicts: dict[str, tuple[str, str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [f"{'reason':<12}{'precision':>10}{'recall':>8}{'expected':>10}{'got':>6}"]
    correct = rejected_total = expected_total = 0
    for reason in (*REASONS, "keep"):
        got = [i for i, (_, actual, _) in verdicts.items() if actual == reason]
        want = [i for i, (expected, _, _) in verdicts.items() if expected == reason]
        hits = [i for i in got if verdicts[i][0] == reason]
        precision = len(hits) / len(got) if got else 1.0
        recall = len(hits) / len(want) if want else 1.0
        lines.append(f"{reason:<12}{precision:>10.2f}{recall:>8.2f}{len(want):>10}{len(got):>6}")
        if reason != "keep":
            correct += len(hits)
            rejected_total += len(got)
            expected_total += len(want)
    precision = correct / rejected_total
    recall = correct / expected_total
    lines.append(
        f"{'overall':<12}{precision:>10.2f}{recall:>8.2f}{expected_total:>10}{rejected_total:>6}"
    )
    wrong = [
        f"  {item}: expected {expected}, got {actual} ({detail})"
        for item, (expected, actual, detail) in sorted(verdicts.items())
        if expected != actual
    ]
    report = "\n".join(lines + (["misjudged:", *wrong] if wrong else []))
    with capsys.disabled():  # the table is the point of this test: always show it
        print("\n" + report)
    assert precision >= 0.95 and recall >= 0.95, report
