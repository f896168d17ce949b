"""The read-only web archive: server-rendered pages over :class:`bot.archive.Archive`.

Routes (every one GET; ``?lang=en|zh-TW`` picks the digests' and the page's language,
default the topic's):

    /                                 topics and their digests per language
    /topics/SLUG                      the topic's digests, newest first, by month
    /topics/SLUG/DATE                 one digest, its sources, its infographic
    /topics/SLUG/DATE/infographic.png the infographic, drawn on request
    /topics/SLUG/DATE/else?q=         the day's kept stories and rejected candidates
    /topics/SLUG/search?q=            search over the stored passages
    /topics/SLUG/ask?q=               the cited answer of ``digestbot ask``
    /topics/SLUG/feed.atom            the Atom feed, one entry per digest
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from adapters.infographic import draw_infographic
from adapters.jekyll import infographic_data
from adapters.web.access import AccessMiddleware
from adapters.web.feed import atom_feed
from bot.archive import Archive, DigestPage, cited_fragments
from bot.config import LANGUAGES, TopicConfig
from bot.errors import UsageError
from bot.i18n import text

HERE = Path(__file__).resolve().parent
STYLESHEET = HERE / "static" / "style.css"


def safe_href(url: str) -> str:
    """Only http(s) links are links: a source's URL comes from the web."""
    return url if urlsplit(url).scheme in ("http", "https") else "#"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = safe_href
    env.globals["cited_fragments"] = cited_fragments
    return env


class WebArchive:
    """The pages, bound to one :class:`Archive`."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.env = _environment()

    # --- helpers ---------------------------------------------------------------------

    def _topic(self, request: Request) -> TopicConfig:
        topic = self.archive.topic(request.path_params["slug"])
        if topic is None:
            raise HTTPException(404)
        return topic

    @staticmethod
    def _language(request: Request, default: str) -> str:
        lang = request.query_params.get("lang", default)
        return lang if lang in LANGUAGES else default

    @staticmethod
    def _day(request: Request) -> date:
        try:
            return date.fromisoformat(request.path_params["day"])
        except ValueError:
            raise HTTPException(404) from None

    def _digest(self, request: Request) -> DigestPage:
        topic = self._topic(request)
        lang = self._language(request, topic.language)
        page = self.archive.digest(topic, self._day(request), lang)
        if page is None:
            raise HTTPException(404)
        return page

    def _render(self, template: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
        def t(key: str, **values: object) -> str:
            return text(lang, key, **values)

        html = self.env.get_template(template).render(lang=lang, t=t, **context)
        return HTMLResponse(html, status_code=status)

    def body_html(self, page: DigestPage, base: str = "") -> str:
        """The digest itself, as on its page; ``base`` prefixes its in-page links (the feed
        needs absolute ones)."""

        def t(key: str, **values: object) -> str:
            return text(page.language, key, **values)

        return self.env.get_template("_digest_body.html").render(page=page, base=base, t=t)

    # --- pages -------------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        first = self.archive.config.topics[0].language
        lang = self._language(request, first)
        return self._render("index.html", lang, topics=self.archive.topics())

    async def topic(self, request: Request) -> Response:
        topic = self._topic(request)
        lang = self._language(request, topic.language)
        listings = self.archive.listings(topic, lang)
        months = [
            (m, list(items)) for m, items in groupby(listings, lambda d: d.day.strftime("%Y-%m"))
        ]
        return self._render("topic.html", lang, topic=topic, months=months)

    async def digest(self, request: Request) -> Response:
        page = self._digest(request)
        # Safe: rendered by the autoescaping template, every value in it escaped.
        body = Markup(self.body_html(page))  # noqa: S704
        return self._render(
            "digest.html", page.language, page=page, topic=page.topic, body=body, day=page.day
        )

    async def infographic(self, request: Request) -> Response:
        page = self._digest(request)
        post = self.archive.post(page)
        png = await asyncio.to_thread(_draw, post)
        return Response(png, media_type="image/png", headers={"cache-control": "max-age=300"})

    async def what_else(self, request: Request) -> Response:
        topic = self._topic(request)
        lang = self._language(request, topic.language)
        day = self._day(request)
        query = request.query_params.get("q", "")[:300]
        found = self.archive.what_else(topic, day, query)
        return self._render("what_else.html", lang, topic=topic, found=found)

    async def search(self, request: Request) -> Response:
        topic = self._topic(request)
        lang = self._language(request, topic.language)
        query = request.query_params.get("q", "")[:300]
        results = self.archive.search(topic, query)
        return self._render("search.html", lang, topic=topic, results=results)

    async def ask(self, request: Request) -> Response:
        topic = self._topic(request)
        lang = self._language(request, topic.language)
        question = request.query_params.get("q", "")
        try:
            day = date.fromisoformat(request.query_params.get("date", ""))
        except ValueError:
            day = None  # today, as for digestbot ask
        result, error = None, ""
        if question.strip():
            try:
                result = await self.archive.ask(topic, question, day)
            except UsageError as exc:
                error = str(exc)
        status = 400 if error else 200
        return self._render(
            "ask.html",
            lang,
            status,
            topic=topic,
            question=question,
            result=result,
            error=error,
            day=day,
        )

    async def feed(self, request: Request) -> Response:
        topic = self._topic(request)
        lang = self._language(request, topic.language)
        pages = self.archive.recent(topic, lang)
        root = str(request.base_url).rstrip("/")
        lang_query = f"?lang={lang}"

        def page_url(page: DigestPage) -> str:
            return f"{root}/topics/{topic.slug}/{page.day.isoformat()}{lang_query}"

        body = atom_feed(
            pages,
            title=f"{topic.name}: {text(lang, 'web_digests')} ({lang})",
            feed_url=f"{root}/topics/{topic.slug}/feed.atom{lang_query}",
            page_url=page_url,
            body_html=lambda page: self.body_html(page, base=page_url(page)),
            home_url=f"{root}/topics/{topic.slug}{lang_query}",
            language=lang,
        )
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    async def stylesheet(self, request: Request) -> Response:
        return FileResponse(STYLESHEET, media_type="text/css")

    async def not_found(self, request: Request, exc: Exception) -> Response:
        lang = self._language(request, self.archive.config.topics[0].language)
        return self._render("error.html", lang, 404)


def _draw(post: Any) -> bytes:
    with tempfile.TemporaryDirectory(prefix="digestbot-web-") as folder:
        return draw_infographic(
            infographic_data(post), Path(folder) / "infographic.png"
        ).read_bytes()


def create_app(archive: Archive, token: str | None = None) -> AccessMiddleware:
    """The ASGI application. With ``token``, every request must present it."""
    web = WebArchive(archive)
    routes = [
        Route("/", web.index),
        Route("/static/style.css", web.stylesheet),
        # Browsers ask for it on every site; no icon, and no 404 in their console.
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/topics/{slug}", web.topic),
        Route("/topics/{slug}/feed.atom", web.feed),
        Route("/topics/{slug}/search", web.search),
        Route("/topics/{slug}/ask", web.ask),
        Route("/topics/{slug}/{day}", web.digest),
        Route("/topics/{slug}/{day}/infographic.png", web.infographic),
        Route("/topics/{slug}/{day}/else", web.what_else),
    ]
    app = Starlette(routes=routes, exception_handlers={404: web.not_found})
    return AccessMiddleware(app, token)
