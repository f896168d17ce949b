"""Feeds and article pages for collection tests, served by tests.fakes.web."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape


def rss(items: list[tuple[str, str, datetime]], encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 feed of (title, link, published) items, encoded as declared."""
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<pubDate>{format_datetime(published)}</pubDate></item>"
        for title, link, published in items
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>Test feed</title><link>https://feeds.example/</link>{entries}</channel></rss>"
    ).encode(encoding)


def article(title: str, paragraphs: list[str], published: datetime | None = None) -> bytes:
    """An article page as publishers write them: navigation, the story, a footer."""
    meta = (
        f'<meta property="article:published_time" content="{published.isoformat()}">'
        if published
        else ""
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><title>{escape(title)}</title>{meta}</head>"
        "<body><nav><a href='/'>Home</a> <a href='/tech'>Tech</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>© News Example. All rights reserved.</footer></body></html>"
    ).encode()


def hours_ago(hours: float) -> datetime:
    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0)


MISTRAL_STORY = [
    "Mistral AI released a new open-weight model on Tuesday, saying it matches larger "
    "rivals on coding benchmarks while running on a single GPU.",
    "The Paris-based startup said the model is available through its API and in Le Chat, "
    "and that enterprise customers can deploy it on their own infrastructure.",
    "Developers who tested early versions said inference was noticeably faster than the "
    "previous generation, although independent benchmarks have yet to be published.",
    "The company has raised more than a billion euros and counts Nvidia among its backers; "
    "it competes with OpenAI and Anthropic for business customers in Europe.",
]

OTHER_MISTRAL_STORY = [
    "Le Chat, the assistant made by Mistral AI, now remembers earlier conversations when "
    "users allow it, the company said in a post for its enterprise customers.",
    "Administrators can switch the memory feature off for a whole workspace, and stored "
    "memories can be exported or erased at any time, according to the announcement.",
    "The update arrives as European regulators look closely at how chat assistants keep "
    "personal data, and as rivals add similar features to their own products.",
]
