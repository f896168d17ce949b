"""The model judge: doubtful pages get the model's verdict, once per page, within a bound;
without a key, or when the model fails, the rules' verdicts stand."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.collect import CollectReport, collect
from bot.config import FetchConfig, MistralConfig, SourceConfig, TopicConfig
from bot.fetch import Fetcher
from bot.llm import MistralModel, RetryPolicy
from bot.second_opinion import PageJudge
from storage import articles as article_store
from storage import open_database
from tests.fakes.mistral import FakeMistral
from tests.fakes.news import MISTRAL_STORY, OTHER_MISTRAL_STORY, article, hours_ago, rss
from tests.fakes.web import Handler, reply, serve

FETCH = FetchConfig(allow_private_networks=True, timeout_s=5, retries=0, replay_dir="")
NO_RETRY = RetryPolicy(initial_ms=1, max_ms=1, max_elapsed_ms=1)

WIND = [
    "The mistral blew at more than 90 km/h through the Rhone valley on Sunday, and "
    "firefighters in the Var asked walkers to keep out of the hills until the evening.",
    "Ferries between Marseille and Corsica stayed in port, and the regional rail operator "
    "cut the speed of trains on the coast line for the second day in a row.",
    "Forecasters expect the gusts to ease on Tuesday as a ridge of high pressure moves in.",
]


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    with FakeMistral() as server:
        yield server


def _headline(request: dict[str, Any]) -> str:
    prompt = request["messages"][-1]["content"]
    return next(line for line in prompt.splitlines() if line.startswith("Headline: "))


def _judge_by_headline(request: dict[str, Any]) -> str:
    """A model that knows weather from software: what a real model would say."""
    if "mistral" in _headline(request).lower() and "wind" in _headline(request).lower():
        return json.dumps({"verdict": "namesake", "reason": "about the wind, not the company"})
    return json.dumps({"verdict": "on_topic", "reason": "about the company's products"})


def _topic(root: str) -> TopicConfig:
    return TopicConfig(
        slug="mistral",
        name="Mistral AI",
        keywords=["Mistral AI", "Le Chat"],
        aliases=["Mistral"],
        context=["model", "assistant", "startup"],
        sources=[SourceConfig(kind="rss", url=root + "/feed.rss")],
    )


def _routes(root: str) -> dict[str, Handler]:
    now = hours_ago(3)
    return {
        "/feed.rss": reply(
            200,
            rss(
                [
                    ("Mistral AI ships a model", root + "/story", now),
                    ("Le Chat remembers", root + "/memory", now),
                    ("Mistral wind closes ferries", root + "/wind", now),
                    ("Mistral wind: the Var keeps walkers out", root + "/wind2", now),
                ]
            ),
            "application/rss+xml",
        ),
        "/story": reply(200, article("Mistral AI ships a model", MISTRAL_STORY)),
        "/memory": reply(200, article("Le Chat remembers", OTHER_MISTRAL_STORY)),
        "/wind": reply(200, article("Mistral wind closes ferries", WIND)),
        "/wind2": reply(
            200, article("Mistral wind: the Var keeps walkers out", WIND[1:] + WIND[:1])
        ),
    }


async def _collect(
    db_path: Path, topic: TopicConfig, judge: PageJudge | None, day: date
) -> CollectReport:
    async with Fetcher(FETCH) as fetcher:
        return await collect(open_database(db_path), topic, day, fetcher, judge=judge)


def _model(fake: FakeMistral) -> MistralModel:
    return MistralModel(MistralConfig(server_url=fake.url), fake.api_key, retry=NO_RETRY)


async def test_a_doubtful_page_gets_the_model_verdict_once(
    fake: FakeMistral, tmp_path: Path
) -> None:
    fake.reply_with(_judge_by_headline)
    db_path = tmp_path / "d.db"
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes.update(_routes(root))
        async with _model(fake) as model:
            report = await _collect(db_path, _topic(root), PageJudge(model, 5), date.today())
            asked = len(fake.chat_requests())
            # Pages named by a keyword in the headline, among the topic's context words,
            # are not doubtful: never asked about.
            assert all("Mistral AI ships" not in _headline(r) for r in fake.chat_requests())
            assert report.judge is not None and report.judge.asked == asked >= 1
            assert report.judge.tokens > 0
            again = await _collect(db_path, _topic(root), PageJudge(model, 5), date.today())

    rejections = article_store.rejections_on(open_database(db_path), "mistral", date.today())
    rejection = next(r for r in rejections if r.url == root + "/wind")
    assert rejection.reason == "homonym"
    assert rejection.detail.startswith("model judge (")
    # The second run saw the same page again and remembered the verdict: no new call.
    assert len(fake.chat_requests()) == asked
    assert again.judge is not None and again.judge.asked == 0


async def test_the_rules_stand_when_the_model_fails(fake: FakeMistral, tmp_path: Path) -> None:
    for _ in range(5):
        fake.fail_next(500)
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes.update(_routes(root))
        async with _model(fake) as model:
            judged = await _collect(
                tmp_path / "a.db", _topic(root), PageJudge(model, 5), date.today()
            )
        plain = await _collect(tmp_path / "b.db", _topic(root), None, date.today())
    assert judged.judge is not None and judged.judge.failure
    # One failure stops the second opinions of the run: one page asked about, not each.
    assert len({_headline(r) for r in fake.chat_requests()}) == 1
    assert (judged.kept, judged.rejected) == (plain.kept, plain.rejected)


async def test_no_more_new_pages_than_the_bound(fake: FakeMistral, tmp_path: Path) -> None:
    fake.reply_with(_judge_by_headline)
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes.update(_routes(root))
        async with _model(fake) as model:
            one = await _collect(tmp_path / "c.db", _topic(root), PageJudge(model, 1), date.today())
            off = await _collect(tmp_path / "e.db", _topic(root), PageJudge(model, 0), date.today())
    assert one.judge is not None and one.judge.asked == 1
    assert len(fake.chat_requests()) == 1 and off.judge is None


CHOIR = [
    "Mistral AI, the chamber choir founded by students of the Conservatoire d'Avignon, "
    "sang its first concert of the season to a full chapel on Saturday evening.",
    "The twenty singers performed Poulenc and Duruflé under their conductor, and the "
    "audience called them back for three encores before the bells rang for mass.",
    "The choir will tour four villages of the Luberon in the spring.",
]


async def test_a_page_named_by_a_keyword_with_none_of_the_topic_around_it_is_asked_about(
    fake: FakeMistral, tmp_path: Path
) -> None:
    def judge(request: dict[str, Any]) -> str:
        if "choir" in _headline(request).lower():
            return json.dumps({"verdict": "namesake", "reason": "a choir of the same name"})
        return json.dumps({"verdict": "on_topic", "reason": "about the company"})

    fake.reply_with(judge)
    now = hours_ago(2)
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        routes["/feed.rss"] = reply(
            200,
            rss(
                [
                    ("Mistral AI ships a model", root + "/story", now),
                    ("Mistral AI choir sings to a full chapel", root + "/choir", now),
                ]
            ),
            "application/rss+xml",
        )
        routes["/story"] = reply(200, article("Mistral AI ships a model", MISTRAL_STORY))
        routes["/choir"] = reply(200, article("Mistral AI choir sings to a full chapel", CHOIR))
        async with _model(fake) as model:
            plain = await _collect(tmp_path / "p.db", _topic(root), None, date.today())
            await _collect(tmp_path / "j.db", _topic(root), PageJudge(model, 5), date.today())

    assert plain.kept == 2  # the rules alone trust the keyword in the headline
    asked = [_headline(r) for r in fake.chat_requests()]
    assert asked == ["Headline: Mistral AI choir sings to a full chapel"]
    rejected = article_store.rejections_on(
        open_database(tmp_path / "j.db"), "mistral", date.today()
    )
    assert [(r.url, r.reason) for r in rejected] == [(root + "/choir", "homonym")]
    assert "a choir of the same name" in rejected[0].detail
