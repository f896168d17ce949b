"""News-search feeds (Google-News style RSS): one feed aggregating many publishers.

Item links are redirects through the search service; the guarded client follows them to
the publisher (checking every hop), so the stored URL is the publisher's. The publisher's
name comes from the item's ``<source>`` element, and the " - Publisher" suffix these
services append to every title is removed.
"""

from __future__ import annotations

from bot.models import Candidate
from bot.sources.base import Item, Unlinked
from bot.sources.feeds import entries, to_candidate


class SearchFeed:
    name = "search"

    def parse(self, content: bytes, url: str, content_type: str) -> list[Candidate]:
        found: list[Candidate] = []
        for entry in entries(content, url, content_type):
            base = to_candidate(entry, url)
            if isinstance(base, Unlinked):
                found.append(base)
                continue
            source = entry.get("source") or {}
            publisher = str(source.get("title", "") or "").strip()
            title = base.title
            if publisher and title.endswith(f" - {publisher}"):
                title = title.removesuffix(f" - {publisher}").rstrip()
            found.append(
                Item(
                    url=base.url,
                    title=title,
                    # The summary of a search result is only the title again, as a link.
                    summary="",
                    published=base.published,
                    source_url=url,
                    publisher=publisher,
                )
            )
        return found
