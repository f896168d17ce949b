"""Read ``items.txt`` and turn it into a replay recording (feeds by site + pages)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

ITEMS = Path(__file__).with_name("items.txt")
_OFFSET = re.compile(r"^-(\d+)([hd])$")


@dataclass
class Item:
    id: str
    expect: str
    url: str
    title: str
    headers: dict[str, str]
    paragraphs: list[str] = field(default_factory=list)

    def moment(self, key: str, anchor: datetime) -> datetime | None:
        value = self.headers.get(key) or self.headers.get("published", "none")
        if value == "none":
            return None
        match = _OFFSET.match(value)
        if not match:
            raise ValueError(f"{self.id}: bad {key} {value!r}")
        amount, unit = int(match[1]), match[2]
        return anchor - (timedelta(hours=amount) if unit == "h" else timedelta(days=amount))


def load_items(anchor: datetime | None = None, path: Path = ITEMS) -> list[Item]:
    """The items; with ``anchor``, dates in URLs ({y}/{m}/{d}) become the item's own date,
    as publishers' URLs carry the day they published (and extractors read it there)."""
    items: list[Item] = []
    for block in path.read_text(encoding="utf-8").split("\n### ")[0:]:
        block = block.removeprefix("### ").strip()
        if not block:
            continue
        head, _, body = block.partition("\n\n")
        lines = head.splitlines()
        headers = dict(line.split(": ", 1) for line in lines[1:])
        items.append(
            Item(
                id=lines[0].strip(),
                expect=headers["expect"],
                url=headers["url"],
                title=headers["title"],
                headers=headers,
                paragraphs=[p.strip() for p in body.split("\n\n") if p.strip()],
            )
        )
    if anchor is not None:
        by_id = {item.id: item for item in items}
        for item in items:
            # Another URL of the same page (a tracking variant) carries the page's own day.
            dated = by_id.get(item.headers.get("same_as", ""), item)
            when = dated.moment("published", anchor) or anchor
            item.url = item.url.format(y=f"{when:%Y}", m=f"{when:%m}", d=f"{when:%d}")
    return items


_LIST_MARK = re.compile(r"^\s*[-*•·]\s+")


def _block(paragraph: str) -> str:
    """A paragraph of the item as a page shows it: the lines an author broke it into stay
    lines (``<br>``), and lines marked as a list ("- ", "· ") are the list's items."""
    out, lines, items = "", [], []
    for line in paragraph.splitlines():
        if _LIST_MARK.match(line):
            if lines:
                out += f"<p>{'<br>'.join(escape(x) for x in lines)}</p>"
                lines = []
            items.append(_LIST_MARK.sub("", line))
        else:
            if items:
                out += f"<ul>{''.join(f'<li>{escape(x)}</li>' for x in items)}</ul>"
                items = []
            lines.append(line)
    if lines:
        out += f"<p>{'<br>'.join(escape(x) for x in lines)}</p>"
    if items:
        out += f"<ul>{''.join(f'<li>{escape(x)}</li>' for x in items)}</ul>"
    return out


def _page(item: Item, anchor: datetime) -> bytes:
    published = item.moment("page_published", anchor)
    meta = (
        f'<meta property="article:published_time" content="{published.isoformat()}">'
        if published
        else ""
    )
    lang = f" lang='{item.headers['lang']}'" if "lang" in item.headers else ""
    body = "".join(_block(p) for p in item.paragraphs)
    return (
        f"<!doctype html><html{lang}><head><meta charset='utf-8'><title>{escape(item.title)}"
        f"</title>{meta}</head><body><header><a href='/'>Home</a></header><main><article>"
        f"<h1>{escape(item.title)}</h1>{body}</article></main>"
        "<footer>Contact · Privacy · Terms</footer></body></html>"
    ).encode()


def record(items: list[Item], folder: Path, anchor: datetime) -> list[str]:
    """Write a replay recording of ``items`` into ``folder``; returns the feed URLs."""
    by_id = {item.id: item for item in items}
    feeds: dict[str, list[Item]] = {}
    responses: list[dict[str, object]] = []
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    for number, item in enumerate(items):
        host = urlsplit(item.url).hostname or ""
        feeds.setdefault(f"https://{host.removeprefix('www.')}/feed.xml", []).append(item)
        source = by_id[item.headers["same_as"]] if "same_as" in item.headers else item
        name = f"pages/{number}.html"
        (folder / name).write_bytes(_page(source, anchor))
        responses.append(
            {"url": item.url, "headers": {"content-type": "text/html; charset=utf-8"}, "body": name}
        )
    for number, (url, members) in enumerate(sorted(feeds.items())):
        entries = ""
        for item in members:
            when = item.moment("feed_published", anchor)
            date = f"<pubDate>{format_datetime(when)}</pubDate>" if when else ""
            entries += (
                f"<item><title>{escape(item.title)}</title><link>{escape(item.url)}</link>"
                f"{date}</item>"
            )
        name = f"feed-{number}.xml"
        (folder / name).write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(url)}</title><link>{escape(url)}</link>{entries}</channel></rss>",
            encoding="utf-8",
        )
        responses.append(
            {"url": url, "headers": {"content-type": "application/rss+xml"}, "body": name}
        )
    (folder / "responses.json").write_text(json.dumps({"responses": responses}), encoding="utf-8")
    return sorted(feeds)
