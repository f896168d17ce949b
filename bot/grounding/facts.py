"""What a text states that can be checked: figures, names, dates, and the words that make
a claim stronger than a plain report (negation, superlatives, forecasts, comparisons).
Pure.

Figures are compared by value, in the forms models and translators write them: "€2.4bn",
"€2.4 billion", "2,400 million euros" and "24億歐元" are one figure; "256k" is "256,000";
"two hours" is "2 hours". A figure is not rounded: "71%" is not "71.2%"; a round one a
writer hedges stands for the figure it rounds, the way the hedge points ("just over $400
million" for $403 million, "nearly 70%" for 69%, "約120萬" for 1,193,000). Dates are read
as month and weekday marks in English and Chinese ("Nov. 20", "11月20日", "Friday",
"週五"), so a translated claim still names the same day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from bot.grounding import language
from bot.grounding.tokens import CJK_RUN, STOPWORDS, fold, stem

_SCALES = {
    "k": 3, "thousand": 3, "千": 3, "tausend": 3, "mille": 3,
    "m": 6, "mn": 6, "mln": 6, "million": 6, "百萬": 6, "百万": 6, "mio": 6, "millionen": 6,
    "b": 9, "bn": 9, "bln": 9, "billion": 9, "mrd": 9, "milliarden": 9, "md": 9, "mds": 9,
    "t": 12, "tn": 12, "trillion": 12, "兆": 12, "milliard": 9,
    "萬": 4, "万": 4, "億": 8, "亿": 8,
}  # fmt: skip
_CURRENCIES = {
    "$": "usd", "us$": "usd", "usd": "usd", "dollar": "usd", "dollars": "usd", "美元": "usd",
    "€": "eur", "eur": "eur", "m€": "eur", "euro": "eur", "euros": "eur",
    "歐元": "eur", "欧元": "eur",
    "£": "gbp", "gbp": "gbp", "pound": "gbp", "pounds": "gbp", "英鎊": "gbp",
    "nt$": "twd", "新台幣": "twd", "新臺幣": "twd",
    "¥": "jpy", "yen": "jpy", "jpy": "jpy", "日圓": "jpy", "日元": "jpy",
    "eur ": "eur", "usd ": "usd", "gbp ": "gbp", "jpy ": "jpy",
}  # fmt: skip
_FIGURE = re.compile(
    r"""
    (?P<pre>us\$|nt\$|[$€£¥]|(?:eur|usd|gbp|jpy)\s)?\s?
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+,\d{1,2}(?!\d)|\d+(?:\.\d+)?)
    (?:(?:[\s-]?(?P<scale>trillions?|billions?|millions?|milliards?|milliarden|millionen
       |thousands?|tausend|mille|mrd|mio|mds|md|bn|mn|tn|mln|bln|百萬|百万|千|萬|万|億|亿|兆
       |m(?=\s?€))
       |(?P<letter>[kmbt]))(?![a-z]))?
    (?:\s?(?P<pct>%|percent|per\s+cent|pour\s+cent|prozent|個百分點|percentage\s+points?
       |points?(?=\s(?:to|from|higher|lower|below|above|more|less|down|up)\b))|(?P<pc>pc)(?![a-z]))?
    (?:\.?\s?(?:d['’]|de\s+)?
       (?P<post>usd|eur|gbp|jpy|yen|dollars?|euros?|pounds?|€|美元|歐元|欧元|英鎊|新台幣|新臺幣|日圓|日元)(?![a-z]))?
    """,
    re.VERBOSE,
)
# Spelled-out small numbers. "one" and "一" are left out: "one of", "一起" name no figure.
_SPELLED = [
    *("zero", "one", "two", "three", "four", "five", "six"),
    *("seven", "eight", "nine", "ten", "eleven", "twelve"),
]
_NUMBER_WORDS = {word: i for i, word in enumerate(_SPELLED) if i >= 2}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
_TEENS = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_NUMBER_WORDS |= {word: i for i, word in enumerate(_TEENS, start=13)}
_NUMBER_WORDS |= _TENS | {"hundred": 100, "twice": 2, "dozen": 12}
# French and German small numbers, folded ("un"/"ein" left out as "one" is; "neuf" is
# also "new", "sept" also September's abbreviation: both still name nine and seven far
# more often in a figure's place than not).
_FOREIGN_NUMBERS = """
    deux trois quatre cinq six sept huit neuf dix onze douze
    zwei drei vier funf sechs sieben acht neun zehn elf zwolf
"""
for _i, _word in enumerate(_FOREIGN_NUMBERS.split()):
    _NUMBER_WORDS.setdefault(_word, _i % 11 + 2)
_MONTH_ABBREVIATION = re.compile(r"\.|\s*\d")
_COMPOUND = re.compile(rf"\b({'|'.join(_TENS)})[-\s]({'|'.join(_SPELLED[1:10])})\b")
# "4.5 to 4.7 billion": the first figure of a range shares the second's scale and unit.
_RANGE = re.compile(r"\s*(?:-|–|to|à|bis|至|到)\s*")
_ZH_DIGITS = {"二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
_ZH_DIGITS |= {"九": 9, "十": 10}
# A Chinese numeral counts only before a measure word: "三星" is Samsung, "三款" three models.
_ZH_NUMERAL = re.compile(
    r"(?P<num>[二兩两三四五六七八九十]{1,3})"
    r"(?=個|个|項|项|款|家|名|位|年|天|小時|小时|分鐘|倍|億|亿|萬|万|千|百|人|次|種|种|國|国|座|台|張|成|週|周)"
)
_PERCENT_ZH = re.compile(r"百分之(?P<num>\d+(?:\.\d+)?)")
# "四成" is four tenths: 40%.
_TENTHS_ZH = re.compile(r"(?P<num>[一二兩两三四五六七八九\d])成(?![立功為为長长本員员果])")

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
# French and German month names, folded (they are written in lower case in French).
_OTHER_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("janvier", "januar"), ("fevrier", "februar"), ("mars", "marz"), ("avril",),
            ("mai",), ("juin", "juni"), ("juillet", "juli"), ("aout",), ("septembre",),
            ("octobre", "oktober"), ("novembre",), ("decembre", "dezember"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
            ("thursday", "thu", "thurs"), ("friday", "fri"), ("saturday", "sat"),
            ("sunday", "sun"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_OTHER_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("lundi", "montag"), ("mardi", "dienstag"), ("mercredi", "mittwoch"),
            ("jeudi", "donnerstag"), ("vendredi", "freitag"), ("samedi", "samstag", "sonnabend"),
            ("dimanche", "sonntag"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_ZH_WEEKDAY = re.compile(r"(?:星期|週|周|禮拜|礼拜)(?P<d>[一二三四五六日天])")
_ZH_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_ZH_MONTH = re.compile(r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s?月")
_EN_DATE_WORD = re.compile(r"[A-Za-z]+")
# Capitalised "May" is the month; the English date words must be written with a capital.
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\.?")

_MARKERS: dict[str, tuple[str, str]] = {
    # class: (English words, Chinese expression)
    "negation": (
        "not no never none nor neither cannot without n't denied denies deny "
        "ne pas non jamais aucun aucune sans nicht kein keine keinen keiner nie niemals ohne",
        r"沒有|沒|没有|未(?!來|来|知)|並非|并非|不是|不會|不会|不能|無法|无法|尚未|不再|否認|否认|從未|不支援|不提供|拒絕",
    ),
    # (首次公開發行 is an IPO, a name for a listing, not a first.)
    "superlative": (
        "most best worst first only every all always ever fastest largest biggest cheapest "
        "highest lowest strongest smallest greatest longest leading unmatched unprecedented "
        "record entirely solely exclusively completely fully totally sole history "
        "premier premiere seul seule tous toutes chaque erste ersten einzige alle jeder jede",
        r"最(?!多|少)|首(?:次(?!公[開开])|[個个款家位座度批名架艘輛辆部間间台項项])|唯一|第一(?!季|週|周|天|個月|个月|半年|年)|所有|每一|每個|全部|全數|全数|史上|領先|领先|全球首",
    ),
    "forecast": (
        "will would could might likely expected expect expects plans plan planned aims "
        "poised soon future forecast predicts predicted projected eventually upcoming "
        "sera seront serait seraient doit doivent devrait devraient pourrait prevoit prevu "
        "wird werden soll sollen "
        "konnte voraussichtlich geplant",
        r"將會|将会|將於|将于|可能|預計|预计|預期|预期|計畫|計劃|计划|未來|未来|有望|即將|即将"
        # A future told by its date: "next season", "明年" say what "will" says.
        r"|下季|下賽季|下赛季|明年|下個月|下个月|下週|下周|後年|后年"
        r"|(?i:\bnext\s(?:year|season|month|week)\b|\bl'(?:an|annee|année)\sprochaine?\b"
        r"|\bla\ssaison\sprochaine\b|\bn(?:ä|a)chste[sn]?\s(?:jahr|saison|monat|woche)\b"
        # "is set to take over", "are scheduled to resume": a future told by a timetable.
        r"|\b(?:is|are|was|were)\s(?:set|scheduled|due)\sto\s(?!the\b|an?\b|its\b|their\b)[a-z]+)",
    ),
    "inference": (
        "means meaning shows proves signals suggests indicates implies demonstrates confirms",
        r"意味|顯示|显示|證明|证明|代表著|表明|說明了",
    ),
}
# Verbs that deny what follows them: "failed to flag" says it was not flagged.
IMPLICIT_NEGATION = re.compile(
    r"\b(?:fail(?:s|ed)?|declin(?:es|ed|e)|refus(?:es|ed|e)|unable|lack(?:s|ed)?)\s+to\b"
)
_NEVER = frozenset({"never", "jamais", "nie", "niemals"})
# "No. 5" is a rank, not a negation.
_NUMBER_SIGN = re.compile(r"\bno\.\s*\d")
CLASS_ONLY = frozenset({"forecast", "inference"})
"""Classes whose words vary with the writer ("plans", "will", "expects"): the source must
make a claim of the class, not in the same word."""
MARKER_WORDS = {kind: frozenset(words.split()) for kind, (words, _) in _MARKERS.items()}
_MARKER_ZH = {kind: re.compile(zh) for kind, (_, zh) in _MARKERS.items()}


def negation_zh() -> str:
    """The Chinese negation expressions, as one regular expression."""
    return _MARKERS["negation"][1]


_NEGATION_CONTRACTED = re.compile(r"\w+n['’]t\b")

# Capitalised only because they open a sentence (or are so common they name nothing).
_OPENERS = """
    after also although analysts another as at before but by customers developers during each
    even for from here however if in instead its last later meanwhile most new next now on
    once one over since so still that the then there these this those though thus today
    together under users when where whether while with within yet according both many much
    several some such no not
"""
_NOT_NAMES = STOPWORDS | frozenset(_OPENERS.split()) | frozenset(_SPELLED) | frozenset(_TEENS)
_NOT_NAMES |= frozenset(_TENS)  # "Three weeks later": a figure opening a sentence
# Units written with capitals or a digit ("TWh", "m²", "Mrd.") measure a figure; they name
# nothing a source must repeat (it may write "terawatt hours" or "m2").
_UNITS = """
    m2 m3 km2 km kg mg mm cm ha kw mw gw tw kwh mwh gwh twh wh hz khz mhz ghz kb mb gb tb
    pb mbps gbps nm co2 mrd mio mds bn tn
"""
UNIT_WORDS = frozenset(_UNITS.split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, order=True)
class Figure:
    """A stated quantity: its exact value and, when written, its kind ("%", "usd"...)."""

    value: Decimal
    kind: str = ""
    written: Decimal | None = field(default=None, compare=False)
    """For a duration in one unit ("37 hours"), the number as written: a source may give
    it bare ("from 37 to 32 hours")."""
    loose: bool = field(default=False, compare=False)
    """A share written as a fraction ("a third"): a plain word for the percent a source
    gives to its own precision ("33%", "33.3%"), not for a different one ("35%")."""
    hedge: str = field(default="", compare=False)
    """How the figure was hedged: "about", "over" ("more than", "逾") or "under"
    ("nearly", "不到"); "" when stated as exact."""

    def matches(self, other: Figure) -> bool:
        # A share is not a count: "10%" is not backed by "ten" (a currency may be left
        # unwritten beside an amount, a percent sign is not).
        # Nor is a ratio: "doubled" is not backed by "two more".
        if (self.kind == "%") != (other.kind == "%") or (self.kind == "x") != (other.kind == "x"):
            return False
        same_kind = not self.kind or not other.kind or self.kind == other.kind
        if self.hedge and same_kind and _within_hedge(self.value, other.value, self.hedge):
            return True
        if self.hedge and self.loose and self.kind == other.kind == "%":
            # "nearly a third" for 31%, "roughly half" for 51%: a hedged fraction word
            # stands for the share near it, on the hedge's side.
            return _near_share(self.value, other.value, self.hedge)
        if self.loose and not other.loose and other.kind == "%" and self.kind == "%":
            exponent = min(int(other.value.as_tuple().exponent), 0)
            return abs(self.value - other.value) <= Decimal(5).scaleb(exponent - 1)
        return self.value == other.value and (
            not self.kind or not other.kind or self.kind == other.kind
        )


_YEARS = (Decimal(1800), Decimal(2100))
_HEDGES_BEFORE = {
    "about": r"about|around|roughly|approximately|approx\.?|some|an estimated|circa|ca\.|"
    r"environ|quelque|etwa|rund|ungefahr|约|約|大約|大约",
    "over": r"more than|over|just over|upwards of|at least|in excess of|north of|"
    r"plus de|mehr als|uber|gut|逾|超過|超过|多達|多达",
    "under": r"nearly|almost|just under|close to|less than|under|fewer than|just shy of|"
    r"pres de|presque|moins de|knapp|fast|近|將近|将近|不到|接近|逼近",
}
_HEDGE_BEFORE = re.compile(
    "(?<![a-z])(?:"
    + "|".join(f"(?P<{kind}>{words})" for kind, words in _HEDGES_BEFORE.items())
    + ")(?: an?| the| de| d['’])?\\s*(?:新台幣|新臺幣|nt\\$|us\\$|[$€£¥])?\\s*$"
)
_HEDGE_AFTER = re.compile(r"^\S{0,4}?(?:(?P<about>左右|上下)|(?P<over>多|餘|余|以上))")


def _hedge(folded: str, start: int, end: int) -> str:
    """The hedge written around the figure at ``folded[start:end]``, or ""."""
    before = _HEDGE_BEFORE.search(folded[max(0, start - 24) : start])
    if before is not None:
        return next(kind for kind, word in before.groupdict().items() if word)
    after = _HEDGE_AFTER.match(folded[end : end + 6])
    if after is not None:
        return next(kind for kind, word in after.groupdict().items() if word)
    return ""


def _within_hedge(said: Decimal, stated: Decimal, hedge: str) -> bool:
    if stated == said:
        return True
    if _YEARS[0] <= stated <= _YEARS[1] and stated == stated.to_integral_value():
        # "about 2,100 jobs" is no rounding of "2024": a bare number in this range is a
        # year far more often than a count.
        return False
    # Rounded to the claim's own precision ("41,000": to the thousand), the source's
    # figure is the claim's: "about 1.2 million" for 1,193,000, not "about 41,000" for
    # 41,500; "over" and "nearly" also say on which side it lies.
    unit = int(said.normalize().as_tuple().exponent)
    rounded = stated.scaleb(-unit).quantize(Decimal(1), ROUND_HALF_UP).scaleb(unit)
    return rounded == said and _on_hedge_side(said, stated, hedge)


def _on_hedge_side(said: Decimal, stated: Decimal, hedge: str) -> bool:
    """ "over" says the stated figure is above the said one, "nearly" below it."""
    if hedge == "over":
        return stated >= said
    if hedge == "under":
        return stated <= said
    return True


FRACTION_SLACK = Decimal("3.5")
"""Percentage points a hedged fraction word ("nearly a third") may lie from its share."""


def _near_share(said: Decimal, stated: Decimal, hedge: str) -> bool:
    return abs(said - stated) <= FRACTION_SLACK and _on_hedge_side(said, stated, hedge)


def _round(value: Decimal) -> bool:
    """A number people hedge: "about 300", "over 1.2 million", "nearly 70%". A hedged
    precise one ("about 71%") still states its figure: 71.2% is not it."""
    return value == value.to_integral_value() and (value < 10 or value % 5 == 0)


def _hedged(folded: str, start: int, end: int, figure: Figure) -> Figure:
    hedge = _hedge(folded, start, end)
    if not hedge or not (figure.loose or _round(figure.value)):
        return figure
    return Figure(figure.value, figure.kind, figure.written, figure.loose, hedge)


def _value(number: str, scale: str | None) -> Decimal | None:
    # One or two digits after a comma make it a decimal comma ("2,1 Milliarden", "1,5 %"):
    # a thousands separator is followed by three.
    if re.fullmatch(r"\d+,\d{1,2}", number):
        number = number.replace(",", ".")
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    if scale:
        value = value.scaleb(_SCALES[scale])
    return value.normalize()


def _zh_number(numeral: str) -> int:
    """Chinese numerals up to 99: "十" 10, "十二" 12, "二十" 20, "三十五" 35."""
    if "十" not in numeral:
        return _ZH_DIGITS.get(numeral[-1], 0)
    tens, _, ones = numeral.partition("十")
    return _ZH_DIGITS.get(tens, 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0)


def _figure(match: re.Match[str], number: str | None = None) -> Figure | None:
    """The figure a match states; with ``number``, that number in the match's scale and
    unit (the first figure of a range)."""
    scale = match.group("scale") or match.group("letter")
    value = _value(number or match.group("num"), scale.rstrip("s") if scale else None)
    if value is None:
        return None
    kind = "%" if match.group("pct") or match.group("pc") else ""
    currency = match.group("pre") or match.group("post")
    if currency:
        kind = _CURRENCIES.get(currency, kind)
    return Figure(value, kind)


def is_figure_word(word: str) -> bool:
    """Whether a folded word states a scale or a small number ("millionen", "three")."""
    if len(word) < 3:
        return False  # "M", "T": a letter of a name as often as a scale
    return word in _SCALES or word.removesuffix("s") in _SCALES or word in _NUMBER_WORDS


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


# Thousands written with a dot or a (narrow) space, as German and French do: "3.000 Euro",
# "120 000 habitants". A dot followed by exactly three digits and then another group or a
# non-digit is a decimal point only in English, where nobody writes "3.000" for three.
_DOTTED_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:\.\d{3})+)(?![\d.,]\d)")
# An ordinary space groups thousands too when typed by hand ("60 000 voyageurs"): a
# group of exactly three digits after one to three others is no other way of writing.
_SPACED_THOUSANDS = re.compile(
    r"(?<![\d.,])(?<!\d\s)(\d{1,3})((?:[ \u00a0\u202f]\d{3})+)(?![\d.,]?\d)"
)


_DOT_GROUPING = frozenset({"de"})
"""Languages that group thousands with a dot (French uses a space, handled above)."""


def _thousands(folded: str, lang: str = "") -> str:
    def dotted(match: re.Match[str]) -> str:
        groups = match.group(2)
        if groups.count(".") == 1 and groups != ".000" and lang not in _DOT_GROUPING:
            return match.group(0)  # "1.125": a decimal, as English writes it
        return match.group(1) + groups.replace(".", ",")

    return _DOTTED_THOUSANDS.sub(dotted, folded)


def _spaced_thousands(text: str) -> str:
    """Before folding, which makes a no-break space an ordinary one."""
    return _SPACED_THOUSANDS.sub(
        lambda m: m.group(1) + re.sub(r"[ \u00a0\u202f]", ",", m.group(2)), text
    )


# A duration is one quantity however it is written: "1h52", "1:52:05", "1 hour 52
# minutes", "112 minutes" and "1小時52分" are compared in seconds.
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
_DURATION_UNITS = {
    **dict.fromkeys(("hours", "hour", "hrs", "hr", "h", "heures", "heure"), "h"),
    **dict.fromkeys(("stunden", "stunde", "小時", "小时"), "h"),
    **dict.fromkeys(("minutes", "minute", "mins", "min", "minuten", "分鐘", "分钟", "分"), "m"),
    **dict.fromkeys(("seconds", "second", "secs", "sec", "s", "sekunden", "秒"), "s"),
}  # fmt: skip
_DURATION_WORD = "|".join(sorted(_DURATION_UNITS, key=len, reverse=True))
_DURATION_PART = rf"(\d+(?:\.\d+)?)[\s-]?({_DURATION_WORD})(?![a-z])"
_DURATION = re.compile(
    rf"{_DURATION_PART}(?:(?:,?\s?(?:and\s|et\s|und\s)?){_DURATION_PART}){{0,2}}"
)
_CLOCK = re.compile(
    r"(?<![\d:])(\d{1,2}):([0-5]\d):([0-5]\d)(?![\d:])|(?<![\d:])(\d{1,2})h([0-5]\d)(?![\d])"
)
_DURATION_PIECE = re.compile(_DURATION_PART)
# A length or a mass is one quantity in any metric unit: "8.7 cm" and "87 millimetres"
# are compared in metres, "2.4 tonnes" and "2,400 kg" in grams. A speed ("km/h") and an
# area ("km²") are not lengths.
_METRIC_UNITS = {
    **dict.fromkeys(("mm", "millimetres", "millimetre", "millimeters", "millimeter"), ("m", -3)),
    **dict.fromkeys(
        ("cm", "centimetres", "centimetre", "centimeters", "centimeter", "zentimeter"), ("m", -2)
    ),
    **dict.fromkeys(("metres", "metre", "meters", "meter"), ("m", 0)),
    **dict.fromkeys(("km", "kilometres", "kilometre", "kilometers", "kilometer"), ("m", 3)),
    **dict.fromkeys(("mg", "milligrams", "milligram", "milligramm"), ("g", -3)),
    **dict.fromkeys(("grams", "gram", "gramm", "grammes", "gramme"), ("g", 0)),
    **dict.fromkeys(("kg", "kilograms", "kilogram", "kilogramm", "kilos"), ("g", 3)),
    **dict.fromkeys(("tonnes", "tonne", "tonnen", "t"), ("g", 6)),
}  # fmt: skip
_METRIC = re.compile(
    rf"(?<![\d.,])(\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:[.,]\d{{1,2}}(?!\d))?)[\s-]?"
    rf"({'|'.join(sorted(_METRIC_UNITS, key=len, reverse=True))})"
    r"(?![a-z²³/]|\s?(?:per|an|a)\s(?:hour|heure|stunde)|2\b|3\b)"
)
# Shares written as a fraction: "three in four", "1 out of 3", "half of", "三分之一".
_CENTS = re.compile(r"(?<![\d.,$])(\d{1,2})\s?(?:cents?\b|¢)")
"""An amount in cents ("25 cents" is $0.25, the difference a fare rise is told by)."""
_FRACTION_WORDS = {
    "half": (1, 2), "third": (1, 3), "quarter": (1, 4), "fifth": (1, 5), "tenth": (1, 10),
}  # fmt: skip
_FRACTION = re.compile(
    r"\b(?P<n>\d+|[a-z]+)\s(?:in|out\sof)\s(?P<m>\d+|[a-z]+)\b"
    r"|\b(?P<k>a|one|two|three|four)[\s-](?P<part>half|thirds?|quarters?|fifths?|tenths?)\sof\b"
    r"|(?<!first\s)(?<!second\s)(?<!the\s)\b(?P<bare>half)\sof\b"
)
_HALF_ZH = re.compile(r"一半|半數|半数")
_FRACTION_ZH = re.compile(
    r"(?P<m>\d+|[二兩两三四五六七八九十])分之(?P<n>\d+|[一二兩两三四五六七八九])"
)
# A stated ratio: "quadrupled", "a threefold rise", "3x".
_MULTIPLIED: dict[str, Decimal | int] = {
    "doubled": 2, "doubles": 2, "tripled": 3, "triples": 3, "trebled": 3,
    "quadrupled": 4, "quadruples": 4, "halved": Decimal("0.5"),
    "double": 2, "doubling": 2, "triple": 3, "tripling": 3, "treble": 3, "quadruple": 4,
    "quadrupling": 4, "halve": Decimal("0.5"), "halving": Decimal("0.5"),
}  # fmt: skip
# The verb's base form is a ratio only as a verb, before what it multiplies ("to double
# the share", "tripling its output"), not as an adjective ("a double blow").
_RATIO = re.compile(
    r"\b(?P<word>doubled|doubles|tripled|triples|trebled|quadrupled|quadruples|halved|"
    r"(?:double|doubling|triple|tripling|treble|quadruple|quadrupling|halve|halving)"
    r"(?=\s+(?:the|its|their|his|her|our|in|by|from|over|again)\b))\b"
    r"|(?P<n>\d+(?:\.\d+)?|[a-z]+)-?fold\b"
    # "ten times the fee", "three times as many", "2.5 times higher": a multiple; not "won
    # it three times", which counts occasions.
    r"|(?P<times>\d+(?:\.\d+)?|[a-z]+)\s+times\s+(?=(?:the|as|more|higher|larger|bigger|greater"
    r"|faster|what|its|their|his|her|that|less|lower|smaller|cheaper|fewer)\b)"
)
_ZH_UNITS = {"十": 1, "百": 2, "千": 3}
# "two million", "twenty-five thousand", "a hundred": a spelled count times its scale.
_WORD_SCALES = {"hundred": 2, "thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_SPELLED_SCALE = re.compile(
    rf"\b(?P<count>(?:{'|'.join(_TENS)})[-\s](?:{'|'.join(_SPELLED[1:10])})|[a-z]+)"
    rf"\s(?P<scale>{'|'.join(_WORD_SCALES)})\b"
)
_ZH_CURRENCY = re.compile(r"美元|歐元|欧元|英鎊|新台幣|新臺幣")
_ZH_NUMBER_RUN = re.compile(r"[\d.,一二兩两三四五六七八九十百千萬万億亿]+")


def _small_number(word: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return Decimal(word)
    if word in ("a", "one"):
        return Decimal(1)
    number = _NUMBER_WORDS.get(word)
    return Decimal(number) if number is not None else None


def _share(numerator: Decimal | None, denominator: Decimal | None) -> Figure | None:
    if not numerator or not denominator or numerator >= denominator:
        return None
    value = numerator * 100 / denominator
    return Figure(value.quantize(Decimal("0.01")).normalize(), "%", loose=True)


def _zh_numeral(run: str) -> Decimal | None:
    # Digits and Chinese units mixed ("3萬2千"), or several Chinese units ("三千二百"):
    # one trailing scale after digits ("1,200億") is read by _FIGURE.
    pieces = re.findall(r"\d[\d.,]*|[^\d.,]", run)
    if sum(1 for p in pieces if p in "十百千萬万億亿") < 2 or pieces[0] in "十百千萬万億亿":
        return None
    value = Decimal(0)
    section = Decimal(0)
    number: Decimal | None = None
    for piece in pieces:
        if piece[0].isdigit():
            number = Decimal(piece.replace(",", ""))
        elif piece in "萬万億亿":
            section += number or 0
            value += (section or 1) * Decimal(10) ** (4 if piece in "萬万" else 8)
            section, number = Decimal(0), None
        elif piece in _ZH_UNITS:
            section += (number if number is not None else 1) * Decimal(10) ** _ZH_UNITS[piece]
            number = None
        elif piece in _ZH_DIGITS or piece == "一":
            number = Decimal(_ZH_DIGITS.get(piece, 1))
        else:
            return None
    return (value + section + (number or 0)).normalize()


def _special_forms(folded: str) -> list[tuple[int, int, Figure]]:
    """Figures written as more than one number, or as a word: durations, shares written
    as fractions, ratios and Chinese numerals with several units."""
    found: list[tuple[int, int, Figure]] = []
    for match in _CLOCK.finditer(folded):
        if match.group(1):
            h, m, sec = (int(g) for g in match.group(1, 2, 3))
        else:
            h, m, sec = int(match.group(4)), int(match.group(5)), 0
        found.append((match.start(), match.end(), Figure(Decimal(h * 3600 + m * 60 + sec), "s")))
    for match in _DURATION.finditer(folded):
        if _inside(match.start(), match.end(), [(a, b) for a, b, _ in found]):
            continue
        if re.match(r"[a-z]", folded[match.start() - 1 : match.start()]):
            continue  # a model's plural ("A7s", "X2s") is a name, not seven seconds
        pieces = _DURATION_PIECE.findall(match.group(0))
        seconds = sum(
            (Decimal(number) * _UNIT_SECONDS[_DURATION_UNITS[unit]] for number, unit in pieces),
            Decimal(0),
        )
        written = Decimal(pieces[0][0]).normalize() if len(pieces) == 1 else None
        found.append((match.start(), match.end(), Figure(seconds.normalize(), "s", written)))
    for match in _METRIC.finditer(folded):
        if _inside(match.start(), match.end(), [(a, b) for a, b, _ in found]):
            continue
        kind, power = _METRIC_UNITS[match.group(2)]
        digits = match.group(1)
        # "1,500 metres" groups thousands; "4,8 kilomètres" has a decimal comma.
        thousands = re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits)
        number = Decimal(digits.replace(",", "") if thousands else digits.replace(",", "."))
        # No bare-number fallback (as a duration has): "87 cm" is not "87 millimetres".
        found.append((match.start(), match.end(), Figure(number.scaleb(power).normalize(), kind)))
    for match in _CENTS.finditer(folded):
        cents = Decimal(match.group(1)).scaleb(-2).normalize()
        found.append((match.start(), match.end(), Figure(cents, "usd")))
    for match in _FRACTION.finditer(folded):
        if (share := _fraction(match)) is not None:
            found.append((match.start(), match.end(), share))
    for match in _FRACTION_ZH.finditer(folded):
        whole, part = (_zh_digit(g) for g in match.group("m", "n"))
        if (share := _share(part, whole)) is not None:
            found.append((match.start(), match.end(), share))
    for match in _HALF_ZH.finditer(folded):
        found.append((match.start(), match.end(), Figure(Decimal(50), "%")))
    for match in _RATIO.finditer(folded):
        word, times = match.group("word"), match.group("n") or match.group("times")
        ratio = Decimal(_MULTIPLIED[word]) if word else _small_number(times)
        if ratio:
            found.append((match.start(), match.end(), Figure(ratio.normalize(), "x")))
    for match in _SPELLED_SCALE.finditer(folded):
        count = _spelled_value(match.group("count"))
        if count is not None:
            scaled = count * Decimal(10) ** _WORD_SCALES[match.group("scale")]
            found.append((match.start(), match.end(), Figure(scaled.normalize())))
    for match in _ZH_NUMBER_RUN.finditer(folded):
        if (value := _zh_numeral(match.group(0))) is not None:
            unit = _ZH_CURRENCY.match(folded, match.end())
            kind = _CURRENCIES[unit.group(0)] if unit else ""
            found.append((match.start(), match.end(), Figure(value, kind)))
    return found


def _spelled_value(words: str) -> Decimal | None:
    if compound := _COMPOUND.fullmatch(words):
        tens, ones = compound.groups()
        return Decimal(_TENS[tens] + _SPELLED.index(ones))
    return _small_number(words)


def _fraction(match: re.Match[str]) -> Figure | None:
    if match.group("part") or match.group("bare"):
        numerator, denominator = _FRACTION_WORDS[(match.group("part") or "half").rstrip("s")]
        count = _small_number(match.group("k") or "a")
        return _share(count * numerator, Decimal(denominator)) if count else None
    part, whole = _small_number(match.group("n")), _small_number(match.group("m"))
    return _share(part, whole) if part and whole and whole <= 100 else None


def _zh_digit(text: str) -> Decimal:
    return Decimal(text) if text.isdigit() else Decimal(_ZH_DIGITS.get(text, 1))


_ISO_DATE = re.compile(r"\b(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def _spelled_dates(text: str) -> str:
    """An ISO date ("2024-06-12") as a writer spells it ("12 June 2024"): its month is a
    date, not a figure."""
    return _ISO_DATE.sub(
        lambda m: f"{int(m.group(3))} {_MONTH_NAMES[int(m.group(2)) - 1]} {m.group(1)}", text
    )


@lru_cache(maxsize=4096)
def figures(text: str, parts: bool = False, lang: str = "") -> frozenset[Figure]:
    """Every quantity ``text`` states (see the module docstring for the forms read). With
    ``parts``, the numbers a duration or a fraction is written with too ("1 hour 52
    minutes" also states 1 and 52): what a source says, which a claim may quote apart.
    ``lang`` is the text's language when known: in German "41.500" is 41,500."""
    text = _spelled_dates(text)
    folded = _thousands(fold(_spaced_thousands(text)), lang or language.guess(text))
    found: set[Figure] = set()
    taken: list[tuple[int, int]] = []
    for start, end, figure in _special_forms(folded):
        if not parts:
            taken.append((start, end))
        found.add(_hedged(folded, start, end, figure))
    matches = list(_FIGURE.finditer(folded))
    for i, match in enumerate(matches):
        after = folded[match.end("num") : match.end("num") + 2].lstrip()
        if _inside(match.start("num"), match.end("num"), taken):
            continue  # part of a duration, a share or a Chinese numeral read above
        if re.match(r"[a-z]", folded[match.start("num") - 1 : match.start("num")]):
            continue  # a digit inside a code or name ("Q3", "H100"): names() reads it
        if not (match.group("scale") or match.group("letter")) and after.startswith("月"):
            continue  # "11月" is a month, read by dates()
        following = matches[i + 1] if i + 1 < len(matches) else None
        if (
            following is not None
            and not (
                match.group("scale")
                or match.group("letter")
                or match.group("pct")
                or match.group("pc")
                or match.group("post")
            )
            and _RANGE.fullmatch(folded[match.end() : following.start()])
        ):
            stated = _figure(following, number=match.group("num"))
        else:
            stated = _figure(match)
        if stated is not None:
            start = match.start("pre") if match.group("pre") else match.start("num")
            found.add(_hedged(folded, start, match.end(), stated))
    for match in _PERCENT_ZH.finditer(folded):
        if (value := _value(match.group("num"), None)) is not None:
            found.add(_hedged(folded, match.start(), match.end(), Figure(value, "%")))
    for match in _TENTHS_ZH.finditer(folded):
        tenth = match.group("num")
        number = int(tenth) if tenth.isdigit() else _ZH_DIGITS.get(tenth, 1)
        share = Figure(Decimal(number * 10), "%")
        found.add(_hedged(folded, match.start(), match.end(), share))
    for match in _COMPOUND.finditer(folded):
        if not _inside(match.start(), match.end(), taken):
            tens, ones = match.groups()
            found.add(Figure(Decimal(_TENS[tens] + _SPELLED.index(ones))))
    for match in _WORD.finditer(_COMPOUND.sub(lambda m: " " * len(m.group(0)), folded)):
        word = match.group(0)
        if word == "sept" and _MONTH_ABBREVIATION.match(folded, match.end()):
            continue  # "Sept. 1", "Sept 2026": September, not seven
        if word in _NUMBER_WORDS and not _inside(match.start(), match.end(), taken):
            found.add(Figure(Decimal(_NUMBER_WORDS[word])))
    for match in _ZH_NUMERAL.finditer(folded):
        if _inside(match.start(), match.end(), taken):
            continue
        scale = folded[match.end() : match.end() + 1]
        if scale != "成" and (number := _zh_number(match.group("num"))):
            found.add(Figure(Decimal(number).scaleb(_SCALES.get(scale, 0)).normalize()))
    return frozenset(found)


_NEXT_WORD = re.compile(r"\s+([a-z]{3,})\b")
_TIMES_OF_DAY = frozenset(
    ("morning", "afternoon", "evening", "night", "noon", "midnight", "lunchtime")
)


def _attributive(text: str, end: int) -> bool:
    """Whether the weekday ending at ``end`` describes the noun after it ("Sunday library
    hours", "Saturday trading"): a kind of thing, not the day something happens."""
    following = _NEXT_WORD.match(text, end)
    if following is None:
        return False
    word = following.group(1)
    return word not in _TIMES_OF_DAY and word not in STOPWORDS


@lru_cache(maxsize=4096)
def dates(text: str) -> frozenset[str]:
    """Month and weekday marks ("month:11", "weekday:5") in English or Chinese."""
    text = _spelled_dates(text)
    found: set[str] = set()
    for match in _CAPITALISED.finditer(text):
        word = match.group(0).rstrip(".").lower()
        if word in _MONTHS and (word != "may" or match.group(0) == "May"):
            found.add(f"month:{_MONTHS[word]}")
        elif word in _WEEKDAYS and len(word) > 3 and not _attributive(text, match.end()):
            found.add(f"weekday:{_WEEKDAYS[word]}")
    for word in _WORD.findall(fold(text)):
        if word in _OTHER_MONTHS:
            found.add(f"month:{_OTHER_MONTHS[word]}")
        elif word in _OTHER_WEEKDAYS:
            found.add(f"weekday:{_OTHER_WEEKDAYS[word]}")
    for match in _ZH_MONTH.finditer(text):
        if re.match(r"[A-Za-z0-9-]", text[match.start() - 1 : match.start()]):
            continue  # "A7月產量" is the A7's monthly output, not July
        month = match.group("m")
        number = int(month) if month.isdigit() else _zh_number(month)
        if 1 <= number <= 12:
            found.add(f"month:{number}")
    for match in _ZH_WEEKDAY.finditer(text):
        found.add(f"weekday:{_ZH_WEEKDAYS[match.group('d')]}")
    folded = fold(text)
    for match in _QUARTER_BY_MONTHS.finditer(folded):
        month = _MONTHS.get(match.group("month") or match.group("month2"), 0)
        if month % 3 == 0:
            found.add(f"quarter:{month // 3}")
    for match in _MONTH_SPAN.finditer(folded):
        first, last = (_month_number(g) for g in match.groups() if g)
        if first % 3 == 1 and last == first + 2:
            found.add(f"quarter:{last // 3}")
    for period, pattern in _PERIODS.items():
        for match in pattern.finditer(folded):
            which = next(g for g in match.groups() if g)
            found.add(f"{period}:{_ORDINALS.get(which, which)}")
    for match in _SEASON.finditer(folded):
        word = next(g for g in match.groups() if g)
        found.add(f"season:{_SEASONS[word]}")
    return frozenset(found)


# A season as a time ("in autumn 2026", "au printemps", "im Herbst", "秋季"), not the word
# in another sense ("a spring", "prices fall", "a été"): after a word that dates, or
# before a year.
_SEASONS = {
    **dict.fromkeys(("spring", "printemps", "fruhling", "fruhjahr", "春季", "春天"), "spring"),
    **dict.fromkeys(("summer", "ete", "sommer", "夏季", "夏天"), "summer"),
    **dict.fromkeys(("autumn", "fall", "automne", "herbst", "秋季", "秋天"), "autumn"),
    **dict.fromkeys(("winter", "hiver", "冬季", "冬天"), "winter"),
}  # fmt: skip
_SEASON_EN = "spring|summer|autumn|fall|winter"
_SEASON_FR = "printemps|ete|automne|hiver"
_SEASON_DE = "fruhling|fruhjahr|sommer|herbst|winter"
_SEASON = re.compile(
    rf"\b(?:(?:in(?:\sthe)?|this|next|last|early|late|by|until|mid)\s|mid-)(?:(?:early|late)\s)?"
    rf"({_SEASON_EN})\b(?!\sof\s(?!20\d\d))"
    rf"|\b({_SEASON_EN})\s(?:of\s)?20\d\d\b"
    rf"|\b(?:au|en|cet|l'|d'|de\sl'|a\sl'|fin|debut)\s?({_SEASON_FR})\b"
    rf"|\b({_SEASON_FR})\s20\d\d\b"
    rf"|\b(?:im|ab|bis|diesen|nachsten|letzten|kommenden)\s({_SEASON_DE})\b"
    rf"|\b({_SEASON_DE})\s20\d\d\b"
    r"|(春季|夏季|秋季|冬季|春天|夏天|秋天|冬天)"
)
_SEASON_MONTHS = {
    "spring": (3, 4, 5),
    "summer": (6, 7, 8),
    "autumn": (9, 10, 11),
    "winter": (12, 1, 2),
}


def season_months(dates: frozenset[str]) -> frozenset[str]:
    """The season marks of the months in ``dates`` (the northern seasons): a source that
    says "in October" backs a claim that says "in the autumn". Not for a source that names
    seasons itself: it said which, and its months date other things."""
    if any(d.startswith("season:") for d in dates):
        return frozenset()
    months = {int(d.split(":")[1]) for d in dates if d.startswith("month:")}
    return frozenset(
        f"season:{season}" for season, within in _SEASON_MONTHS.items() if months & set(within)
    )


# Quarters and halves of a year: "Q3", "third quarter", "3Q", "第三季", "troisième
# trimestre", "drittes Quartal"; "H1", "first half", "上半年", "premier semestre".
_ORDINALS = {
    **dict.fromkeys(("first", "premier", "1er", "erste", "ersten", "erstes", "一", "上"), "1"),
    **dict.fromkeys(("second", "deuxieme", "2e", "zweite", "zweiten", "zweites", "二", "下"), "2"),
    **dict.fromkeys(("third", "troisieme", "3e", "dritte", "dritten", "drittes", "三"), "3"),
    **dict.fromkeys(("fourth", "quatrieme", "4e", "vierte", "vierten", "viertes", "四"), "4"),
}  # fmt: skip
_ORDINAL = r"first|second|third|fourth|premier|deuxieme|troisieme|quatrieme|[1-4]e|1er"
_ORDINAL_DE = r"erste[ns]?|zweite[ns]?|dritte[ns]?|vierte[ns]?"
# "the three months to June", "July-September quarter": a quarter told by its months.
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_QUARTER_BY_MONTHS = re.compile(
    rf"\b(?:three|3)\smonths\s(?:to|ended|ending|through|until)\s(?P<month>{_MONTH_NAME})\b"
    rf"|\b(?:{_MONTH_NAME})\s?(?:-|–|to)\s?(?P<month2>{_MONTH_NAME})\squarter\b"
)
# "July to September", "7月至9月": three months from a quarter's first are that quarter.
_ANY_MONTH = "|".join(sorted([*_MONTHS, *_OTHER_MONTHS], key=len, reverse=True))
_MONTH_SPAN = re.compile(
    rf"\b({_ANY_MONTH})\s?(?:-|–|to|through|a|à|bis)\s?({_ANY_MONTH})\b"
    rf"|\b(?:between|entre|zwischen)\s({_ANY_MONTH})\s(?:and|et|und)\s({_ANY_MONTH})\b"
    r"|(?<![a-z0-9])(\d{1,2})\s?月?\s?(?:至|到|-|–|~)\s?(\d{1,2})\s?月"
)


def _month_number(text: str) -> int:
    return _MONTHS.get(text) or _OTHER_MONTHS.get(text) or int(text)


def quarter_months(dates: frozenset[str]) -> frozenset[str]:
    """The month marks of the quarters in ``dates``: a claim that spells a quarter as its
    three months names those months, and is backed by the quarter."""
    quarters = [int(d.split(":")[1]) for d in dates if d.startswith("quarter:")]
    return frozenset(f"month:{3 * q - k}" for q in quarters for k in range(3))


_PERIODS = {
    "quarter": re.compile(
        rf"\bq([1-4])\b|\b([1-4])q\b|\b({_ORDINAL})[\s-]quarter|\b({_ORDINAL})\strimestre"
        rf"|\b({_ORDINAL_DE})\squartal|第([一二三四1-4])季"
    ),
    "half": re.compile(
        rf"\bh([12])\b|\b(first|second)[\s-]half\b|\b({_ORDINAL})\ssemestre"
        rf"|\b({_ORDINAL_DE})\shalbjahr|([上下])半年"
    ),
}


DATE_WORDS = frozenset(_MONTHS) | frozenset(_WEEKDAYS) | frozenset(_OTHER_MONTHS)


def is_date_word(word: str) -> bool:
    return word in _MONTHS or word in _WEEKDAYS or word in _OTHER_MONTHS


_PERIOD_CODE = re.compile(r"q[1-4]|h[12]|[1-4]q")
"""A quarter or a half ("Q3", "H1"): read by dates(), not a name."""

# Endings of English adverbs and participles, which open sentences and are rarely names.
_COMMON_ENDINGS = ("ly", "ed")
_OPENING = re.compile(r"(?:^|[.!?:;]\s*)[\"“'(]?\s*$")


def _opens(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence."""
    return bool(_OPENING.search(text[max(0, start - 4) : start]))


@lru_cache(maxsize=4096)
def names(text: str, ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    """Folded stems of the names ``text`` states: capitalised words that are not common
    words capitalised to open a sentence ("The", "Analysts"), and words with inner capitals
    or digits ("OpenAI", "H100", "4B"). ``ignore`` holds words that prove nothing (the
    topic's own name, present in every source)."""
    latin = CJK_RUN.sub(" ", text)
    found: set[str] = set()
    for match in _WORD.finditer(latin):
        word = match.group(0)
        if word.isdigit() or not (word[0].isupper() or any(ch.isdigit() for ch in word)):
            continue
        folded = fold(word)
        if folded in ignore or is_date_word(folded) or folded[0].isdigit():
            continue  # a word opening with a digit is a figure ("256k", "3nm", "20th")
        if _PERIOD_CODE.fullmatch(folded) or folded in UNIT_WORDS:
            continue  # a quarter or a half, read by dates(); a unit of a figure
        if (word.isupper() and len(word) <= 2) or latin[match.end() : match.end() + 1] == "$":
            continue  # "US", "EU", the "NT" of "NT$": written out as often as not
        inner = any(ch.isupper() for ch in word[1:]) or any(ch.isdigit() for ch in word)
        if not inner and folded in _NOT_NAMES:
            continue
        if not inner and _opens(latin, match.start()) and folded.endswith(_COMMON_ENDINGS):
            continue  # "Early 2025 brought", "Uninsured patients": an adverb, an adjective
        if not inner and _opens(latin, match.start()) and folded in language.FUNCTION_WORDS:
            continue  # "Selon Corvane", "Durch den Streik": a preposition opening a sentence
        found.add(stem(folded))
    return frozenset(found)


# "the first quarter", "the first nine months", "premier trimestre": a period of the
# calendar, not a first.
_PERIOD_ORDINAL = re.compile(
    r"\b(?:first|premier|premiere|erste[nrs]?)\s(?:\w+\s)?"
    r"(?:quarter|half|months?|weeks?|days?|trimestre|semestre|mois|quartal|halbjahr|monaten?)\b"
    # "their first trophy in 22 years" says how long since the last: a figure to check,
    # which the source gives as "a 22-year wait", not a first of all time.
    r"|\bfirst\s(?:[a-z]+\s){0,3}(?:in|for)\s(?:\d+|[a-z]+)\s(?:years|decades)\b"
    r"|\bfirst\s(?:[a-z]+\s){0,3}since\s\d{4}\b"
)


# "only 9% of trips", "only $5": how small a figure is (a source says "just 9%"), not
# that nothing else is.
_MINIMISER = re.compile(r"\bonly\s(?=(?:about\s|around\s|some\s)?(?:[$€£¥]|\d))")


# French and German inflect the forecast words ("prévue", "prévues", "geplante"); and
# French says "will" by the verb's ending ("comptera", "apporteront"), read in French text
# only (``lang``, else told by its function words).
_FRENCH_INFLECTION = re.compile(r"(?:es|e|s)$")
_FRENCH_FUTURE = re.compile(r"^\w{3,}(?:era|eront|iront|ira|ront)$")


def _inflected(word: str) -> str:
    return _FRENCH_INFLECTION.sub("", word)


def markers(text: str, lang: str = "") -> dict[str, frozenset[str]]:
    """The claim-strengthening words of ``text`` by class; a Chinese match is recorded as
    its expression, so same-language texts compare words and others compare classes."""
    folded = _PERIOD_ORDINAL.sub(" ", _NUMBER_SIGN.sub(" ", fold(text)))
    folded = _MINIMISER.sub(" ", folded)
    words = set(_WORD.findall(CJK_RUN.sub(" ", folded)))
    found: dict[str, frozenset[str]] = {}
    for kind, vocabulary in MARKER_WORDS.items():
        hits = {w for w in words if w in vocabulary}
        if kind == "forecast":
            hits |= {w for w in words if _inflected(w) in vocabulary}
            # "will not name them", "won't comment": a refusal, which a source reports as
            # "declined to"; the negation check speaks for it.
            hits -= {
                w
                for w in ("will", "would")
                if w in hits and not re.search(rf"\b{w}\b(?!\snot\b)", folded)
            }
            if (lang or language.guess(text)) == "fr":
                hits |= {w for w in words if _FRENCH_FUTURE.search(w)}
        if kind == "negation" and _NEGATION_CONTRACTED.search(folded):
            hits.add("n't")
        if kind == "negation" and IMPLICIT_NEGATION.search(folded):
            hits.add("not")
        if kind == "negation":
            # "none has been fatal" and "no deaths" deny alike; "never" denies for all time.
            hits = {w if w in _NEVER or not w.isascii() else "not" for w in hits}
        hits |= {m.group(0) for m in _MARKER_ZH[kind].finditer(text)}
        if hits:
            found[kind] = frozenset(hits)
    return found


@dataclass(frozen=True)
class CalendarDate:
    """A day, a month or a year as a text writes it ("11 March 2025", "April 20", "June
    2026", "in 2028", "2025年3月2日"), found in folded text; a part left out is None."""

    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    text: str = ""
    """As written (folded)."""

    def agrees(self, other: CalendarDate) -> bool:
        """Whether the two may be one date: every part both give is the same."""
        pairs = self._pairs(other)
        return bool(pairs) and all(a == b for a, b in pairs)

    def differs(self, other: CalendarDate) -> bool:
        """Whether the two are other dates: a part both give is not the same."""
        return any(a != b for a, b in self._pairs(other))

    def _pairs(self, other: CalendarDate) -> list[tuple[int, int]]:
        return [
            (a, b)
            for a, b in ((self.year, other.year), (self.month, other.month), (self.day, other.day))
            if a is not None and b is not None
        ]


_ALL_MONTHS = {**_MONTHS, **_OTHER_MONTHS}
_CALENDAR_MONTH = "|".join(sorted(_ALL_MONTHS, key=len, reverse=True))
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er)?\.?"
# A span of days ("7 to 12 August", "Aug. 7-12") gives each of its days: "first" is the other.
_DAYS_TO = r"(?:\s?(?:-|–|to|au|bis)\s?(?P<last>[12]\d|3[01]|0?[1-9])\.?)?"
_DAY_FIRST = re.compile(
    rf"\b{_DAY}{_DAYS_TO}\s+(?P<month>{_CALENDAR_MONTH})\b\.?"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
)
_MONTH_FIRST = re.compile(
    rf"\b(?P<month>{_CALENDAR_MONTH})\b\.?\s+(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
    rf"(?![.,]\d|\s?%){_DAYS_TO}(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
)
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_CALENDAR_MONTH})\b\.?,?\s+(?P<year>(?:19|20)\d\d)\b")
_ZH_DATE = re.compile(
    r"(?:(?P<year>(?:19|20)\d\d)\s?年\s?)?(?:(?P<month>1[0-2]|0?[1-9])\s?月\s?)?"
    r"(?:(?P<day>[12]\d|3[01]|0?[1-9])\s?[日號号])?"
)
# A year on its own is a date after a word that dates ("in 2028", "by 2031", "d'ici 2030");
# elsewhere "2028" may be a count.
_DATING_YEAR = re.compile(
    r"\b(?:in|by|until|till|from|to|for|since|before|after|of|through|en|d'ici|depuis|avant|apres"
    r"|im|bis|ab|seit|vor|nach|jahr)\s+(?P<year>(?:19|20)\d\d)\b(?!\s?%)"
)
_FULL_MONTHS = "|".join(name for name in _ALL_MONTHS if len(name) > 3 and name != "mars")
_DATING_MONTH = re.compile(
    rf"\b(?:in|by|until|till|from|since|before|after|en|depuis|avant|apres|im|bis|ab|seit)"
    rf"\s+(?P<month>{_FULL_MONTHS})\b"
)


def calendar_dates(folded: str) -> list[CalendarDate]:
    """The dates of ``folded`` (text passed through :func:`bot.grounding.tokens.fold`), in
    order, each read once by its fullest form."""
    found: list[CalendarDate] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str]) -> None:
        if not match.group(0).strip() or any(
            match.start() < b and a < match.end() for a, b in taken
        ):
            return
        parts = match.groupdict()
        month = parts.get("month")
        year = int(parts["year"]) if parts.get("year") else None
        number = (_ALL_MONTHS.get(month) or int(month)) if month else None
        days: list[int | None] = [int(d) for d in (parts.get("day"), parts.get("last")) if d]
        for day in days or [None]:
            written = match.group(0).strip()
            found.append(CalendarDate(match.start(), match.end(), year, number, day, written))
        taken.append((match.start(), match.end()))

    for match in _ZH_DATE.finditer(folded):
        if (match.group("year") or match.group("month")) and not re.match(
            r"[a-z0-9-]", folded[match.start() - 1 : match.start()]
        ):
            add(match)
    for pattern in (_DAY_FIRST, _MONTH_FIRST, _MONTH_YEAR, _DATING_YEAR, _DATING_MONTH):
        for match in pattern.finditer(folded):
            add(match)
    return sorted(found, key=lambda d: d.start)
