"""The one interface every source kind implements, and the choice of kind for a source.

A kind turns the bytes of one fetched source into candidates. It never fetches: the
guarded client in :mod:`bot.fetch` does, so every kind obeys the same limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.errors import DigestbotError
from bot.models import Candidate


class FeedError(DigestbotError):
    """The bytes are not what the source kind reads (not a feed, not the expected JSON)."""


@dataclass(frozen=True)
class Item(Candidate):
    """A candidate with what some kinds know beyond a feed entry.

    ``publisher`` is the outlet a news-search result names (its link is a redirect, so the
    URL does not show it). ``text`` is the full text when the source itself carries it (a
    GitHub release note, an Ask HN post): no page needs to be fetched then.
    ``own_channel`` marks an item from a source that is about one project by construction
    (the releases of a repository the operator chose): relevance is not scored again,
    spam and staleness still are.
    """

    publisher: str = ""
    text: str = ""
    own_channel: bool = False


@dataclass(frozen=True)
class Unlinked(Candidate):
    """An entry its source announced with no link to an article page (none at all, or only
    a licence, a media file, the feed itself): never fetched, reported with ``why`` so the
    operator sees what the feed carries and the collect summary adds up."""

    why: str = ""


class SourceKind(Protocol):
    name: str

    def parse(self, content: bytes, url: str, content_type: str) -> list[Candidate]:
        """Candidates announced by the fetched source (entries with no article link as
        :class:`Unlinked`); :class:`FeedError` if unreadable."""
        ...
