"""A collect killed with SIGKILL midway keeps what it had judged, and the next run of the
same day fetches only what is left: no page is fetched twice, none is lost."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from bot.collect import collect
from bot.config import load_config
from bot.fetch import Fetcher
from storage import open_database
from tests.conftest import ROOT
from tests.fakes.news import article, hours_ago, rss
from tests.fakes.web import Handler, conditional, reply, serve

PAGES = 30
PAGE_DELAY_S = 0.25  # two at a time: the run takes about 4 s, enough to kill it midway
KILL_AFTER_JUDGED = 6
WORDS = (  # noqa: SIM905
    "model inference developers benchmark startup API GPU Paris enterprise customers "
    "release open-weight context window tokens agents code assistant pricing"
).split()


def _story(n: int) -> list[str]:
    rng = random.Random(n)  # noqa: S311 (filler text, not secrets)
    return [
        f"Mistral AI announced update number {n} of its platform for developers today.",
        *(" ".join(rng.choice(WORDS) for _ in range(40)) + "." for _ in range(4)),
    ]


def _slow(handler: Handler, fetched: Counter[str]) -> Handler:
    lock = threading.Lock()

    def handle(request: BaseHTTPRequestHandler) -> None:
        with lock:
            fetched[request.path] += 1
        time.sleep(PAGE_DELAY_S)
        handler(request)

    return handle


def _config(tmp_path: Path, db_path: Path, root: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\npath = "{db_path}"\n'
        '[fetch]\nallow_private_networks = true\nreplay_dir = ""\nretries = 0\n'
        "concurrency = 2\nper_host_concurrency = 2\nextract_workers = 1\n"
        '[[topics]]\nslug = "mistral"\nname = "Mistral AI"\nkeywords = ["Mistral AI"]\n'
        'timezone = "UTC"\ndelivery_time = "23:59"\n'
        f'[[topics.sources]]\nkind = "rss"\nurl = "{root}/feed.rss"\n',
        encoding="utf-8",
    )
    return path


def _judged(db_path: Path) -> set[str]:
    """Page paths with a stored verdict: kept, rejected, or judged as far as a page alone
    can be and waiting for the run's settlement (``pending_pages``)."""
    try:
        with sqlite3.connect(db_path) as conn:
            rows = conn.execute(
                "select url from articles union select url from rejections "
                "union select url from pending_pages"
            ).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return set()
    return {url.split("/", 3)[-1] for (url,) in rows if "/story/" in url}


def test_killed_collect_keeps_its_verdicts_and_the_rerun_does_not_redo_them(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "collect.db"
    fetched: Counter[str] = Counter()
    routes: dict[str, Handler] = {}
    with serve(routes) as root:
        items = [
            (f"Mistral AI update {n}", f"{root}/story/{n}", hours_ago(2)) for n in range(PAGES)
        ]
        # An ETag: a killed run must not have stored it, or the rerun would get a 304.
        routes["/feed.rss"] = conditional(rss(items), '"v1"')
        for n in range(PAGES):
            page = article(f"Mistral AI update {n}", _story(n), hours_ago(2))
            routes[f"/story/{n}"] = _slow(reply(200, page), fetched)
        config_path = _config(tmp_path, db_path, root)
        log = tmp_path / "collect.log"
        with log.open("wb") as sink:
            first = subprocess.Popen(
                [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())",
                 "--config", str(config_path), "collect", "--topic", "mistral"],
                cwd=ROOT, stdout=sink, stderr=sink, env={**os.environ, "COLUMNS": "80"},
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while len(_judged(db_path)) < KILL_AFTER_JUDGED:
                assert first.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the collect never stored a verdict"
                time.sleep(0.05)
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        finally:
            if first.poll() is None:
                first.kill()
        assert first.returncode == -signal.SIGKILL
        kept_after_kill = _judged(db_path)
        assert KILL_AFTER_JUDGED <= len(kept_after_kill) < PAGES, "killed midway"
        fetched_by_first = Counter(fetched)
        fetched.clear()

        config = load_config(config_path)

        async def rerun() -> None:
            db = open_database(db_path)
            async with Fetcher(config.fetch) as fetcher:
                await collect(db, config.topics[0], datetime.now(UTC).date(), fetcher)

        asyncio.run(rerun())

    assert all(count == 1 for count in fetched_by_first.values())
    refetched = {path.removeprefix("/") for path in fetched} & kept_after_kill
    assert not refetched, f"judged before the kill and fetched again: {sorted(refetched)}"
    assert _judged(db_path) == {f"story/{n}" for n in range(PAGES)}, "every page has a verdict"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from pending_pages").fetchone() == (0,)
