"""The archive in a real headless browser: Debian's chromium driven by Playwright, against
`digestbot web`'s app served by uvicorn on 127.0.0.1. No browser download ever: a machine
without chromium fails this test with the command that installs it."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from app.cli.web import build_web_app
from bot.config import Config
from tests.conftest import SAMPLE_DATE
from tests.test_web import archive_config, archive_sample  # noqa: F401 (fixtures)

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "sudo apt-get install -y chromium   (Debian/Ubuntu; make test does it as root)"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(
    archive_config: Config,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            build_web_app(archive_config, None),  # type: ignore[arg-type]
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


def test_a_reader_browses_the_archive(served: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"no browser at {CHROMIUM}: install it with\n    {INSTALL}")
    from playwright.sync_api import expect, sync_playwright

    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1300})
            page.set_default_timeout(8000)
            errors: list[str] = []  # a CSP violation is reported as a console error
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

            page.goto(f"{served}/?lang=en")
            expect(page.locator("h1")).to_have_text("Topics")
            page.get_by_role("link", name=f"1 digests in en, latest {SAMPLE_DATE}").click()
            page.get_by_role("link", name=SAMPLE_DATE).first.click()
            expect(page.locator("h1")).to_have_text(f"Mistral AI daily updates - {SAMPLE_DATE}")
            image = page.locator(".infographic img")
            expect(image).to_be_visible()
            expect(image).to_have_js_property("naturalWidth", 1200)  # the PNG loaded
            # A test never writes into the checkout; docs/web-digest.png is refreshed by hand.
            page.screenshot(path=str(tmp_path / "digest.png"), full_page=False)

            # A citation jumps to its source entry: title linked, outlet, time.
            citation = page.locator("section.highlights a.cite").first
            target = str(citation.get_attribute("href"))
            citation.click()
            assert page.url.endswith(target)
            source = page.locator(f"li{target}")
            expect(source).to_be_in_viewport()
            assert str(source.locator("a").get_attribute("href")).startswith("https://")
            expect(source.locator(".outlet")).not_to_be_empty()
            expect(source.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))

            # "Why was this not in my digest?": find a rejected item by its URL.
            page.get_by_role("link", name="What else was there").first.click()
            rejected = page.locator(".rejected li.rejection")
            total = rejected.count()
            assert total > 1
            url = rejected.first.locator(".url").first.inner_text()
            page.get_by_label("Find a URL or title").fill(url)
            page.get_by_role("button", name="Find").click()
            expect(rejected).to_have_count(1)
            expect(rejected.locator(".url").first).to_have_text(url)

            # Back on the digest, ask a question: the cited answer, its sources linked.
            page.get_by_role("link", name=f"← {SAMPLE_DATE}").click()
            page.get_by_label("Ask a question").fill("What did Mistral release?")
            page.get_by_role("button", name="Ask").click()
            answer = page.locator("section.answer")
            expect(answer).to_have_attribute("data-grounded", "true")
            expect(answer.locator("a.cite").first).to_be_visible()
            expect(answer.locator("ol.sources li").first).to_be_visible()
            assert not errors, errors
        finally:
            browser.close()
    assert time.monotonic() - started < 30
