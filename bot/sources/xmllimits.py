"""Limits an XML document must meet before a parser sees it: size, depth, element count.

feedparser's cost grows with nesting (a 5 MB feed nested 700,000 deep took 46 s of CPU),
and defusedxml guards against entities, not against depth. This scan is linear in the
size of the document and stops at the first limit passed, so a hostile document is
refused in milliseconds. It is lenient the way feedparser is: it counts tags, not
well-formedness (a close tag closes what it matches, HTML void elements such as ``<br>``
open nothing, a ``<p>`` ends the ``<p>`` before it), so a sloppy but shallow feed still
passes to the parser that copes with it.
"""

from __future__ import annotations

import re

from bot.sources.base import FeedError

MAX_XML_BYTES = 10_000_000
# Real feeds nest about 6 deep, 20 with XHTML content; 64 leaves room for odd ones.
MAX_DEPTH = 64
# 100 entries of 20 elements is 2,000; full XHTML content may reach 20,000.
MAX_ELEMENTS = 50_000

# A tag name and what follows up to '>'; '<' cannot occur inside a tag of well-formed XML,
# and stopping there keeps one bad tag from being scanned to the end of the document.
_TAG = re.compile(rb"<(/?)([A-Za-z_][^\s/<>]*)[^<>]*?(/?)>")
_VOID = frozenset(b"area base br col embed hr img input meta param source track wbr".split())
# HTML elements a new one of the same name closes (<p>one<p>two): sloppy feeds rely on it.
_SELF_ENDING = frozenset(b"p li dt dd tr td th option".split())
# Constructs that hold no elements, with the text that ends each.
_OPAQUE = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"), (b"<!", b">"))


class XmlLimitExceeded(FeedError):
    """The document is larger, deeper or has more elements than we parse."""


def check_xml_limits(
    content: bytes,
    *,
    max_bytes: int = MAX_XML_BYTES,
    max_depth: int = MAX_DEPTH,
    max_elements: int = MAX_ELEMENTS,
) -> None:
    """Raise :class:`XmlLimitExceeded` if ``content`` passes one of the limits."""
    if len(content) > max_bytes:
        raise XmlLimitExceeded(f"XML document of {len(content)} bytes, limit {max_bytes}")
    open_names: list[bytes] = []
    elements = tags = 0
    position = 0
    while (start := content.find(b"<", position)) >= 0:
        opaque_end = _end_of_opaque(content, start)
        if opaque_end is not None:
            if opaque_end < 0:
                return  # unterminated: the rest is inside it, no elements there
            position = opaque_end
            continue
        tag = _TAG.match(content, start)
        if tag is None:
            position = start + 1  # a stray '<' in text
            continue
        position = tag.end()
        tags += 1
        if tags > 2 * max_elements:
            raise XmlLimitExceeded(f"more than {2 * max_elements} tags")
        closing, name, self_closing = tag.group(1), tag.group(2), tag.group(3)
        if closing:
            _close(open_names, name)
            continue
        elements += 1
        if elements > max_elements:
            raise XmlLimitExceeded(f"more than {max_elements} XML elements")
        lowered = name.lower()
        if self_closing or lowered in _VOID:
            continue
        if lowered in _SELF_ENDING and open_names and open_names[-1] == name:
            open_names.pop()
        open_names.append(name)
        if len(open_names) > max_depth:
            raise XmlLimitExceeded(f"XML nested deeper than {max_depth} elements")


def _end_of_opaque(content: bytes, start: int) -> int | None:
    """Where a comment, CDATA, PI or declaration at ``start`` ends (-1: never); None: a tag."""
    for opening, closing in _OPAQUE:
        if content.startswith(opening, start):
            end = content.find(closing, start + len(opening))
            return -1 if end < 0 else end + len(closing)
    return None


def _close(open_names: list[bytes], name: bytes) -> None:
    """Close ``name`` and whatever was left open inside it; a stray close tag closes nothing."""
    for depth in range(len(open_names) - 1, -1, -1):
        if open_names[depth] == name:
            del open_names[depth:]
            return
