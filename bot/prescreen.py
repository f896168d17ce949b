"""Pages that cannot be about the topic, told apart before they are extracted.

Extraction is most of what a page costs, and a topic read from general feeds rejects most
of its pages as not naming it at all. Such a page is judged here from its raw HTML: when
none of the topic's names (its keywords, its aliases and the shared name inside a keyword,
in any case and as the head of a compound, the loosest form the relevance rules read) is
anywhere in the page, in any reading of its markup, nor in its feed entry, the extracted
text cannot name the topic either, and the relevance rules reject a page that never names
the topic as off topic. The rejection is theirs (:func:`bot.filters.relevance.judge` on
the feed entry), so it reads as it would after extraction.

Never pre-screened, because the relevance rules can keep such a page: an item of the
topic's own release channel, a page its site files under the topic (a path segment or
domain named for it, :func:`bot.filters.relevance.filed_under`), and a page that carries
several of the people and places the topic's context lists
(:attr:`bot.filters.relevance.TopicTerms.context_names`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from bot.filters.language import guess_language
from bot.filters.relevance import CONTEXT_NAMES, TopicTerms, filed_under, gather, judge
from bot.filters.text import count_loose
from bot.models import Candidate, Reason, Rejection
from bot.sources.base import Item

_TAG = re.compile(r"<[^>]*>")
# Elements inside a line of text: removed, the words on either side join ("Mis<i>tral</i>").
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|font|i|kbd|mark|q|s|samp|small|span|"
    r"strong|sub|sup|time|u|var|wbr)(?:\s[^>]*)?/?>",
    re.IGNORECASE,
)


def unnamed_rejection(
    content: bytes, candidate: Candidate, final_url: str, terms: TopicTerms
) -> Rejection | None:
    """The rejection of a page that names the topic nowhere, or None: the page must be
    extracted and judged. ``final_url`` is where redirects ended."""
    if isinstance(candidate, Item) and (candidate.own_channel or candidate.text):
        return None
    # A keyword's last word is kept in view: the run may learn the topic is called by it.
    every = (*terms.names, *terms.shared_names, *terms.possible_short_names)
    names = tuple(n for n in dict.fromkeys(every) if n.split())
    if not names:
        return None
    if any(filed_under(url, terms.names, terms.every_name) for url in {candidate.url, final_url}):
        return None
    if _named(names, f"{candidate.title}\n{candidate.summary}"):
        return None
    text = _page_text(content)
    if _named_on_page(names, text):
        return None
    if _context_names_on_page(terms.context_names, text) >= CONTEXT_NAMES:
        return None  # the relevance rules may keep a page naming the topic's people
    verdict = judge(gather(candidate.title, candidate.summary, terms), terms)
    if verdict.reason is not Reason.OFF_TOPIC:
        return None
    language = _declared_language(content) or guess_language(
        f"{candidate.title}\n{candidate.summary}"
    )
    detail = verdict.detail + terms.unnamed_hint(language)
    return Rejection(candidate.url, Reason.OFF_TOPIC, detail, candidate.title, candidate.published)


_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)")


def _declared_language(content: bytes) -> str | None:
    """The language the page's markup declares (``<html lang="de">``)."""
    match = _HTML_LANG.search(content[:4096])
    return match[1].decode("ascii") if match else None


def _named(names: Sequence[str], text: str) -> bool:
    return any(count_loose(name, text) for name in names)


def _page_text(content: bytes) -> str:
    """The page decoded as trafilatura decodes it, entities resolved, in NFC."""
    from trafilatura.utils import decode_file  # the extractor's own decoding

    text = html.unescape(decode_file(content))
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _context_names_on_page(names: tuple[str, ...], text: str) -> int:
    """How many of the topic's context names the page's text carries (tags as spaces)."""
    if not names:
        return 0
    spaced = _TAG.sub(" ", text)
    return sum(1 for name in names if count_loose(name, spaced))


def _named_on_page(names: tuple[str, ...], text: str) -> bool:
    """Whether the page may name the topic in any reading the extractor may come to: the
    decoded page with its markup (a name in an attribute: a title in a meta tag), with tags
    as spaces (a name across two elements) and with inline tags removed (a word split by an
    inline element)."""
    heads = _heads(names)
    # Every match of a name contains its first word in any case, and a first word in any
    # reading (no space or tag inside it) is in the page with its markup or with all its
    # tags removed: when neither has one, no reading names the topic. (The exact test is
    # far slower on 50 KB of HTML; most pages of a topic read from general feeds fail here.)
    if heads.search(text) is None and heads.search(_TAG.sub("", text)) is None:
        return False
    spaced = _TAG.sub(" ", text)
    joined = _TAG.sub(" ", _INLINE_TAG.sub("", text))
    return any(_named(names, reading) for reading in (text, spaced, joined))


@lru_cache(maxsize=16)
def _heads(names: tuple[str, ...]) -> re.Pattern[str]:
    """The first word of each name, in any case, as the names' own patterns match it."""
    return re.compile("|".join(re.escape(name.split()[0]) for name in names), re.IGNORECASE)
