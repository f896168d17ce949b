"""Spam, SEO and promotional pages: keyword stuffing, promo structure, pump language.

Every signal is true of promotional pages on any subject: coupon codes, "buy now" blocks,
affiliate disclosures, presale and pump language next to tokens, generated pages that
repeat one phrase. A subject's own name is never enough: a short release note names its
project in every line, and a headline may repeat it; stuffing is measured against how
densely the topic's normal articles name it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from bot.filters.text import count_term, word_count, words

THIN_WORDS = 60
"""Less text than this is not an article: a failed extraction, or bait."""
TYPICAL_SHARE = 0.02
"""How much of a normal article its subject's name takes, when the run does not say."""
STUFFING_FLOOR = 0.12
STUFFING_TIMES_TYPICAL = 4
STUFFING_MIN_OCCURRENCES = 8
TITLE_SEGMENTS = 4
SHORT_POST_WORDS = 150
SHORT_POST_SHARE = 0.25
PHRASE_SHARE = 0.06

_TITLE_SEPARATORS = re.compile(r"\s[|·•–—-]\s|\s?[|:,;]\s")


def _patterns(table: dict[str, str]) -> dict[str, re.Pattern[str]]:
    return {name: re.compile(pattern, re.IGNORECASE) for name, pattern in table.items()}


_PROMO_PATTERNS = _patterns(
    {
        "coupon or promo code": r"\b(promo|coupon|discount|voucher|bonus)\s+codes?\b"
        r"|\buse\s+code\b",
        "percent-off deal": r"\b\d{1,2}\s?%\s+off\b",
        "presale or token pump": r"\b\d{2,5}x\s+(gains?|returns?|potential)\b"
        r"|\bbuy\s+(the\s+)?tokens?\b|\bbefore\s+(the\s+)?listing\b|\bnext\s+big\s+\w*\s?coin\b",
        "cracked software": r"\bkeygen\b|\bserial\s+key\b|\bfull\s+version\s+free\b"
        r"|\bcrack(ed)?\s+(version|apk|software|app|download|free|\+)"
        r"|\bcracked\s+(premium|pro)\b",
        "free download bait": r"\bfree\s+download\b|\bdownload\s+now\b",
        "call to buy": r"\bbuy\s+now\b|\border\s+(now|today)\b|\blimited[- ]time\s+offer\b"
        r"|\bmoney[- ]back\s+guarantee\b"
        r"|\bclick\s+(here|the\s+link)\b|\bact\s+fast\b|\bdon['’]?t\s+miss\s+(out|the\s+next)\b"
        r"|\bhaz\s+clic\b|\bcliquez\s+ici\b|\bhier\s+klicken\b|\bklicke?\s+hier\b",
        "affiliate disclosure": r"\baffiliate\s+(links?|commission|partner|disclosure)\b"
        r"|\bwe\s+(may\s+)?(earn|receive|get|make)\s+(a\s+)?(small\s+)?commissions?\b"
        r"|\bas\s+an\s+(amazon\s+)?(affiliate|associate)\b|\bfrom\s+qualifying\s+purchases\b",
        "price-prediction SEO": r"\bprice\s+predictions?\b|\b(stock|price|token)\s+forecast\b"
        r"|\bhow\s+to\s+buy\s+[\w\s]{0,30}?\b(stocks?|shares|tokens?|coins?)\b"
        r"|\bpre-?IPO\s+shares\b",
        "SEO filler": r"\b(?:latest|all)\s+(?:\w+\s+){0,5}news\s+(?:today|and\s+updates)\b"
        r"|\bis\s+trending\b|\beverything\s+you\s+need\s+to\s+know\b"
        r"|\bkeep\s+this\s+page\s+updated\b|\bbookmark\s+this\s+page\b|\bstay\s+tuned\s+for\b",
        # Offers that end today are how shops sell; news reports a price, not a deadline.
        "today-only price": r"\btoday\s+only\b|\bonly\s+today\b|\blimited\s+time\s+only\b",
        # Pirate and fake streams promise an event free, live, in HD; broadcasters' own
        # pages name a channel, not "free HD".
        "free live-stream bait": r"\blive\s?stream\s+(free|hd)\b|\bwatch\b.{0,40}\blive\b"
        r".{0,20}\bonline\s+free\b",
        "mod or unlocked app": r"\bmod\s+apk\b|\bpremium\s+unlocked\b",
        # Pirate download pages promise everything free and gate it behind a "check".
        "pirate download": r"\bdirect\s+download\b|\bdownload\s+free\b"
        r"|\bhuman\s+verification\b|\bunlock\s+the\s+(download\s+)?links?\b",
        # Prize phishing tells the reader they won and asks for a small fee or a survey.
        "prize bait": r"\b(you|you['’]ve|you\s+have|your\s+\w+\s+has)\s+(been\s+)?"
        r"(randomly\s+)?selected\b"
        r"|\bclaim\s+(yours|now|my|your\s+(free|discounted|prize|reward|gift|card|device))\b"
        r"|\bcomplete\s+the\s+(short\s+|quick\s+)?survey\b|\breceive\s+double\b"
        r"|\b(shipping|delivery)\s+fee\s+of\b"
        r"|\bpay\s+(the\s+|a\s+|just\s+|only\s+)?[$£€]?\d+(\.\d\d)?\s+(delivery|shipping|postage)\b"
        r"|\benter\s+your\s+([\w-]+[\s,]+){0,6}card\s+details\b",
        # Shops and scams press with a countdown or a stock that is running out; a news
        # report says when a sale ends, not that the reader must not close the page.
        "countdown or scarcity": r"\bonly\s+\d+\s+(\w+\s+){0,2}(left|remaining)\b"
        r"|\b(offer|giveaway|deal|sale)\s+(ends|expires)\s+(in\s+\d|at\s+midnight|tonight)"
        r"|\bdo\s+not\s+close\s+this\s+page\b"
        r"|\bbefore\s+(stocks?|supplies)\s+run\s+out\b|\bwhile\s+(stocks?|supplies)\s+last\b"
        r"|\blimited\s+stock\b",
        # Advertorials for miracle products share their hooks whatever they sell.
        "advertorial hook": r"\b(doctors|experts|scientists)\s+(are\s+)?(shocked|stunned|baffled)\b"
        r"|\b(don['’]?t|doesn['’]?t)\s+want\s+you\s+to\s+know\b|\bmelts?\s+(belly\s+)?fat\b"
        r"|\bone\s+(weird|simple)\s+trick\b|\b(thousands|millions)\s+of\s+(happy|satisfied)\s+"
        r"(customers|users|buyers)\b",
        # A shop's testimonial signs with a first name and an age or a place; a news
        # report names whom it quotes and says so ("said ...").
        "signed testimonial": r"(?m)^\s*[\"“].{10,200}[\"”]\s*[—–-]\s*[A-Z][a-z]+"
        r"(,\s*(\d{2}|[A-Z][a-z]+)){1,2}\s*$",
        "free streaming bait": r"\bwatch\s+(\w+\s+){0,4}online\s+(for\s+)?free\b"
        r"|\bfree\s+in\s+(full\s+)?hd\b|\bonline\s+(gratis|gratuit|kostenlos)\b"
        r"|\b(gratis|gratuit|kostenlos)\s+(en\s+|in\s+)?hd\b|\ben\s+streaming\s+gratuit\b",
        "multi-buy deal": r"\bbuy\s+\d+\s*,?\s+get\s+\d+\s+free\b"
        r"|\bget\s+\d+\s+(jars|bottles|packs|boxes|tubs|pairs)\s+free\b",
        "betting tips": r"\bfree\s+bet\b|\bsure\s+win\b|\bbetting\s+tips\b|\b100%\s+sure\b",
        "trading-signal pitch": r"\btrading\s+signals\b|\bvip\s+signals?\b"
        r"|\bnot\s+financial\s+advice\b",
        "gambling or easy money": r"\bcasino\b|\bbetting\s+odds\b|\bearn\s+\$?\d+\s+(a|per)\s+day\b"
        r"|\bguaranteed\s+(profit|returns?)\b|\bbegambleaware\b|\bgamble\s+responsibly\b"
        r"|\b18\+\s*(only|t\s?&\s?cs?|tcs)\b|\bwelcome\s+bonus\b",
    }
)
# Pump words are pump language only where something is being sold as a token: NASA
# going "to the moon", a concert's ticket presale and an iPhone's AirDrop are not.
_PUMP_SLOGAN = re.compile(
    r"\bto\s+the\s+moon\b|\bmoonshot\s+gains?\b|\bpre-?sale\b|\bairdrop\b", re.IGNORECASE
)
_TOKENS_FOR_SALE = re.compile(r"\b(tokens?|coins?|memecoins?|crypto)\b", re.IGNORECASE)

# Signals no news article about a company carries about itself.
_DECISIVE = frozenset({"presale or token pump", "cracked software", "mod or unlocked app"})


@dataclass(frozen=True)
class SpamVerdict:
    is_spam: bool
    detail: str


def promo_signals(title: str, text: str) -> list[str]:
    return list(_promo_signals(title, text))


@lru_cache(maxsize=64)
def _promo_signals(title: str, text: str) -> tuple[str, ...]:
    # Cached: screening asks about one page several times in a row.
    page = f"{title}\n{text}"
    found = [name for name, pattern in _PROMO_PATTERNS.items() if pattern.search(page)]
    if (
        "presale or token pump" not in found
        and _PUMP_SLOGAN.search(page)
        and _TOKENS_FOR_SALE.search(page)
    ):
        found.append("presale or token pump")
    return tuple(found)


def promo_verdict(title: str, text: str) -> str | None:
    """Why a page is promotional by its structure alone (one decisive signal or two
    independent ones), or None."""
    signals = promo_signals(title, text)
    if len(signals) >= 2 or any(name in _DECISIVE for name in signals):
        return "promotional patterns: " + ", ".join(signals)
    return None


def thin_page(title: str, text: str) -> SpamVerdict | None:
    """Almost no text. Bait (a promo line pointing elsewhere) is spam; anything else is
    an extraction that found nothing to read, which says nothing about the page."""
    count = word_count(text)
    if count >= THIN_WORDS:
        return None
    signals = promo_signals(title, text)
    if signals:
        return SpamVerdict(True, f"thin page: {count} words of text, {', '.join(signals)}")
    return SpamVerdict(False, f"the extracted text is only {count} words: nothing to judge")


def assess_spam(
    title: str, text: str, topic_terms: list[str], typical_share: float = TYPICAL_SHARE
) -> SpamVerdict:
    """Stuffing, or one decisive promo signal, or two independent ones, make spam.
    ``typical_share`` is how much of a normal article on the topic its names take."""
    thin = thin_page(title, text)
    if thin is not None and thin.is_spam:
        return thin
    signals = promo_signals(title, text)
    stuffing = _stuffing(title, text, topic_terms, typical_share)
    if stuffing:
        return SpamVerdict(True, stuffing + (f"; also {', '.join(signals)}" if signals else ""))
    promo = promo_verdict(title, text)
    if promo is not None:
        return SpamVerdict(True, promo)
    return SpamVerdict(False, ", ".join(signals))


KEYWORD_LIST_WORDS = 6
"""A phrase of a search-engine keyword line is short: the name and a word or two."""


def _keyword_list(text: str, term: str) -> int:
    """The longest line of the body that is only a list of short phrases each naming
    ``term`` (0 if none): the keyword lines generated pages end with. A sentence of
    prose naming its subject twice is not one."""
    longest = 0
    for line in text.splitlines():
        segments = [s for s in _TITLE_SEPARATORS.split(line.strip().rstrip(".!")) if s.strip()]
        if (
            len(segments) >= TITLE_SEGMENTS
            and all(count_term(term, s) for s in segments)
            and all(len(words(s)) <= KEYWORD_LIST_WORDS for s in segments)
        ):
            longest = max(longest, len(segments))
    return longest


def _stuffing(title: str, text: str, terms: list[str], typical_share: float) -> str:
    tokens = words(text)
    limit = max(STUFFING_FLOOR, STUFFING_TIMES_TYPICAL * typical_share)
    segments = [s for s in _TITLE_SEPARATORS.split(title) if s.strip()]
    for term in terms:
        occurrences = count_term(term, text)
        share = occurrences * len(term.split()) / max(len(tokens), 1)
        # A title that is a list of different phrases all carrying the name is written
        # for search engines; a headline repeating the name itself ("X, X, X: ...")
        # is written for effect, so repeats of one phrase count once.
        carrying = len(
            {" ".join(words(segment.lower())) for segment in segments if count_term(term, segment)}
        )
        if carrying >= TITLE_SEGMENTS:
            return f"keyword stuffing: the title is {carrying} phrases each naming '{term}'"
        listed = _keyword_list(text, term)
        if listed:
            return f"keyword stuffing: a line of {listed} short phrases each naming '{term}'"
        # A short post names its subject in every line, but not in a quarter of its words
        # (unless it also sells something: then density is the second signal).
        short = len(tokens) < SHORT_POST_WORDS and not promo_signals(title, text)
        allowed = max(SHORT_POST_SHARE, limit) if short else limit
        if occurrences >= STUFFING_MIN_OCCURRENCES and share > allowed:
            return (
                f"keyword stuffing: '{term}' is {share:.0%} of the words "
                f"(a normal article on the topic: about {typical_share:.0%})"
            )
    # The same long phrase over and over is how generated SEO pages read; a phrase with
    # the subject's name in it is the name again, judged above.
    names = {part.lower() for term in terms for part in words(term)}
    lowered = [token.lower() for token in tokens]
    trigrams = Counter(
        " ".join(lowered[i : i + 3])
        for i in range(max(len(lowered) - 2, 0))
        if not names.intersection(lowered[i : i + 3])
    )
    phrase, repeats = trigrams.most_common(1)[0] if trigrams else ("", 0)
    if repeats >= 6 and repeats * 3 / len(tokens) > PHRASE_SHARE:
        return f"keyword stuffing: '{phrase}' repeated {repeats} times"
    return ""
