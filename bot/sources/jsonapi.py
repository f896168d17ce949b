"""JSON APIs: the Hacker News search API (Algolia) and GitHub releases of a repository.

JSON is read with the standard library from bytes the guarded client fetched (already
bounded by ``fetch.max_bytes``); any shape we do not expect is a :class:`FeedError`,
never a crash, and one malformed entry is skipped, not the whole source.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.models import Candidate
from bot.sources.base import FeedError, Item
from bot.sources.feeds import plain

HN_ITEM = "https://news.ycombinator.com/item?id={}"
_GITHUB_RELEASES = re.compile(r"^/repos/[\w.-]+/[\w.-]+/releases/?$")


def _load(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(f"not valid JSON: {exc}") from exc


def _time(value: object) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


class HackerNewsSearch:
    """``https://hn.algolia.com/api/v1/search?query=...`` (or ``search_by_date``).

    A story with a link becomes a candidate for the linked page; an Ask/Show HN post
    without one carries its own text.
    """

    name = "json:hackernews"

    def parse(self, content: bytes, url: str, content_type: str) -> list[Candidate]:
        data = _load(content)
        hits = data.get("hits") if isinstance(data, dict) else None
        if not isinstance(hits, list):
            raise FeedError("not a Hacker News search answer: no 'hits' list")
        found: list[Candidate] = []
        for hit in hits:
            if not isinstance(hit, dict) or not hit.get("title"):
                continue  # comments and deleted stories have no title
            link = str(hit.get("url") or "")
            text = plain(str(hit.get("story_text") or ""))
            if not link.startswith(("http://", "https://")):
                if not hit.get("objectID") or not text:
                    continue
                link = HN_ITEM.format(hit["objectID"])
            found.append(
                Item(
                    url=link,
                    title=plain(str(hit["title"])),
                    summary="",
                    published=_time(hit.get("created_at_i")) or _time(hit.get("created_at")),
                    source_url=url,
                    publisher="Hacker News" if text else "",
                    text=text if link.startswith(HN_ITEM.format("")) else "",
                )
            )
        return found


class GitHubReleases:
    """``https://api.github.com/repos/OWNER/REPO/releases``: each release with its notes.

    The release notes are the text, so no page is fetched; drafts are skipped.
    """

    name = "json:github-releases"

    def parse(self, content: bytes, url: str, content_type: str) -> list[Candidate]:
        data = _load(content)
        if not isinstance(data, list):
            message = data.get("message") if isinstance(data, dict) else None
            raise FeedError(f"not a GitHub releases list{f': {message}' if message else ''}")
        repo = "/".join(urlsplit(url).path.split("/")[2:4])
        found: list[Candidate] = []
        for release in data:
            if not isinstance(release, dict) or release.get("draft"):
                continue
            link = str(release.get("html_url") or "")
            if not link.startswith("https://"):
                continue
            name = str(release.get("name") or release.get("tag_name") or "").strip()
            body = str(release.get("body") or "").strip()
            title = name if repo.lower() in name.lower() else f"{repo} {name}".strip()
            found.append(
                Item(
                    url=link,
                    title=title,
                    summary=body[:300],
                    published=_time(release.get("published_at"))
                    or _time(release.get("created_at")),
                    source_url=url,
                    publisher="GitHub",
                    text=f"{title}\n{body}",
                    own_channel=True,
                )
            )
        return found


def json_kind(url: str) -> HackerNewsSearch | GitHubReleases | None:
    """The JSON API a URL belongs to, from its shape; None if we do not read it."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "hn.algolia.com" and parts.path.rstrip("/") in (
        "/api/v1/search",
        "/api/v1/search_by_date",
    ):
        return HackerNewsSearch()
    if host == "api.github.com" and _GITHUB_RELEASES.match(parts.path):
        return GitHubReleases()
    return None
