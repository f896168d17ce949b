"""Source kinds: each turns the bytes of one fetched source into candidates.

=========  ==========================================================================
kind       read by
=========  ==========================================================================
rss, atom  :class:`~bot.sources.feeds.Feed` (feedparser, bytes only)
search     :class:`~bot.sources.search.SearchFeed` (news-search RSS, redirect links)
json       chosen by URL shape: ``hn.algolia.com/api/v1/search[_by_date]`` is
           :class:`~bot.sources.jsonapi.HackerNewsSearch`;
           ``api.github.com/repos/OWNER/REPO/releases`` is
           :class:`~bot.sources.jsonapi.GitHubReleases`
=========  ==========================================================================
"""

from bot.sources.base import FeedError, Item, SourceKind
from bot.sources.feeds import Feed, parse_feed
from bot.sources.jsonapi import GitHubReleases, HackerNewsSearch, json_kind
from bot.sources.search import SearchFeed

__all__ = [
    "Feed",
    "FeedError",
    "GitHubReleases",
    "HackerNewsSearch",
    "Item",
    "SearchFeed",
    "SourceKind",
    "kind_for",
    "parse_feed",
]


def kind_for(kind: str, url: str) -> SourceKind:
    """The reader for a configured source; :class:`FeedError` for a JSON URL we cannot read."""
    if kind == "search":
        return SearchFeed()
    if kind == "json":
        reader = json_kind(url)
        if reader is None:
            raise FeedError(
                "unsupported JSON API (supported: hn.algolia.com/api/v1/search, "
                "api.github.com/repos/OWNER/REPO/releases)"
            )
        return reader
    return Feed(kind)
