"""OPML feed lists (the export format of every feed reader), read with defusedxml.

defusedxml refuses entity declarations and external references, so an OPML file cannot
expand into gigabytes or read local files; the limits of :mod:`bot.sources.xmllimits`
(size, depth, element count) are checked before it parses. Outlines nest (folders);
every outline with an ``xmlUrl`` is a feed wherever it sits. Entries we cannot use are
reported, not dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.errors import UsageError
from bot.sources.xmllimits import XmlLimitExceeded, check_xml_limits


@dataclass(frozen=True)
class OpmlFeed:
    kind: str
    url: str
    name: str


@dataclass
class OpmlImport:
    feeds: list[OpmlFeed] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _kind(outline: Element, url: str) -> str:
    declared = (outline.get("type") or "").lower()
    if declared == "atom" or url.endswith((".atom", "/atom", "atom.xml")):
        return "atom"
    return "rss"


def parse_opml(content: bytes) -> OpmlImport:
    try:
        check_xml_limits(content)
    except XmlLimitExceeded as exc:
        raise UsageError(f"not an OPML file digestbot reads: {exc}") from exc
    try:
        root = fromstring(content)
    except (ParseError, DefusedXmlException) as exc:
        raise UsageError(f"not a readable OPML file: {type(exc).__name__}: {exc}") from exc
    if root.tag.lower() != "opml":
        raise UsageError(f"not an OPML file: root element is <{root.tag}>, expected <opml>")
    result = OpmlImport()
    seen: set[str] = set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue  # a folder
        name = (outline.get("title") or outline.get("text") or "").strip()
        if not url.startswith(("http://", "https://")):
            result.skipped.append(f"{url}: not an http(s) URL")
            continue
        if url in seen:
            result.skipped.append(f"{url}: listed twice")
            continue
        seen.add(url)
        result.feeds.append(OpmlFeed(_kind(outline, url), url, name))
    return result
