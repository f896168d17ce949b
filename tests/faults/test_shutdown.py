"""SIGTERM stops ``digestbot run`` within 10 s whatever it is doing, and what it had not sent
stays ``pending`` (never ``sending`` or ``uncertain``), so the next start sends it once."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.fakes.mistral import FakeMistral
from tests.fakes.news import article, rss
from tests.fakes.telegram import FakeBotAPI, running
from tests.fakes.web import Handler, reply, serve
from tests.faults.service_support import (
    killed,
    run_until,
    start,
    statuses,
    stop,
    subscribe,
    wait_until,
    write_config,
)

CHATS = [20_000 + n for n in range(8)]


@pytest.fixture
def feed() -> Iterator[str]:
    with serve({"/feed.rss": reply(200, rss([]), "application/rss+xml")}) as root:
        yield f"{root}/feed.rss"


def _digests(fake: FakeBotAPI, chat: int) -> int:
    return sum(m.text.startswith("Mistral AI") for m in fake.to(chat))


def test_sigterm_in_a_429_pause_exits_and_the_refused_deliveries_stay_pending(
    tmp_path: Path, feed: str
) -> None:
    """Telegram answers 429 "retry after 600" mid fan-out, with chat replies queued too.
    SIGTERM exits at once (not after 10 minutes); the rows the platform refused go back to
    ``pending``; the restart sends each of them once."""
    log = tmp_path / "run.log"
    with running(FakeBotAPI()) as fake:
        config = write_config(tmp_path, feed=feed, telegram=fake.url, workers=4)
        subscribe(tmp_path / "run.db", CHATS)
        fake.flood_after = 3
        first = start(config, log)
        try:
            wait_until(lambda: fake.rate_limited >= 1, "a 429", first, log)
            for n in range(5):  # replies waiting behind the pause as well
                fake.push_text(CHATS[0], f"/help {n}")
            # Read by the bot (acknowledged by its next poll), so they wait behind the pause.
            wait_until(lambda: not fake.updates, "the replies to be read", first, log)
            assert stop(first, log) == 0, log.read_text()
        finally:
            killed(first)
        after_stop = statuses(tmp_path / "run.db")
        assert after_stop.count("sent") == 3, after_stop
        assert set(after_stop) == {"sent", "pending"}, after_stop

        fake.flood_after = None
        run_until(
            config,
            log,
            lambda: statuses(tmp_path / "run.db") == ["sent"] * len(CHATS),
            "every delivery sent after the restart",
        )
        assert [_digests(fake, chat) for chat in CHATS] == [1] * len(CHATS)
    assert "is uncertain" not in log.read_text()


def _by_chat(db_path: Path) -> dict[int, str]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("select chat_id, status from deliveries").fetchall()
    return {int(chat): status for chat, status in rows}


def test_sigterm_with_sends_in_flight_exits_and_only_those_may_have_arrived(
    tmp_path: Path, feed: str
) -> None:
    """The Bot API stored four messages and holds its answers when SIGTERM comes. The
    service exits within the bound without waiting for them; those four stay claimed
    (they reached the chat: ``uncertain`` after the restart, never sent twice), the ones
    not yet tried stay ``pending`` and the restart sends each once."""
    log = tmp_path / "run.log"
    db_path = tmp_path / "run.db"
    with running(FakeBotAPI()) as fake:
        config = write_config(tmp_path, feed=feed, telegram=fake.url, workers=4)
        subscribe(db_path, CHATS)
        fake.hold_from = 3  # two answered, then every answer held
        first = start(config, log)
        try:
            wait_until(lambda: len(fake.holding) == 4, "four sends in flight", first, log)
            assert stop(first, log) == 0, log.read_text()
        finally:
            killed(first)
            fake.hold_from = None
            fake.release.set()
        in_flight = {m.chat_id for m in fake.holding}
        after_stop = _by_chat(db_path)
        assert {chat for chat, status in after_stop.items() if status == "sending"} == in_flight
        assert sorted(after_stop.values()) == sorted(
            ["sent"] * 2 + ["sending"] * 4 + ["pending"] * (len(CHATS) - 6)
        ), after_stop

        run_until(
            config,
            log,
            lambda: not {"pending", "sending"} & set(statuses(db_path)),
            "the pending deliveries sent after the restart",
        )
        assert [_digests(fake, chat) for chat in CHATS] == [1] * len(CHATS)
    final = _by_chat(db_path)
    assert {chat for chat, status in final.items() if status == "uncertain"} == in_flight
    assert {status for chat, status in final.items() if chat not in in_flight} == {"sent"}


def _held(release: threading.Event, seen: threading.Event) -> Handler:
    """A server that takes the request and answers nothing until released."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        seen.set()
        release.wait(30)
        reply(200, rss([]), "application/rss+xml")(request)

    return handle


def test_sigterm_during_collect_exits_and_leaves_nothing_half_done(tmp_path: Path) -> None:
    """The feed never answers (collect would wait for ``fetch.deadline_s``). SIGTERM exits
    within the bound; no digest and no delivery was made of the unfinished collection."""
    log = tmp_path / "run.log"
    release, seen = threading.Event(), threading.Event()
    with (
        serve({"/feed.rss": _held(release, seen)}) as root,
        running(FakeBotAPI()) as fake,
    ):
        config = write_config(tmp_path, feed=f"{root}/feed.rss", telegram=fake.url)
        subscribe(tmp_path / "run.db", CHATS[:2])
        proc = start(config, log)
        try:
            wait_until(seen.is_set, "the feed to be requested", proc, log)
            assert stop(proc, log) == 0, log.read_text()
        finally:
            killed(proc)
            release.set()
        assert fake.to(CHATS[0]) == []
    with sqlite3.connect(tmp_path / "run.db") as conn:
        assert conn.execute("select count(*) from digests").fetchone() == (0,)
    assert statuses(tmp_path / "run.db") == []


STORY = (
    "Mistral AI released {product}, a new open-weight model for developers, the company said. "
    "The model runs on a single GPU and handles a context window of 128,000 tokens. "
    "Enterprise customers in Paris and Munich tested it for code assistance and agents. "
    "Pricing for the hosted API starts at two euros per million tokens, Mistral AI said. "
    "Benchmarks published with the release put it ahead of models twice its size."
)


def test_sigterm_while_the_model_writes_exits_and_stores_no_partial_digest(
    tmp_path: Path,
) -> None:
    """The model takes 30 s per call. SIGTERM mid-digest exits within the bound; no digest
    is stored (nor delivered) half written, and nothing is left ``sending``."""
    log = tmp_path / "run.log"
    routes: dict[str, Handler] = {}
    with (
        serve(routes) as root,
        running(FakeBotAPI()) as fake,
        FakeMistral() as mistral,
    ):
        # In the newest closed window: the day before today's 00:00 UTC delivery.
        published = datetime.combine(datetime.now(UTC).date(), time(0), UTC) - timedelta(hours=6)
        items = [(f"Mistral AI model {n}", f"{root}/story/{n}", published) for n in range(2)]
        routes["/feed.rss"] = reply(200, rss(items), "application/rss+xml")
        for n, product in enumerate(("Codestral Mamba", "Le Chat Enterprise")):
            text = STORY.format(product=product)
            page = article(f"Mistral AI {product}", [text, text.upper()], published)
            routes[f"/story/{n}"] = reply(200, page)
        # No second opinions on pages: the model call waited for is the digest's.
        extra = f'[mistral]\nserver_url = "{mistral.url}"\njudge_pages = 0\n'
        config = write_config(tmp_path, feed=f"{root}/feed.rss", telegram=fake.url, extra=extra)
        subscribe(tmp_path / "run.db", CHATS[:2])
        mistral.slow_down(30)
        proc = start(config, log, MISTRAL_API_KEY=mistral.api_key)
        try:
            wait_until(lambda: bool(mistral.chat_requests()), "a model call", proc, log)
            assert stop(proc, log) == 0, log.read_text()
        finally:
            killed(proc)
            mistral.slow_down(0)
        assert fake.to(CHATS[0]) == []
    with sqlite3.connect(tmp_path / "run.db") as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] >= 1, "collected"
        assert conn.execute("select count(*) from digests").fetchone() == (0,)
    assert statuses(tmp_path / "run.db") == []
