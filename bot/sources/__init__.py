"""Source kinds: each turns the bytes of one fetched source into candidates."""

from bot.sources.feeds import FeedError, parse_feed

__all__ = ["FeedError", "parse_feed"]
