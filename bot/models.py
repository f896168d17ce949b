"""The core's own types. Adapters and storage translate to and from these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal
from urllib.parse import urlsplit


class Reason(StrEnum):
    """Why a candidate did not become a source. Part of the public JSON interface."""

    DUPLICATE = "duplicate"
    OFF_TOPIC = "off_topic"
    HOMONYM = "homonym"
    SPAM = "spam"
    STALE = "stale"
    FETCH_ERROR = "fetch_error"
    EXTRACT_ERROR = "extract_error"
    BLOCKED_ADDRESS = "blocked_address"
    TOO_LARGE = "too_large"


Mode = Literal["model", "extractive"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One item announced by a source, before its page is fetched. Slotted: a poll of
    6,000 feeds holds some 200,000 of them at once, 280 bytes less each."""

    url: str
    title: str
    summary: str
    published: datetime | None
    source_url: str


@dataclass(frozen=True)
class Page:
    """An article page after extraction."""

    title: str
    text: str
    published: datetime | None
    author: str | None
    language: str | None


@dataclass(frozen=True)
class Article:
    """A candidate that was fetched and extracted and passed every filter."""

    url: str
    canonical_url: str
    title: str
    text: str
    published: datetime
    fetched: datetime
    language: str | None
    content_hash: str
    source_url: str
    author: str | None = None
    link: str = ""
    """The URL as the source announced it, when redirects led elsewhere."""
    relevance: float = 0.0
    kept_because: str = ""
    """What decided the page belongs to the topic, in the words of the filter that kept it."""
    id: int | None = None
    cluster: int | None = None


@dataclass(frozen=True)
class Rejection:
    url: str
    reason: Reason
    detail: str
    title: str = ""
    published: datetime | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True)
class Window:
    """The span of publication times one digest covers (UTC, end exclusive)."""

    start: datetime
    end: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def hours(self) -> str:
        """The span in hours as a reader counts them: 24, or 23 and 25 on the days the
        clocks change (23.5 where they move by half an hour)."""
        return f"{round((self.end - self.start).total_seconds() / 3600, 1):g}"


@dataclass(frozen=True)
class Story:
    """One event: its best article (``lead``) and the other URLs that carried it."""

    lead: Article
    copies: tuple[str, ...] = ()

    @property
    def outlets(self) -> int:
        return len({host(url) for url in (self.lead.url, *self.copies)})


@dataclass(frozen=True)
class SourceRef:
    n: int
    title: str
    url: str
    published: datetime
    article_id: int | None


@dataclass(frozen=True)
class Highlight:
    headline: str
    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Point:
    text: str
    citations: tuple[int, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Digest:
    topic: str
    topic_name: str
    date: date
    language: str
    mode: Mode
    trend: Point | None
    highlights: tuple[Highlight, ...]
    analysis: tuple[Point, ...]
    key_points: tuple[Point, ...]
    thoughts: tuple[Point, ...]
    sources: tuple[SourceRef, ...]
    summary: str
    tags: tuple[str, ...] = ()
    rejected: tuple[Rejection, ...] = field(default=())
    quiet: bool = False
    fallback_sections: tuple[str, ...] = ()
    """Sections where the model's text could not be verified and extractive text stands in."""
    mode_reason: str = ""
    """Why an extractive digest is extractive: ``no_key`` or the model's failure kind."""


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


# --- what storage hands back -----------------------------------------------------------


@dataclass(frozen=True)
class StoredDigest:
    """A digest as stored: the core's :class:`Digest`, its rendered post, and who wrote it."""

    id: int
    digest: Digest
    markdown: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    created: datetime
    updated: datetime


@dataclass(frozen=True)
class SourceHealth:
    """One stored source of a topic: its conditional-GET validators and how it has fared."""

    id: int
    topic: str
    kind: str
    url: str
    name: str
    origin: str
    etag: str
    last_modified: str
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    paused_until: datetime | None
    paused_reason: str | None

    def paused_at(self, moment: datetime) -> bool:
        return self.paused_until is not None and self.paused_until > moment


HISTORY_DAYS = 7
"""How many days before a digest its writer remembers."""


@dataclass(frozen=True)
class PastCoverage:
    """One source an earlier digest cited."""

    day: date
    title: str
    text: str
    cluster: int | None = None


@dataclass(frozen=True)
class Memory:
    """What the digests of the ``HISTORY_DAYS`` before one day told."""

    past: tuple[PastCoverage, ...] = ()
    digest_days: int = 0
    """Days, among the ``HISTORY_DAYS`` before this one, that have a stored digest."""
    earlier_headlines: tuple[tuple[date, str], ...] = ()

    @property
    def has_week(self) -> bool:
        """ "This week" is honest only when the six days before today were all covered."""
        return self.digest_days >= HISTORY_DAYS - 1
