"""SIGHUP makes ``digestbot run`` load its config file again. A bad file is one log line,
and the service goes on with the config it had; a good one takes effect without a restart."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.fakes.news import rss
from tests.fakes.telegram import FakeBotAPI, running
from tests.fakes.web import reply, serve
from tests.faults.service_support import killed, start, stop, wait_until, write_config


def test_sighup_with_a_bad_file_keeps_the_old_config_and_a_good_one_is_applied(
    tmp_path: Path,
) -> None:
    log = tmp_path / "run.log"
    routes = {"/feed.rss": reply(200, rss([]), "application/rss+xml")}
    with serve(routes) as root, running(FakeBotAPI()) as fake:
        config = write_config(tmp_path, feed=f"{root}/feed.rss", telegram=fake.url)
        good = config.read_text(encoding="utf-8")
        proc = start(config, log)
        try:
            wait_until(lambda: "scheduler: jobs" in log.read_text(), "the start", proc, log)
            config.write_text(
                good.replace("allow_private_networks = true", 'allow_private_networks = "yes"'),
                encoding="utf-8",
            )
            proc.send_signal(signal.SIGHUP)
            wait_until(lambda: "config reload failed" in log.read_text(), "the refusal", proc, log)
            refused = [line for line in log.read_text().splitlines() if "reload failed" in line]
            assert len(refused) == 1, refused
            assert "still running the previous config" in refused[0]
            assert "fetch.allow_private_networks" in refused[0]

            fake.push_text(500, "/help")  # still answering, on the old config
            fake.wait_for(lambda: bool(fake.to(500)), 30)

            second = good.replace('slug = "mistral"', 'slug = "mistral-ai"')
            config.write_text(second, encoding="utf-8")
            proc.send_signal(signal.SIGHUP)
            wait_until(
                lambda: "config reloaded: topics mistral-ai" in log.read_text(),
                "the new config",
                proc,
                log,
            )
            assert stop(proc, log) == 0, log.read_text()
        finally:
            killed(proc)
    assert "Traceback" not in log.read_text()
