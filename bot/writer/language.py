"""Is the model's text in the language we asked for? Pure.

zh-TW is measured as the share of CJK characters among "units" of text, where a unit is a
CJK character or a whole Latin word: product names such as "Mistral Large 4" are expected in
Chinese prose and must not count as English letter by letter. Simplified-only characters
count against zh-TW, since a zh-TW reader asked for Traditional script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
# Common characters that exist only in Simplified script (their Traditional forms differ).
_SIMPLIFIED = frozenset("们这说发为么时会对经过还让进实现开关门问题应该产业务给从项钱与动态")

MIN_ZH_SHARE = 0.6
MAX_EN_SHARE = 0.05
MAX_SIMPLIFIED_SHARE = 0.05


def cjk_share(text: str) -> float:
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    return cjk / (cjk + words) if cjk + words else 0.0


def simplified_share(text: str) -> float:
    cjk = _CJK.findall(text)
    return sum(ch in _SIMPLIFIED for ch in cjk) / len(cjk) if cjk else 0.0


def language_problem(texts: Iterable[str], language: str) -> str | None:
    """None when the texts read as ``language``, else what is wrong (for the log and retry)."""
    joined = "\n".join(t for t in texts if t)
    if not joined.strip():
        return "no text"
    share = cjk_share(joined)
    if language == "zh-TW":
        if share < MIN_ZH_SHARE:
            return f"only {share:.0%} Chinese (expected at least {MIN_ZH_SHARE:.0%})"
        simplified = simplified_share(joined)
        if simplified > MAX_SIMPLIFIED_SHARE:
            return f"{simplified:.0%} Simplified-only characters (expected Traditional)"
        return None
    if share > MAX_EN_SHARE:
        return f"{share:.0%} Chinese in an English digest"
    return None
