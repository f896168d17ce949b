"""The MCP server: six tools and one resource per topic over :class:`bot.lookup.Lookup`.

Tools are ``async`` although the lookups are synchronous: the SDK runs a synchronous tool
on a worker thread, and the SQLite connection belongs to the thread that opened it. A
lookup is milliseconds; ``ask`` is the one that waits (on the model), and it is async.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from adapters.mcp import schemas
from bot import __version__
from bot.config import Language
from bot.errors import DigestbotError
from bot.lookup import MAX_SEARCH_RESULTS, Lookup

INSTRUCTIONS = (
    "digestbot's stored news digests, the articles behind them and what was rejected. "
    "Start with list_topics; get_digest gives a whole digest with its numbered sources; "
    "search_articles finds stored articles; ask answers a question with citations; "
    "explain_rejection tells why a URL was or was not used; list_sources shows feed health."
)
READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)

Topic = Annotated[str, Field(description="topic slug, as list_topics gives it")]
OptionalTopic = Annotated[
    str | None, Field(description="topic slug (default: every topic for a search, else the first)")
]


def latest_digest_uri(slug: str) -> str:
    return f"digestbot://digests/{slug}/latest"


@contextmanager
def _clear_errors() -> Iterator[None]:
    """The core's deliberate errors (unknown topic, no digest, empty question) reach the
    client as a tool error with their message; anything else is a crash the SDK hides."""
    try:
        yield
    except DigestbotError as exc:
        raise ToolError(str(exc)) from exc


def build_server(lookup: Lookup) -> MCPServer:
    server: MCPServer = MCPServer(
        "digestbot",
        title="digestbot",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
    )

    @server.tool(annotations=READ_ONLY)
    async def list_topics() -> schemas.Topics:
        """The configured topics, each with its stored article count and digests."""
        with _clear_errors():
            return schemas.topics_out(lookup.topics())

    @server.tool(annotations=READ_ONLY)
    async def get_digest(
        topic: Topic,
        date: Annotated[
            dt.date | None, Field(description="YYYY-MM-DD (default: the newest digest)")
        ] = None,
        language: Annotated[
            Language | None, Field(description="default: the topic's language, else any")
        ] = None,
    ) -> schemas.DigestOut:
        """A whole stored digest: its sections with [n] citations, every numbered source
        (title, outlet, time, link), the rejected candidates, how it was written, and the
        post as delivered."""
        with _clear_errors():
            return schemas.digest_out(lookup.digest(topic, date, language))

    @server.tool(annotations=READ_ONLY)
    async def search_articles(
        query: Annotated[str, Field(min_length=1, description="keywords")],
        topic: OptionalTopic = None,
        since: Annotated[
            dt.date | None, Field(description="published on or after this day, YYYY-MM-DD (UTC)")
        ] = None,
        until: Annotated[
            dt.date | None, Field(description="published on or before this day, YYYY-MM-DD (UTC)")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=MAX_SEARCH_RESULTS)] = 10,
    ) -> schemas.SearchResults:
        """Stored articles matching the keywords (BM25 over their paragraphs, as `ask`
        retrieves them), best first, each with its best passage."""
        with _clear_errors():
            return schemas.search_out(query, lookup.search(query, topic, since, until, limit))

    @server.tool(annotations=READ_ONLY)
    async def ask(
        question: Annotated[str, Field(min_length=1, max_length=1000)],
        topic: OptionalTopic = None,
        date: Annotated[
            dt.date | None,
            Field(
                description="search the sources of the 30 days ending on this day "
                "(default: today in the topic's timezone)"
            ),
        ] = None,
    ) -> schemas.AnswerOut:
        """Answer a question from the topic's stored sources of the last 30 days (qa.scope_days),
        with [n] citations. `grounded` is false when the sources do not cover it. Without a model
        key the answer quotes the sources (mode 'extractive', said in `note`)."""
        with _clear_errors():
            return schemas.answer_out(await lookup.ask(question, topic, date))

    @server.tool(annotations=READ_ONLY)
    async def explain_rejection(
        url: Annotated[str, Field(min_length=1, description="the article's http(s) URL")],
    ) -> schemas.ExplanationOut:
        """What happened to a candidate URL and why: kept (and which digest cites it),
        rejected with its reason and detail, a duplicate of which kept article, or never
        seen by any source."""
        with _clear_errors():
            return schemas.explanation_out(lookup.explain(url))

    @server.tool(annotations=READ_ONLY)
    async def list_sources(topic: Topic) -> schemas.Sources:
        """Each stored source of a topic with its health: last success, last error,
        failures in a row, and whether it is paused."""
        with _clear_errors():
            return schemas.sources_out(topic, lookup.sources(topic))

    for summary in lookup.topics():
        _add_latest_digest(server, lookup, summary.topic.slug, summary.topic.name)
    return server


def _add_latest_digest(server: MCPServer, lookup: Lookup, slug: str, name: str) -> None:
    async def read() -> str:
        try:
            return lookup.digest(slug).markdown
        except DigestbotError as exc:
            raise ResourceError(str(exc)) from exc

    reader: Callable[[], Awaitable[str]] = read
    server.resource(
        latest_digest_uri(slug),
        name=f"{slug}-latest-digest",
        title=f"{name}: the latest digest",
        description=f"The newest stored digest of {name}, as the Markdown post delivered.",
        mime_type="text/markdown",
    )(reader)
