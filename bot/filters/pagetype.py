"""Pages that are not articles: profiles, job listings, forum threads, index pages.

They can name the topic in every line and still be no source a reader should be sent to
(a person's profile, a job ad, a discussion thread, a podcast's list of episodes). Each
kind is recognised by the furniture such pages share across sites, never by one site's
wording; a page needs several independent signs of a kind.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

MIN_SIGNS = 3
INDEX_MIN_ENTRIES = 4

_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    "a personal profile page": (
        ("followers", r"\b[\d.,]+\s?[kKmM]?\+?\s+followers\b"),
        ("connections", r"\b\d[\d,]*\+?\s+connections\b"),
        ("'join to connect'", r"\bjoin to connect\b|\bfollow to see\b"),
        ("'opinions are my own'", r"\bopinions (are )?my own\b|\bviews are my own\b"),
        ("experience section", r"(?m)^\s*experience\s*[:\n]"),
        ("education section", r"(?m)^\s*education\s*[:\n]"),
        ("skills list", r"(?m)\bskills\s*:"),
    ),
    "a job listing": (
        ("'apply now'", r"\bapply now\b|\beasy apply\b"),
        ("applicant count", r"\b\d+\s+applicants\b"),
        ("'save job'", r"\bsave (this )?job\b"),
        ("responsibilities", r"(?m)^\s*(responsibilities|what you.ll do)\s*:"),
        ("requirements", r"(?m)^\s*(requirements|qualifications|what we.re looking for)\s*:"),
        ("benefits", r"(?m)^\s*(benefits|perks)\s*:"),
        ("posting age", r"\bposted\s+\d+\s+(hours?|days?|weeks?)\s+ago\b"),
        ("'is hiring'", r"\bis hiring\b|\bwe.re hiring\b"),
        ("contract type", r"\bfull[- ]time\b|\bpart[- ]time\b"),
    ),
    "a forum or discussion thread": (
        ("'posted by' a user", r"\bposted by\s+u/\w+|\bsubmitted by\s+\w+"),
        ("votes", r"\b[\d.,]+\s?[kK]?\s+(points|upvotes|votes)\b"),
        ("comment count", r"\b[\d.,]+\s?[kK]?\s+comments\b"),
        ("replies", r"(?m)^\s*(reply|top comment|level \d+)\s*:"),
        ("subreddit", r"(?<!\w)r/\w+"),
    ),
}


@dataclass(frozen=True)
class PageKind:
    kind: str | None
    detail: str


def _index_entries(text: str) -> tuple[str, int]:
    """The most repeated paragraph opening ("episode #:", a date; list bullets ignored) and
    how often it recurs."""
    openings = Counter(
        re.sub(r"\d+", "#", " ".join(paragraph.lstrip("-*•· ").split()[:2]).lower())
        for paragraph in text.splitlines()
        if paragraph.strip()
    )
    return openings.most_common(1)[0] if openings else ("", 0)


def classify(title: str, text: str) -> PageKind:
    """Which non-article kind a page is, if it is one; with the signs that said so."""
    body = f"{title}\n{text}"
    for kind, signs in _KINDS.items():
        found = [name for name, pattern in signs if re.search(pattern, body, re.IGNORECASE)]
        if len(found) >= MIN_SIGNS:
            return PageKind(kind, f"{kind}, not an article ({', '.join(found)})")
    paragraphs = [p for p in text.splitlines() if p.strip()]
    opening, repeats = _index_entries(text)
    if repeats >= INDEX_MIN_ENTRIES and repeats * 2 >= len(paragraphs) and "#" in opening:
        return PageKind(
            "an index page",
            f"an index page, not an article ({repeats} entries starting '{opening}')",
        )
    return PageKind(None, "")
