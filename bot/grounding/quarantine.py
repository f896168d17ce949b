"""Web text is data, never instructions. One quarantine for the digest stages, the
extractive composer and Q&A. Pure.

1. Text that addresses an AI rather than a reader is quarantined: never shown to a model,
   never quoted. It is caught by what it does, not by the words it uses: imperatives aimed
   at "the assistant/model/AI" ("ignore previous instructions", "you are now", "reply
   with ..."), role markers ("SYSTEM:", "[INST]"), requests to reveal a prompt, and
   orders to summarisers or to point readers at a link. An article that merely discusses
   prompts ("agents resend the same system prompt") is left alone.
2. Text goes to a model inside tags with anything tag-like neutralised, so a page cannot
   close its own block and speak as the prompt.
3. Output keeps no URL that is not one of its sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.grounding.tokens import sentences

URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'“”]+", re.IGNORECASE)

_AI = (
    r"(?:ai|a\.i\.|llms?|(?:large\s+)?language\s+models?|assistants?|chatbots?|bots?|gpts?"
    r"|models?|agents?)"
)
_INSTRUCTIONS = re.compile(
    rf"""
    \b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{{0,40}}?
        \b(?:previous|prior|above|earlier|all|any|your|the|these|those|preceding)\b[^.!?\n]{{0,20}}?
        \b(?:instructions?|prompts?|rules|directions|guidelines|guardrails|context)\b
    | \byou\s+are\s+now\b | \bfrom\s+now\s+on,?\s+you\b | \bact\s+as\s+(?:an?\s+)?unrestricted\b
    | (?:^|[\n.!?]\s*|\[|<\|?|\#\#\#\s*)
        (?:system|assistant|developer|user|instruction)s?\s*(?:\]|\|?>|:)
    | \[/?inst\] | <\|im_(?:start|end)\|>
    | \b(?:note|message|instructions?|attention)\s+(?:to|for)\s+(?:any\s+|all\s+|the\s+)?{_AI}\b
    | \b(?:dear|hey|attention)\s+{_AI}\b
    | \bif\s+you\s+are\s+(?:an?\s+)?{_AI}\b
    | \b(?:as|to)\s+(?:an?\s+)?{_AI}\b[^.!?\n]{{0,60}}?
        \b(?:you\s+)?(?:must|should|will\s+now|reply|respond|answer|say|output)\b
    | \b{_AI}\s+(?:reading|summari[sz]ing|processing|parsing|crawling)\s+(?:this|these)\b
    | \b(?:readers?|anyone|those)\s+summari[sz]ing\s+(?:this|these)\b[^.!?\n]{{0,40}}?
        \b(?:should|must|need\s+to)\b
    | \b(?:reveal|print|repeat|show|output|disclose|leak|display)\s+(?:me\s+)?(?:your|the)\s+
        (?:full\s+|hidden\s+|original\s+)?(?:system\s+)?(?:prompt|instructions)\b
    | \b(?:reply|respond|answer)\s+(?:only\s+)?with\s*[:"“']
    | \b(?:tell|direct|send|point)\s+(?:the\s+)?(?:readers?|users?)\s+to\s+(?:visit\s+)?(?:https?://|www\.)
    | \b(?:include|insert|add|append)\s+(?:this|the\s+following)\s+(?:link|url)\b
    | \bnew\s+instructions?\s*:
    """,
    re.IGNORECASE | re.VERBOSE,
)


def looks_like_instructions(text: str) -> bool:
    """Whether ``text`` speaks to an AI system rather than to a reader."""
    return bool(_INSTRUCTIONS.search(text))


def clean_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that do not address an AI, in order."""
    return [s for s in sentences(text) if not looks_like_instructions(s)]


def quarantined(text: str) -> str:
    """``text`` without its lines and sentences that address an AI (line breaks kept)."""
    kept = []
    for line in text.splitlines():
        if looks_like_instructions(line):
            line = " ".join(clean_sentences(line))
        kept.append(line)
    return "\n".join(kept)


def neutralise_tags(text: str) -> str:
    """Text that cannot open or close a ``<passage>`` tag."""
    return text.replace("<", "‹").replace(">", "›")


def foreign_urls(text: str, allowed: Iterable[str]) -> list[str]:
    """URLs in ``text`` that are not among ``allowed`` (trailing punctuation ignored)."""
    known = {url.rstrip("/") for url in allowed}
    found = []
    for match in URL.findall(text):
        url = match.rstrip(".,;:!?").rstrip("/")
        if url not in known:
            found.append(match)
    return found


def without_urls(text: str) -> str:
    """``text`` with every URL taken out: a title or a label never needs one."""
    return " ".join(URL.sub(" ", text).split())


def strip_urls(text: str, allowed: Iterable[str]) -> str:
    """``text`` with every URL that is not in ``allowed`` replaced by "[link removed]"."""
    for url in foreign_urls(text, allowed):
        text = text.replace(url, "[link removed]")
    return text
