"""Which language a text is written in, as far as the support test needs to know. Pure.

Two Latin-script texts in different languages share names and figures but few words, so a
claim in English about a French article can only be checked by its anchors, as a Chinese
claim about an English article is. The guess counts function words (articles,
prepositions, pronouns, auxiliaries): every sentence of a language uses them and no topic
changes them. Chinese is told by its script.
"""

from __future__ import annotations

from functools import lru_cache

from bot.grounding import tokens

_FUNCTION_WORDS = {
    "en": """the of and to in is are was were has have had that this with for from by on at
        it its which who will would be been their they not but or an as than also""",
    "fr": """le la les un une des du de et est sont dans pour par sur avec ce cette ces qui
        que il elle ils elles au aux pas mais ou été sera leur plus selon ne se""",
    "de": """der die das den dem des ein eine einen einem und ist sind im in mit für von auf
        zu nicht sich es wird werden wurde hat haben auch dass bei aus nach oder vom zum zur
        bis seit durch gegen ohne um über unter zwischen wie als""",
}
_WORDS = {lang: frozenset(tokens.fold(words).split()) for lang, words in _FUNCTION_WORDS.items()}
# Words of several of the languages ("in", "des", "die" in English) decide nothing alone.
_SHARED = frozenset.intersection(*_WORDS.values()) | (_WORDS["en"] & _WORDS["de"])
MIN_HITS = 2
FUNCTION_WORDS = frozenset().union(*_WORDS.values())
"""Every function word of every language told by its words."""


@lru_cache(maxsize=4096)
def guess(text: str, min_hits: int = MIN_HITS) -> str:
    """ "zh", "en", "fr", "de", or "" when the text is too short to tell (fewer than
    ``min_hits`` function words of one language, or a tie)."""
    latin = tokens.letter_words(text)
    if tokens.cjk_share(text) >= 0.5:
        return "zh"
    counts = {
        lang: sum(1 for w in latin if w in words and w not in _SHARED)
        for lang, words in _WORDS.items()
    }
    best = max(counts, key=lambda lang: counts[lang])
    if counts[best] < min_hits or list(counts.values()).count(counts[best]) > 1:
        return ""
    return best


def differ(one: str, other: str) -> bool:
    """Whether two guesses are known and different."""
    return bool(one and other and one != other)
