"""SIGKILL of ``digestbot run`` mid-digest and mid-delivery, then a restart: every subscriber
gets the digest exactly once, no half-written digest is stored, nothing is lost, and a row is
``uncertain`` only when its message reached the platform and the answer was never recorded.

A real service against the fakes on 127.0.0.1 (Bot API, Mistral, a feed server). The kill
lands at a known moment: the fakes hold their replies, so what the process had done when it
died is exactly what they saw.
"""

from __future__ import annotations

import json
import signal
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from threading import Lock

import pytest

from tests.fakes.mistral import Adversary, FakeMistral, requested_schema
from tests.fakes.news import article, rss
from tests.fakes.telegram import FakeBotAPI, running
from tests.fakes.web import Handler, reply, serve
from tests.faults.service_support import (
    killed,
    run_until,
    start,
    statuses,
    subscribe,
    wait_until,
    write_config,
)

CHATS = [30_000 + n for n in range(12)]
WORKERS = 4
ANSWERED = 5
"""The fake answers this many messages, then holds the reply to every later one."""


@pytest.fixture
def feed() -> Iterator[str]:
    with serve({"/feed.rss": reply(200, rss([]), "application/rss+xml")}) as root:
        yield f"{root}/feed.rss"


def _rows(db_path: Path) -> dict[int, tuple[str, list[str]]]:
    """chat -> (status, message ids) of its delivery."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("select chat_id, status, message_ids from deliveries").fetchall()
    chats = [int(chat) for chat, _, _ in rows]
    assert len(chats) == len(set(chats)), f"a chat has two delivery rows: {rows}"
    return {int(chat): (status, json.loads(ids)) for chat, status, ids in rows}


def _received(fake: FakeBotAPI) -> Counter[int]:
    with fake.lock:
        return Counter(m.chat_id for m in fake.messages)


def _digests(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute("select count(*) from digests").fetchone()[0])


def test_sigkill_while_deliveries_go_out_then_restart_sends_each_chat_exactly_once(
    tmp_path: Path, feed: str
) -> None:
    """Four sends in flight when the process dies: their messages reached the fake, their
    answers never came back. After the restart those four are ``uncertain`` (and not sent
    again), the ones answered before the kill are ``sent`` with the fake's message ids, and
    the ones never tried go out once."""
    log = tmp_path / "run.log"
    db_path = tmp_path / "run.db"
    fake = FakeBotAPI()
    with running(fake):
        config = write_config(tmp_path, feed=feed, telegram=fake.url, workers=WORKERS)
        subscribe(db_path, CHATS)
        fake.hold_from = ANSWERED + 1
        first = start(config, log)
        try:
            # Every worker is waiting for an answer: none is between its claim and its send.
            wait_until(lambda: len(fake.holding) == WORKERS, "every send in flight", first, log)
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        finally:
            killed(first)
            fake.hold_from = None
            fake.release.set()
        assert first.returncode == -signal.SIGKILL

        with fake.lock:
            in_flight = {m.chat_id for m in fake.holding}
            answered = {m.chat_id: str(m.message_id) for m in fake.messages}
        for chat in in_flight:
            answered.pop(chat)
        assert len(answered) == ANSWERED and len(in_flight) == WORKERS
        at_kill = _rows(db_path)
        assert {chat: row for chat, row in at_kill.items() if chat in answered} == {
            chat: ("sent", [message_id]) for chat, message_id in answered.items()
        }, "an answered send was not recorded"
        assert {chat: at_kill[chat][0] for chat in in_flight} == dict.fromkeys(in_flight, "sending")
        assert Counter(status for status, _ in at_kill.values()) == {
            "sent": ANSWERED,
            "sending": WORKERS,
            "pending": len(CHATS) - ANSWERED - WORKERS,
        }

        run_until(
            config,
            log,
            lambda: not {"pending", "sending"} & set(statuses(db_path)),
            "the restart to send what was pending",
        )
        assert _received(fake) == dict.fromkeys(CHATS, 1), "a chat got no digest, or two"
        final = _rows(db_path)
    assert {chat for chat, (status, _) in final.items() if status == "uncertain"} == in_flight
    assert all(final[chat][0] == "sent" for chat in set(CHATS) - in_flight)
    assert _digests(db_path) == 1, "the restart wrote the digest again"
    output = log.read_text()
    assert f"{WORKERS} delivery(ies) were interrupted by a crash: marked uncertain" in output


def test_sigkill_in_a_429_pause_leaves_the_refused_delivery_pending_not_uncertain(
    tmp_path: Path, feed: str
) -> None:
    """Telegram refuses the fourth message (429, retry after 600 s) and the process is
    killed while it waits out the pause. The refused one never reached the chat, so it is
    ``pending`` (not ``uncertain``) at the kill, and the restart sends it and the rest once."""
    log = tmp_path / "run.log"
    db_path = tmp_path / "run.db"
    chats = CHATS[:6]
    with running(FakeBotAPI()) as fake:
        # One worker: the refused send is the only one in flight when the pause begins.
        config = write_config(tmp_path, feed=feed, telegram=fake.url, workers=1)
        subscribe(db_path, chats)
        fake.flood_after = 3
        first = start(config, log)
        try:
            wait_until(
                lambda: fake.rate_limited == 1 and "sending" not in statuses(db_path),
                "the 429 and the refused claim handed back",
                first,
                log,
            )
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        finally:
            killed(first)
        assert first.returncode == -signal.SIGKILL
        assert Counter(statuses(db_path)) == {"sent": 3, "pending": len(chats) - 3}

        fake.flood_after = None
        run_until(
            config,
            log,
            lambda: statuses(db_path) == ["sent"] * len(chats),
            "every delivery sent after the restart",
        )
        assert _received(fake) == dict.fromkeys(chats, 1)
    assert "uncertain" not in log.read_text()


STORIES = {  # distinct stories (not copies of one another), each long enough to judge
    "Codestral Mamba": [
        "Mistral AI released Codestral Mamba, an open-weight code model, on Tuesday. "
        "It runs on a single GPU and reads a context window of 256,000 tokens, which lets "
        "it take a whole repository at once instead of one file at a time.",
        "Developers at two Paris startups used it to review pull requests for a month and "
        "reported that it caught missing tests and unsafe string handling. The weights are "
        "published under the Apache 2.0 licence, the company said, and the hosted version "
        "costs less than the previous code model.",
    ],
    "Le Chat Enterprise": [
        "Mistral AI opened Le Chat Enterprise to companies in Germany and Spain this week. "
        "Administrators can connect the assistant to their own document stores, calendars "
        "and mail servers, and keep every conversation on their own infrastructure.",
        "A bank in Munich has had 4,000 employees on it since the spring, Mistral AI said, "
        "mostly for drafting letters and searching internal guidelines. The price is 25 "
        "euros per seat and month, billed yearly, with volume discounts above 1,000 seats.",
    ],
    "Pixtral Large": [
        "Mistral AI unveiled Pixtral Large, a 124 billion parameter vision model that reads "
        "charts, scanned invoices and photographs of whiteboards as well as plain text.",
        "In the benchmarks published with the release it leads on document question "
        "answering and chart reading, ahead of several larger models. The hosted API serves "
        "it in the European Union from data centres in Sweden, and a smaller version for "
        "laptops is planned for the autumn, according to the company's announcement.",
    ],
}
PRODUCTS = tuple(STORIES)


def _counted(handler: Handler, fetched: Counter[str]) -> Handler:
    lock = Lock()

    def handle(request: BaseHTTPRequestHandler) -> None:
        with lock:
            fetched[request.path] += 1
        handler(request)

    return handle


def _writing(mistral: FakeMistral) -> bool:
    """A stage-1 request of the digest writer has arrived (not a page judge's)."""
    return any(
        (schema := requested_schema(request)) is not None and schema[0] == "Summaries"
        for request in mistral.chat_requests()
    )


def test_sigkill_while_the_model_writes_the_digest_then_restart_writes_and_sends_it_once(
    tmp_path: Path,
) -> None:
    """The model holds its first answer for a minute; the process is killed while it waits.
    Nothing of the digest is stored or sent; what the collection kept stays, so the restart
    fetches no story page again, writes one digest with the model and sends it once."""
    log = tmp_path / "run.log"
    db_path = tmp_path / "run.db"
    fetched: Counter[str] = Counter()
    routes: dict[str, Handler] = {}
    chats = CHATS[:3]
    with (
        serve(routes) as root,
        running(FakeBotAPI()) as fake,
        FakeMistral() as mistral,
    ):
        # In the newest closed window: the day before today's 00:00 UTC delivery.
        published = datetime.combine(datetime.now(UTC).date(), time(0), UTC) - timedelta(hours=6)
        items = [
            (f"Mistral AI {product}", f"{root}/story/{n}", published)
            for n, product in enumerate(PRODUCTS)
        ]
        routes["/feed.rss"] = reply(200, rss(items), "application/rss+xml")
        for n, product in enumerate(PRODUCTS):
            page = article(f"Mistral AI {product}", STORIES[product], published)
            routes[f"/story/{n}"] = _counted(reply(200, page), fetched)
        extra = f'[mistral]\nserver_url = "{mistral.url}"\n'
        config = write_config(tmp_path, feed=f"{root}/feed.rss", telegram=fake.url, extra=extra)
        subscribe(db_path, chats)
        mistral.reply_with(Adversary())  # a model that writes (half of it wrong)
        mistral.slow_down(60)
        first = start(config, log, MISTRAL_API_KEY=mistral.api_key)
        try:
            wait_until(lambda: _writing(mistral), "the digest writer's first call", first, log)
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        finally:
            killed(first)
            mistral.slow_down(0)
        assert first.returncode == -signal.SIGKILL
        assert sum(_received(fake).values()) == 0
        assert _digests(db_path) == 0, "a half-written digest was stored"
        assert statuses(db_path) == []
        with sqlite3.connect(db_path) as conn:
            kept = conn.execute("select count(*) from articles").fetchone()[0]
        assert kept == len(PRODUCTS), "the collection before the kill was lost"
        fetched_before = Counter(fetched)
        assert fetched_before == {f"/story/{n}": 1 for n in range(len(PRODUCTS))}

        run_until(
            config,
            log,
            lambda: statuses(db_path) == ["sent"] * len(chats),
            "the restart to write and send the digest",
            MISTRAL_API_KEY=mistral.api_key,
        )
        # One digest per chat (in as many messages as it has parts): the ones recorded.
        with fake.lock:
            received = {chat: [str(m.message_id) for m in fake.to(chat)] for chat in chats}
            titles = Counter(m.chat_id for m in fake.messages if m.text.startswith("Mistral AI"))
        assert titles == dict.fromkeys(chats, 1), "a chat got no digest, or two"
        rows = _rows(db_path)
        assert received == {chat: rows[chat][1] for chat in chats}
    assert fetched == fetched_before, "the restart fetched a story page again"
    with sqlite3.connect(db_path) as conn:
        digests = conn.execute("select mode from digests").fetchall()
        cited = conn.execute("select count(*) from digest_sources").fetchone()[0]
    assert digests == [("model",)], digests
    assert cited == len(PRODUCTS), "a story collected before the kill is missing"
