"""The topic's names in other languages: offline, a page that never names the topic in
another language says how to add its name; with the model judge, the languages of such
pages are asked about once, and their names join the topic's from the next run on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from html import escape
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
from tests.fakes.news import article, hours_ago, rss
from tests.fakes.web import Handler, reply, serve

FETCH = FetchConfig(allow_private_networks=True, timeout_s=5, retries=0, replay_dir="")
NO_RETRY = RetryPolicy(initial_ms=1, max_ms=1, max_elapsed_ms=1)

ENGLISH = [
    "Astronomers using a new survey of 40,000 galaxies say dark matter clumps less than "
    "the standard model of cosmology predicts, a result that could point to new physics.",
    "The team measured how the light of distant galaxies is bent on its way to Earth and "
    "compared the pattern with simulations of the early universe.",
    "Other groups will test the finding with data from two space telescopes next year, "
    "the researchers said, and the gap may yet close as the maps improve.",
]


OTHER_DE = [
    "Ein Detektor tief unter dem Gran Sasso in Italien hat nach drei Jahren Messzeit "
    "noch immer kein Signal der gesuchten Teilchen aufgefangen.",
    "Die Physiker wollen den Tank im nächsten Winter vergrößern und die Empfindlichkeit "
    "damit um das Zehnfache steigern, teilte das Institut am Montag mit.",
    "Konkurrierende Experimente in China und den USA melden ähnliche Nullergebnisse und "
    "planen ebenfalls größere Anlagen für die kommenden Jahre.",
]


def _german(title: str, lead: str, rest: list[str] | None = None) -> bytes:
    paragraphs = (
        [lead, *rest]
        if rest
        else [
            lead,
            "Die Forscher haben dafür die Bewegung von mehr als zweitausend Sternen in kleinen "
            "Begleitgalaxien der Milchstraße vermessen und mit Simulationen verglichen.",
            "Die Ergebnisse sollen im kommenden Jahr mit Daten eines neuen Teleskops in Chile "
            "überprüft werden, sagte die Leiterin der Gruppe in einem Gespräch mit der Zeitung.",
            "Bis dahin bleibe offen, ob die Abweichung auf neue Physik oder auf Fehler in den "
            "Modellen der Galaxienentstehung zurückgehe, heißt es in der Mitteilung.",
        ]
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='de'><head><title>{escape(title)}</title></head>"
        f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()


FIRST_DE = (
    "Neue Messungen zur Dunklen Materie",
    "Dunkle Materie ist in Zwerggalaxien offenbar gleichmäßiger verteilt als gedacht, "
    "berichten Astronomen aus Heidelberg in einer neuen Studie.",
)
SECOND_DE = (
    "Dunkle Materie: Heidelberger Team legt nach",
    "Die Heidelberger Gruppe hat ihre Messungen zur Dunkle Materie auf weitere "
    "Zwerggalaxien ausgedehnt und sieht ihre Ergebnisse bestätigt.",
)


def _topic(root: str) -> TopicConfig:
    return TopicConfig(
        slug="dark-matter",
        name="Dark matter",
        keywords=["dark matter"],
        context=["galaxies", "physics"],
        sources=[SourceConfig(kind="rss", url=root + "/feed.rss")],
    )


def _routes(
    root: str, german: tuple[str, str], path: str, rest: list[str] | None = None
) -> dict[str, Handler]:
    now = hours_ago(3)
    return {
        "/feed.rss": reply(
            200,
            rss([("Dark matter clumps less", root + "/en", now), (german[0], root + path, now)]),
            "application/rss+xml",
        ),
        "/en": reply(200, article("Dark matter clumps less", ENGLISH)),
        path: reply(200, _german(*german, rest)),
    }


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    with FakeMistral() as server:
        yield server


def _names_or_verdict(names: list[dict[str, Any]]) -> Any:
    def answer(request: dict[str, Any]) -> str:
        prompt = request["messages"][-1]["content"]
        if "Languages (ISO 639-1):" in prompt:
            return json.dumps({"names": names})
        return json.dumps({"verdict": "on_topic", "reason": "about the topic"})

    return answer


async def _collect(db_path: Path, topic: TopicConfig, judge: PageJudge | None) -> CollectReport:
    async with Fetcher(FETCH) as fetcher:
        return await collect(open_database(db_path), topic, date.today(), fetcher, judge=judge)


def _model(fake: FakeMistral) -> MistralModel:
    return MistralModel(MistralConfig(server_url=fake.url), fake.api_key, retry=NO_RETRY)


def _verdict(db_path: Path, url: str) -> str:
    db = open_database(db_path)
    if any(
        link == url or canonical == url
        for canonical, link in article_store.stored_urls(db, "dark-matter")
    ):
        return "kept"
    rejected = {r.url: r for r in article_store.rejections_on(db, "dark-matter", date.today())}
    return rejected[url].detail


async def _two_runs(
    fake: FakeMistral, db_path: Path, routes: dict[str, Handler], root: str
) -> tuple[str, CollectReport]:
    """A run that meets a German page the topic's names miss, then one with another:
    (the first page's rejection, the second run's report)."""
    routes.update(_routes(root, FIRST_DE, "/de1"))
    async with _model(fake) as model:
        await _collect(db_path, _topic(root), PageJudge(model, 5))
        first = _verdict(db_path, root + "/de1")
        routes.update(_routes(root, SECOND_DE, "/de2"))
        return first, await _collect(db_path, _topic(root), PageJudge(model, 5))


async def test_a_language_of_unnamed_pages_is_asked_once_and_its_names_keep_later_pages(
    fake: FakeMistral, tmp_path: Path
) -> None:
    fake.reply_with(
        _names_or_verdict([{"language": "de", "name": "Dunkle Materie", "shared": False}])
    )
    db_path = tmp_path / "d.db"
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        first, report = await _two_runs(fake, db_path, routes, root)
        # Nothing told the first run the German name: the rejection says how to add it.
        assert "the page is in 'de'" in first and "keywords or aliases" in first
        assert report.names_learned == ["de: Dunkle Materie"]
        assert report.names_usage.prompt_tokens > 0
        asked = [r["messages"][-1]["content"] for r in fake.chat_requests()]
        asked = [prompt for prompt in asked if "Languages (ISO 639-1):" in prompt]
        assert len(asked) == 1 and "Languages (ISO 639-1): de" in asked[0]
        assert _verdict(db_path, root + "/de2") == "kept"
        # Learned once, kept: a run without the model still knows the name, and asks nothing.
        requests = len(fake.chat_requests())
        third = ("Dunkle Materie bleibt rätselhaft", "Die Suche nach Dunkle Materie geht weiter.")
        routes.update(_routes(root, third, "/de3", OTHER_DE))
        report = await _collect(db_path, _topic(root), None)
        assert report.names_learned == [] and len(fake.chat_requests()) == requests
        assert _verdict(db_path, root + "/de3") == "kept"


async def test_a_reply_that_does_not_fit_learns_nothing_and_the_hint_stands(
    fake: FakeMistral, tmp_path: Path
) -> None:
    fake.reply_with(_names_or_verdict([{"language": "de", "shared": False}]))  # no name
    db_path = tmp_path / "d.db"
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        _, report = await _two_runs(fake, db_path, routes, root)
        assert report.names_learned == []
        assert "the page is in 'de'" in _verdict(db_path, root + "/de2")
