"""Article text is data, never instructions. Pure helpers for the three defences:

1. Passages that address an AI assistant ("ignore previous instructions", "you are now",
   "reply with ...") are quarantined: never shown to the model, never quoted.
2. Passages go to the model inside ``<passage>`` tags with anything tag-like neutralised,
   so a page cannot close its own passage and speak as the prompt.
3. Answers keep no URL that is not one of the cited sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'“”]+", re.IGNORECASE)

_INSTRUCTIONS = re.compile(
    r"""
    \b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}?
        \b(?:previous|prior|above|earlier|all|any|your|the)\b[^.!?\n]{0,20}?
        \b(?:instructions?|prompts?|rules|directions|guidelines)\b
    | \byou\s+are\s+now\b
    | \bsystem\s+prompt\b
    | \b(?:new|updated)\s+instructions?\b
    | \b(?:as|to)\s+(?:an?\s+)?(?:ai|language\s+model|assistant|chatbot|llm)\b[^.!?\n]{0,60}?
        \b(?:must|should|will|reply|respond|answer|say|output)\b
    | \b(?:reply|respond|answer)\s+(?:only\s+)?with\s*[:"“']
    """,
    re.IGNORECASE | re.VERBOSE,
)


def looks_like_instructions(text: str) -> bool:
    """Whether a passage speaks to an AI system rather than to a reader."""
    return bool(_INSTRUCTIONS.search(text))


def neutralise_tags(text: str) -> str:
    """Passage text that cannot open or close a ``<passage>`` tag."""
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


def strip_urls(text: str, allowed: Iterable[str]) -> str:
    """``text`` with every URL that is not in ``allowed`` replaced by "[link removed]"."""
    for url in foreign_urls(text, allowed):
        text = text.replace(url, "[link removed]")
    return text
