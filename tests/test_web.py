"""The web archive through Starlette's TestClient: pages, escaping, headers, access, feed."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import re
import shutil
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from starlette.testclient import TestClient

from adapters.web.app import create_app
from app.cli import main
from app.cli.web import web_token
from bot.archive import Archive, Highlighter, RejectionGroup, snippet
from bot.config import Config, Secrets, parse_config
from bot.digest import build_digest_async
from bot.errors import UsageError
from bot.i18n import CATALOG
from bot.models import Reason, Rejection
from bot.qa import terms as qterms
from bot.render import to_json
from storage import articles as article_store
from storage import digests as digest_store
from storage import open_database
from tests.conftest import SAMPLE_DATE, example_data

DAY = date.fromisoformat(SAMPLE_DATE)
HOSTILE = "<script>alert(1)</script> \"quoted\" 'single' \u202eevil\u202c & more"
HOSTILE_URL = 'https://hostile.example/a?x="><script>alert(2)</script>'
NO_SECRETS = Secrets(None, None, None)


@pytest.fixture(scope="session")
def archive_sample(collected_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample day's collection with its digest in both languages and one hostile
    rejection, built once per session (per worker); tests copy it."""
    path = tmp_path_factory.mktemp("web") / "archive.db"
    shutil.copyfile(collected_sample, path)
    config = parse_config(example_data())
    topic = config.topics[0]
    db = open_database(path)
    for language in ("zh-TW", "en"):
        asyncio.run(build_digest_async(db, topic, DAY, language))
    article_store.upsert_rejection(
        db,
        topic.slug,
        DAY,
        Rejection(HOSTILE_URL, Reason.SPAM, f"detail {HOSTILE}", title=f"Title {HOSTILE}"),
    )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def archive_config(sample_config: Config, archive_sample: Path) -> Config:
    shutil.copyfile(archive_sample, sample_config.storage.path)
    return sample_config


def _client(config: Config, token: str | None = None) -> TestClient:
    path = config.storage.path
    archive = Archive(lambda: open_database(path), config, NO_SECRETS)
    return TestClient(create_app(archive, token))


@pytest.fixture
def client(archive_config: Config) -> Iterator[TestClient]:
    with _client(archive_config) as test_client:
        yield test_client


class _Checker(HTMLParser):
    """Tags balance (void elements aside), ids are unique, no script, no inline style."""

    VOID = frozenset(
        [
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        ]
    )

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.ids: list[str] = []
        self.problems: list[str] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" or "style" in names or any(a.startswith("on") for a in names):
            self.problems.append(f"script or inline style: <{tag} {attrs}>")
        if "id" in names:
            self.ids.append(str(names["id"]))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
            return
        self.open.pop()


def assert_valid_html(html: str) -> None:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.doctype, "no <!DOCTYPE html>"
    assert not checker.problems, checker.problems
    assert not checker.open, f"unclosed: {checker.open}"
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    assert re.search(r'<html lang="(en|zh-TW)">', html)


def test_index_lists_topics_digests_and_feeds(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert_valid_html(page.text)
    assert "Mistral AI" in page.text
    assert 'href="/topics/mistral?lang=zh-TW"' in page.text
    assert 'href="/topics/mistral/feed.atom?lang=en"' in page.text
    listing = client.get("/topics/mistral?lang=en")
    assert_valid_html(listing.text)
    assert f'href="/topics/mistral/{SAMPLE_DATE}?lang=en"' in listing.text


def test_digest_page_links_every_citation_to_its_source(
    client: TestClient, archive_config: Config
) -> None:
    page = client.get(f"/topics/mistral/{SAMPLE_DATE}?lang=en")
    assert page.status_code == 200
    html = page.text
    assert_valid_html(html)
    db = open_database(archive_config.storage.path)
    stored = digest_store.find_digest(db, "mistral", DAY, "en")
    assert stored is not None
    digest = stored.digest
    assert digest.highlights and digest.sources
    for item in digest.highlights:
        assert item.headline.replace("'", "&#39;").replace('"', "&#34;") in html or (
            item.headline in html
        )
    cited = {int(n) for n in re.findall(r'class="cite" href="#source-(\d+)"', html)}
    assert cited and cited <= {s.n for s in digest.sources}
    for source in digest.sources:
        assert f'id="source-{source.n}"' in html
        assert source.url.replace("&", "&amp;") in html
    assert "Extractive mode" in html  # the mode is said, not implied
    assert "/infographic.png?lang=en" in html
    assert "📰 News highlights" in html  # the digest's own strings
    chinese = client.get(f"/topics/mistral/{SAMPLE_DATE}?lang=zh-TW").text
    assert '<html lang="zh-TW">' in chinese and "📰 新聞焦點" in chinese
    assert "離線摘錄模式" in chinese


def test_infographic_is_a_png(client: TestClient) -> None:
    image = client.get(f"/topics/mistral/{SAMPLE_DATE}/infographic.png?lang=en")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_what_else_groups_rejections_and_finds_by_url_or_title(client: TestClient) -> None:
    page = client.get(f"/topics/mistral/{SAMPLE_DATE}/else?lang=en")
    assert page.status_code == 200
    assert_valid_html(page.text)
    assert 'id="reason-spam"' in page.text and 'id="reason-duplicate"' in page.text
    # Each group under its catalog label, in the page's language; the code is the anchor.
    assert "<h3>Spam or advertising (" in page.text
    assert "<h3>Duplicates of a kept story (" in page.text
    assert not re.search(r"<h3>[a-z_]+ \(", page.text)
    chinese = client.get(f"/topics/mistral/{SAMPLE_DATE}/else?lang=zh-TW").text
    assert 'id="reason-spam"' in chinese and "<h3>垃圾訊息或廣告 (" in chinese
    assert "<h3>與已收錄報導重複 (" in chinese
    assert not re.search(r"<h3>[A-Za-z_ ]+ \(", chinese)
    found = client.get(f"/topics/mistral/{SAMPLE_DATE}/else", params={"q": "hostile.example"})
    assert 'id="reason-spam"' in found.text
    assert 'id="reason-duplicate"' not in found.text
    none = client.get(f"/topics/mistral/{SAMPLE_DATE}/else", params={"q": "no-such-thing-xyz"})
    assert "Nothing found" in none.text or "找不到" in none.text


def test_every_rejection_reason_has_a_label_in_every_language() -> None:
    for language in CATALOG:
        labels = {RejectionGroup(reason, ()).label(language) for reason in Reason}
        assert len(labels) == len(Reason)
        assert not labels & {str(reason) for reason in Reason}, language


def test_hostile_strings_are_escaped_everywhere(client: TestClient) -> None:
    page = client.get(f"/topics/mistral/{SAMPLE_DATE}/else", params={"q": "alert"})
    html = page.text
    assert_valid_html(html)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;quoted&#34;" in html and "&#39;single&#39;" in html
    # The RTL override is shown inside its element, and the element is closed after it.
    assert re.search("\u202eevil\u202c &amp; more</span>", html)
    echoed = client.get("/topics/mistral/search", params={"q": '"><script>x</script>'})
    assert "<script>x" not in echoed.text
    assert 'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in echoed.text


def test_hostile_digest_text_and_links_are_escaped(archive_config: Config) -> None:
    db = open_database(archive_config.storage.path)
    stored = digest_store.find_digest(db, "mistral", DAY, "en")
    assert stored is not None
    first = stored.digest.highlights[0]
    source = dataclasses.replace(stored.digest.sources[0], url="javascript:alert(3)")
    digest = dataclasses.replace(
        stored.digest,
        highlights=(dataclasses.replace(first, headline=HOSTILE), *stored.digest.highlights[1:]),
        sources=(source, *stored.digest.sources[1:]),
    )
    markdown = stored.markdown  # the page is rendered from the Digest, never from this
    digest_store.save_digest(
        db, digest, title="t", markdown=markdown, public_json=to_json(digest, markdown)
    )
    with _client(archive_config) as test_client:
        html = test_client.get(f"/topics/mistral/{SAMPLE_DATE}?lang=en").text
        feed = test_client.get("/topics/mistral/feed.atom?lang=en").text
    assert_valid_html(html)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert 'href="javascript:' not in html
    assert "<script>alert(1)" not in feedparser.parse(feed).entries[0].content[0].value


def test_every_response_carries_a_strict_csp(client: TestClient) -> None:
    for path in ("/", f"/topics/mistral/{SAMPLE_DATE}", "/nowhere", "/topics/mistral/feed.atom"):
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert "'unsafe-inline'" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/nowhere").status_code == 404
    assert client.get("/topics/nope").status_code == 404
    assert client.get("/topics/mistral/2020-13-45").status_code == 404


def test_nothing_can_be_written(client: TestClient) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.request(method, "/topics/mistral/ask", data={"q": "x"})
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD"


def test_token_is_required_when_set(archive_config: Config) -> None:
    with _client(archive_config, token="s3cret") as test_client:
        assert test_client.get("/").status_code == 401
        assert "basic" in test_client.get("/").headers["www-authenticate"].lower()
        wrong = {"Authorization": "Bearer nope"}
        assert test_client.get("/", headers=wrong).status_code == 401
        bearer = {"Authorization": "Bearer s3cret"}
        assert test_client.get("/", headers=bearer).status_code == 200
        basic = base64.b64encode(b"reader:s3cret").decode()
        feed = test_client.get(
            "/topics/mistral/feed.atom", headers={"Authorization": f"Basic {basic}"}
        )
        assert feed.status_code == 200


def test_off_loopback_needs_a_token() -> None:
    assert web_token("127.0.0.1", {}) is None
    assert web_token("::1", {}) is None
    assert web_token("192.0.2.1", {"DIGESTBOT_WEB_TOKEN": "t"}) == "t"
    with pytest.raises(UsageError, match="DIGESTBOT_WEB_TOKEN"):
        web_token("192.0.2.1", {})


def test_the_cli_refuses_a_public_host_without_a_token(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DIGESTBOT_WEB_TOKEN", raising=False)
    assert main(["web", "--host", "192.0.2.1", "--port", "1"]) == 2
    assert "DIGESTBOT_WEB_TOKEN" in capsys.readouterr().err


def test_atom_feed_parses_back_with_every_digest(client: TestClient) -> None:
    response = client.get("/topics/mistral/feed.atom?lang=zh-TW")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.language == "zh-TW"
    [entry] = feed.entries
    assert entry.link == f"http://testserver/topics/mistral/{SAMPLE_DATE}?lang=zh-TW"
    assert SAMPLE_DATE in entry.title
    html = entry.content[0].value
    assert "📰 新聞焦點" in html and "🔗 資料來源" in html
    assert f'href="http://testserver/topics/mistral/{SAMPLE_DATE}?lang=zh-TW#source-1"' in html
    empty = feedparser.parse(client.get("/topics/mistral/feed.atom?lang=en").content)
    assert len(empty.entries) == 1


def test_search_highlights_the_query_words(client: TestClient) -> None:
    page = client.get("/topics/mistral/search", params={"q": "Mistral model", "lang": "en"})
    assert page.status_code == 200
    assert_valid_html(page.text)
    assert re.search(r"<mark>Mistral</mark>", page.text)
    assert page.text.count("<li>") >= 3


def test_ask_shows_the_cli_answer(
    client: TestClient, collected_config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question = "What did Mistral release?"
    params = {"q": question, "lang": "en", "date": SAMPLE_DATE}
    page = client.get("/topics/mistral/ask", params=params)
    assert page.status_code == 200
    assert_valid_html(page.text)
    assert 'data-grounded="true"' in page.text
    assert "no MISTRAL_API_KEY" in page.text
    assert main(["ask", question, "--date", SAMPLE_DATE]) == 0
    cli_urls = re.findall(r"^    (\S+)$", capsys.readouterr().out, flags=re.MULTILINE)
    web_urls = re.findall(r'id="answer-source-\d+" value="\d+"><a href="([^"]+)"', page.text)
    assert cli_urls and web_urls == [u.replace("&", "&amp;") for u in cli_urls]
    too_long = client.get("/topics/mistral/ask", params={"q": "x" * 1001})
    assert too_long.status_code == 400 and "longer than" in too_long.text


@pytest.mark.parametrize(
    "question",
    ["Mistral released models", "What did Mistral release?", "Le Chat 2 pricing", "融資 估值 發布"],
)
def test_search_highlighting_marks_the_words_retrieval_matches(question: str) -> None:
    terms = tuple(qterms.query_terms(question))
    text = (
        "Mistral releases a model; the release of Le Chat 2 was priced at cost. "
        "Funding and valuation rose; 新創公司完成融資並發布新模型, launch in Paris, 2 ceo"
    )
    marked = {f.text for f in Highlighter(terms).fragments(text) if f.marked}
    expected = {
        word
        for word in re.findall(r"[^\W_]+", text)
        if any(qterms.matches(t, set(qterms.tokens(word))) for t in terms)
    }
    assert marked == expected and marked


def test_search_snippet_starts_near_the_first_match() -> None:
    text = "filler words " * 60 + "the Mistral launch " + "more filler " * 60
    piece = snippet(text, ("mistral",), width=90)
    assert piece.startswith("…") and piece.endswith("…")
    assert "Mistral" in piece and len(piece) == 92
