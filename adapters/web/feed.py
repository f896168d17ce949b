"""The Atom feed of one topic in one language: one entry per digest with its whole HTML."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from feedgen.feed import FeedGenerator

from bot.archive import DigestPage


def atom_feed(
    pages: Sequence[DigestPage],
    *,
    title: str,
    feed_url: str,
    page_url: Callable[[DigestPage], str],
    body_html: Callable[[DigestPage], str],
    home_url: str,
    language: str,
) -> bytes:
    """``pages`` newest first. Entry ids are the digests' page URLs: a digest rewritten the
    same day keeps its id and gets a new ``updated``, so readers show it once."""
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(title)
    feed.link(href=home_url, rel="alternate", type="text/html")
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    feed.language(language)
    feed.generator("digestbot")
    feed.author({"name": "digestbot"})
    if pages:
        feed.updated(max(p.stored.updated for p in pages))
    for page in pages:
        url = page_url(page)
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(page.title)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(page.stored.created)
        entry.updated(page.stored.updated)
        entry.summary(page.stored.digest.summary or page.title)
        entry.content(body_html(page), type="html")
    return bytes(feed.atom_str(pretty=True))
