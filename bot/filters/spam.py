"""Spam, SEO and promotional pages: keyword stuffing, promo patterns, thin pages."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.filters.text import count_term, words

THIN_WORDS = 60
STUFFING_SHARE = 0.06

_PROMO_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "coupon or promo code": r"\b(promo|coupon|discount|voucher)\s+codes?\b|\buse\s+code\b",
        "percent-off deal": r"\b\d{1,2}\s?%\s+off\b",
        "presale or token pump": r"\bpre-?sale\b|\bairdrop\b"
        r"|\b\d{2,5}x\s+(gains?|returns?|potential)\b|\bto the moon\b"
        r"|\bbuy\s+(the\s+)?tokens?\b|\bbefore\s+(the\s+)?listing\b|\bnext\s+big\s+\w*\s?coin\b",
        "cracked software": r"\bcrack(ed)?\b|\bkeygen\b|\bserial\s+key\b|\bfull\s+version\s+free\b",
        "free download bait": r"\bfree\s+download\b|\bdownload\s+now\b",
        "call to buy": r"\bbuy\s+now\b|\border\s+now\b|\blimited[- ]time\s+offer\b"
        r"|\bclick\s+here\b|\bact\s+fast\b|\bdon['’]?t\s+miss\s+(out|the\s+next)\b",
        "affiliate disclosure": r"\baffiliate\s+(links?|commission|partner)\b"
        r"|\bwe\s+may\s+earn\s+a\s+commission\b",
        "price-prediction SEO": r"\bprice\s+predictions?\b|\b(stock|price|token)\s+forecast\b"
        r"|\bhow\s+to\s+buy\s+[\w\s]{0,30}?\b(stocks?|shares|tokens?|coins?)\b"
        r"|\bpre-?IPO\s+shares\b",
        "mod or unlocked app": r"\bmod\s+apk\b|\bpremium\s+unlocked\b",
        "gambling or easy money": r"\bcasino\b|\bbetting\s+odds\b|\bearn\s+\$?\d+\s+(a|per)\s+day\b"
        r"|\bguaranteed\s+(profit|returns?)\b",
    }.items()
}


# Signals no news article about a company carries about itself.
_DECISIVE = frozenset({"presale or token pump", "cracked software", "mod or unlocked app"})


@dataclass(frozen=True)
class SpamVerdict:
    is_spam: bool
    detail: str


def assess_spam(title: str, text: str, topic_terms: list[str]) -> SpamVerdict:
    """Two independent promo signals, or stuffing, or a thin page, make spam."""
    tokens = words(text)
    if len(tokens) < THIN_WORDS:
        return SpamVerdict(True, f"thin page: {len(tokens)} words of text")

    signals = [
        name for name, pattern in _PROMO_PATTERNS.items() if pattern.search(f"{title}\n{text}")
    ]

    stuffing = _stuffing(title, text, tokens, topic_terms)
    if stuffing:
        return SpamVerdict(True, stuffing + (f"; also {', '.join(signals)}" if signals else ""))
    if len(signals) >= 2 or any(name in _DECISIVE for name in signals):
        return SpamVerdict(True, "promotional patterns: " + ", ".join(signals))
    return SpamVerdict(False, ", ".join(signals))


def _stuffing(title: str, text: str, tokens: list[str], terms: list[str]) -> str:
    for term in terms:
        in_title = count_term(term, title)
        if in_title >= 3:
            return f"keyword stuffing: '{term}' {in_title} times in the title"
        occurrences = count_term(term, text)
        share = occurrences * len(term.split()) / max(len(tokens), 1)
        if occurrences >= 8 and share > STUFFING_SHARE:
            return f"keyword stuffing: '{term}' is {share:.0%} of the words"
    # The same long phrase over and over is how generated SEO pages read.
    trigrams = Counter(" ".join(tokens[i : i + 3]).lower() for i in range(max(len(tokens) - 2, 0)))
    phrase, repeats = trigrams.most_common(1)[0] if trigrams else ("", 0)
    if repeats >= 6 and repeats * 3 / len(tokens) > STUFFING_SHARE:
        return f"keyword stuffing: '{phrase}' repeated {repeats} times"
    return ""
