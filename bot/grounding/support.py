"""The one support test: does what a sentence cites back what it says? Pure.

A claim is supported by its cited text when

1. every figure it states is there, by value ("€2.4bn" = "2.4 billion euros"; "71%" is not
   "71.2%"), and every date mark (month, weekday);
2. every name it states is there (so a claim about another product, company or partner
   than its source's fails);
3. every word that makes it stronger than a report is there: a negation, a superlative
   ("first", "every", "最"), a forecast ("will"), an inference ("means") or a comparison
   ("beats"). Across languages the class must be there;
4. enough of its other content is there: at least :data:`MIN_SHARE` of its content words
   (stems, light synonyms allowed) or of its CJK character pairs; and its polarity agrees
   with the sentence of the source that says most of it;
5. it says it in one place: each clause's figures, names and strengthening words are in the
   window of :data:`WINDOW` adjacent sentences that says most of that clause (one window
   per cited source), not somewhere else on the page;
6. it gives each act to whoever the source gives it: what a clause has one person say or
   do is told of that person where the source tells it, not of someone else;
7. it dates each act as the source does: a date written after what it dates ("trading
   begins on 9 June") is not backed by a source that gives those words another date
   and never this one (the day a source reports, "said on 4 June", dates no act).

A claim in another script than its source (a zh-TW sentence citing an English article)
cannot be compared word by word offline: rules 1-3 still apply, and it must state at least
:data:`MIN_ANCHORS` checkable facts (names, figures, dates) for them to prove anything,
or one figure no other page shares by chance (an amount, "38,000"; not "2" or a year).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bot.grounding import facts, language, quarantine, synonyms, tokens
from bot.grounding.facts import Figure

MIN_SHARE = 0.5
MIN_SHARE_CJK = 0.5
"""For a Chinese claim, the share of its characters inside pairs the source has."""
MIN_ANCHORS = 2
CJK_SOURCE = 3
"""A source with this many more CJK pairs than Latin words is written in Chinese."""
STRONG_ALIGNMENT = 0.6
"""Share of a claim's content in one source sentence above which their polarity must agree."""


def _units(text: str, skip: frozenset[str] = frozenset()) -> tuple[frozenset[str], frozenset[str]]:
    """Content stems (synonyms folded to one) and CJK pairs of ``text``."""
    stems = frozenset(synonyms.canonical(s) for s in tokens.content_stems(text) if s not in skip)
    return stems, frozenset(tokens.cjk_pairs(text))


@dataclass(frozen=True)
class _Sentence:
    stems: frozenset[str]
    pairs: frozenset[str]
    negated: bool
    words: frozenset[str] = frozenset()
    figures: frozenset[Figure] = frozenset()
    text: str = ""
    kinds: frozenset[str] = frozenset()
    """The classes of claim-strengthening words it uses (negation, superlative...)."""


@dataclass(frozen=True)
class Evidence:
    """What cited text says, as checkable pieces. Build it once per source with
    :func:`evidence`; join several with :func:`merged`."""

    figures: frozenset[Figure] = frozenset()
    dates: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    """Stems of every word, for names (which may be written in lower case there)."""
    stems: frozenset[str] = frozenset()
    pairs: frozenset[str] = frozenset()
    markers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    sentences: tuple[_Sentence, ...] = ()
    language: str = ""
    """:func:`bot.grounding.language.guess` of the text; "mixed" for sources in several."""
    languages: frozenset[str] = frozenset()
    """Each source's language, for merged sources."""
    parts: tuple[Evidence, ...] = ()
    """The sources merged into this one, each read apart by the local check."""

    @property
    def latin(self) -> bool:
        return bool(self.stems)

    @property
    def cjk(self) -> bool:
        return bool(self.pairs)


_TITLE_RUN = re.compile(r"[A-Z][a-z]+(?:\s+(?:(?:and|of|for|the|on|&)\s+)?[A-Z][a-z]+)+")
_LINKING = frozenset({"and", "of", "for", "the", "on", "&"})


def _acronyms(text: str) -> frozenset[str]:
    """The initials of each run of capitalised words ("Food and Drug Administration" ->
    "fda"): a claim may name the body by them."""
    found = set()
    for run in _TITLE_RUN.findall(text):
        words = [w for w in run.split() if w not in _LINKING]
        for start in range(len(words) - 1):
            found.add("".join(w[0] for w in words[start:]).lower())
    return frozenset(found)


def _title_initials(text: str) -> frozenset[str]:
    """The short form of each title the text writes out ("chief operating officer" ->
    "coo"): a claim may write it so."""
    return frozenset(
        short
        for title in _SOURCE_TITLE.findall(tokens.fold(text))
        if len(short := _TITLES[title]) <= 3 and short != title
    )


def evidence(text: str) -> Evidence:
    said = []
    written_in = language.guess(text)
    for sentence in tokens.sentences(text):
        stems, pairs = _units(sentence)
        kinds = frozenset(facts.markers(sentence, written_in))
        words = frozenset(tokens.word_stems(sentence)) | _acronyms(sentence)
        if written_in in _COMPOUNDING:
            words |= _compound_tails(words)  # "Beteiligung" in "Weiterverkaufsbeteiligung"
        said.append(
            _Sentence(
                stems,
                pairs,
                "negation" in kinds,
                words,
                facts.figures(sentence, parts=True, lang=written_in),
                sentence,
                kinds,
            )
        )
    stems, pairs = _units(text)
    words = frozenset(tokens.word_stems(text)) | _acronyms(text) | _title_initials(text)
    if written_in in _COMPOUNDING:
        words |= _compound_tails(words)
    return Evidence(
        figures=facts.figures(text, parts=True, lang=written_in),
        dates=facts.dates(text),
        words=words,
        stems=stems,
        pairs=pairs,
        markers=facts.markers(text, written_in),
        sentences=tuple(said),
        language=written_in,
    )


_COMPOUNDING = frozenset({"de"})
"""Languages that write a compound as one word, its head last ("Vorstandschef" is a
"Chef"): a claim may name the head alone ("Brenntal-Chef")."""
_MIN_TAIL = 4


def _compound_tails(words: frozenset[str]) -> frozenset[str]:
    return frozenset(
        w[i:]
        for w in words
        if len(w) >= 2 * _MIN_TAIL and w.isalpha()
        for i in range(_MIN_TAIL, len(w) - _MIN_TAIL + 1)
    )


def merged(items: Iterable[Evidence]) -> Evidence:
    items = list(items)
    kinds = {kind for e in items for kind in e.markers}
    languages = {e.language for e in items}
    return Evidence(
        figures=frozenset().union(*(e.figures for e in items)),
        dates=frozenset().union(*(e.dates for e in items)),
        words=frozenset().union(*(e.words for e in items)),
        stems=frozenset().union(*(e.stems for e in items)),
        pairs=frozenset().union(*(e.pairs for e in items)),
        markers={
            k: frozenset().union(*(e.markers.get(k, frozenset()) for e in items)) for k in kinds
        },
        sentences=tuple(s for e in items for s in e.sentences),
        language=next(iter(languages)) if len(languages) == 1 else "mixed",
        languages=frozenset(languages),
        parts=tuple(p for e in items for p in (e.parts or (e,))),
    )


@dataclass(frozen=True)
class Verdict:
    supported: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.supported


_OK = Verdict(True)


@dataclass(frozen=True)
class Claim:
    """What one sentence states, read once and checked against any number of sources."""

    text: str
    figures: frozenset[Figure]
    dates: frozenset[str]
    names: frozenset[str]
    stems: frozenset[str]
    pairs: frozenset[str]
    markers: Mapping[str, frozenset[str]]
    ignore: frozenset[str] = frozenset()
    """Stems of the topic's own words: no proof, and no rival either."""
    language: str = ""
    glosses: frozenset[str] = frozenset()
    """CJK runs of a claim written in another script ("Lin Mei-hua (林美華)"): the
    name as the source writes it, checked like a name."""

    @property
    def anchors(self) -> int:
        return len(self.figures) + len(self.dates) + len(self.names) + len(self.glosses)

    @property
    def negated(self) -> bool:
        return "negation" in self.markers


def claim(text: str, ignore: frozenset[str] = frozenset()) -> Claim:
    # A URL is checked against the sources' URLs (see quarantine), not as words.
    text = quarantine.URL.sub(" ", text)
    found_names = facts.names(text, ignore)
    # Names and the topic's words are checked (or skipped) on their own, not as content.
    stems, pairs = _units(text, skip=found_names | frozenset(tokens.stem(w) for w in ignore))
    guessed = language.guess(text, min_hits=1)  # a claim is one sentence
    glosses: frozenset[str] = frozenset()
    if pairs and guessed != "zh" and len(pairs) < len(stems):
        glosses = frozenset(tokens.CJK_RUN.findall(text))
        pairs = frozenset()
    return Claim(
        text,
        facts.figures(text),
        facts.dates(text),
        found_names,
        stems,
        pairs,
        facts.markers(text),
        frozenset(tokens.stem(w) for w in ignore),
        guessed,
        glosses,
    )


def _shares(said: Claim, source: Evidence) -> tuple[int, int]:
    """(units found, units comparable): content in a script the source is written in."""
    found = considered = 0
    if source.latin:
        considered += len(said.stems)
        found += sum(1 for s in said.stems if tokens.stems_meet(s, source.stems))
    if source.cjk and said.pairs:
        covered, chars = _covered(said.text, source.pairs)
        considered += chars
        found += covered
    return found, considered


def _covered(text: str, pairs: frozenset[str]) -> tuple[int, int]:
    """(characters of the CJK runs of ``text`` inside a pair the source has, characters):
    without a segmenter, the pairs that straddle two words ("南新" of "台南新廠") are in no
    other text, so a claim is measured by the characters its found words cover."""
    covered = chars = 0
    for run in tokens.CJK_RUN.findall(unicodedata.normalize("NFKC", text)):
        if len(run) == 1:
            chars += 1
            covered += run in pairs
            continue
        hits = [run[i : i + 2] in pairs for i in range(len(run) - 1)]
        for i in range(len(run)):
            chars += 1
            covered += (i > 0 and hits[i - 1]) or (i < len(hits) and hits[i])
    return covered, chars


def _same_script(said: Claim, source: Evidence) -> bool:
    return (not said.pairs or source.cjk) and (not said.stems or source.latin)


def _comparable(said: Claim, source: Evidence) -> bool:
    """Whether the claim can be compared word by word with the source: same script and
    not two known, different languages ("replaces" cannot be looked up in German)."""
    return _same_script(said, source) and not language.differ(said.language, source.language)


def _written_apart(said: Claim, source: Evidence) -> bool:
    """A Latin-script claim about a Chinese source: "Tainan" is written "台南" there, so a
    name cannot be looked up and only figures and dates can be checked."""
    if source.language == "zh" or "zh" in source.languages:
        return not said.pairs
    return not said.pairs and source.cjk and len(source.pairs) > CJK_SOURCE * len(source.stems)


_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z0-9][\w'’-]*)+")


def _rival_in_name(said: Claim, source: Evidence) -> str:
    """A translation renders "Bavaria" as "Bayern", but not "Alder Capital" as "Birch
    Capital": a missing word of a several-word name whose other words are in the source
    names another entity of the same kind."""
    for run in _NAME_RUN.findall(quarantine.URL.sub(" ", said.text)):
        # "11 Millionen Kunden": a German noun after a scale word is a count, not a name.
        words = [
            tokens.stem(tokens.fold(w))
            for w in re.findall(r"[^\W_]+", run)
            if not facts.is_figure_word(tokens.fold(w))
        ]
        missing = [w for w in words if w in said.names and not tokens.stems_meet(w, source.words)]
        if missing and any(w not in missing and tokens.stems_meet(w, source.words) for w in words):
            return missing[0]
    return ""


def _gloss_found(gloss: str, source: Evidence) -> bool:
    return tokens.cjk_pairs(gloss) <= source.pairs


def _markers(said: Claim, source: Evidence) -> Verdict:
    same = _comparable(said, source)
    for kind, words in said.markers.items():
        theirs = source.markers.get(kind, frozenset())
        if not theirs:
            return Verdict(False, f"{kind} the source does not make: {sorted(words)[0]}")
        if same and kind not in facts.CLASS_ONLY and (missing := words - theirs):
            return Verdict(False, f"{kind} the source does not make: {sorted(missing)[0]}")
    return _OK


_LOOSE_SUPERLATIVES = frozenset({"all", "every", "always", "ever", "most", "only", "history"})
_ATTACH_WINDOW = 6


def _following(text: str, word: str) -> list[list[str]]:
    """For each place ``word`` is written in ``text``, the content stems of the next
    :data:`_ATTACH_WINDOW` words; for an appositive (", a record for the event"), of the
    words before the comma too, which it qualifies."""
    folded = tokens.fold(text)
    found = []
    for match in re.finditer(rf"\b{re.escape(word)}\b", folded):
        after = re.findall(r"[^\W_]+", folded[match.end() :])[:_ATTACH_WINDOW]
        head = folded[: match.start()]
        if _APPOSITIVE.search(head):
            # The appositive qualifies its whole clause ("45,000 runners started the
            # race, a record"): back to the clause's start.
            clause = re.split(r"[,;:]", _APPOSITIVE.sub("", head))[-1]
            after += re.findall(r"[^\W_]+", clause)[-2 * _ATTACH_WINDOW :]
        found.append(
            [synonyms.canonical(tokens.stem(w)) for w in after if w not in tokens.STOPWORDS]
        )
    return found


_APPOSITIVE = re.compile(r",\s*(?:a|an|the)\s+$")


def _attached(said: Claim, source: Evidence) -> Verdict:
    """A superlative must qualify the same thing in the source: "the first private
    company" is not backed by "its first lunar mission" (a first about something else).
    The words after it in the claim and in some source sentence must meet. (A forecast
    is not held to this: sources state a future as often by its date as by "will".)"""
    if not _comparable(said, source) or said.pairs:
        return _OK
    checks = [
        (word, [word])
        for word in said.markers.get("superlative", frozenset()) - _LOOSE_SUPERLATIVES
    ]
    for word, theirs_words in checks:
        mine = [stems for stems in _following(said.text, word) if stems]
        if not mine:
            continue
        theirs = [
            stems
            for s in source.sentences
            for their_word in theirs_words
            for stems in _following(s.text, their_word)
        ]
        if not any(
            set(a) & set(b) or any(tokens.stems_meet(x, set(b)) for x in a)
            for a in mine
            for b in theirs
        ):
            return Verdict(False, f'"{word}" says something else in the source')
    return _OK


def _polarity(said: Claim, source: Evidence) -> Verdict:
    """The sentence that says most of the claim must be negated exactly when it is."""
    size = len(said.stems) + len(said.pairs)
    if not size or not source.sentences:
        return _OK
    overlap, best = max(
        (len(said.stems & s.stems) + len(said.pairs & s.pairs), s.negated) for s in source.sentences
    )
    # Across languages no sentence can be aligned: a negated one must simply exist.
    same = _comparable(said, source)
    if said.negated and not any(
        s.negated and (not same or said.stems & s.stems or said.pairs & s.pairs)
        for s in source.sentences
    ):
        return Verdict(False, "a negation no cited sentence makes")
    if (
        not said.negated
        and best
        and overlap / size >= STRONG_ALIGNMENT
        and not _NEGATIVE_PREFIX.search(said.text)
    ):
        return Verdict(False, "the source says the opposite")
    if same or said.pairs:
        for clause in _clauses(said):
            if clause.negated or _NEGATIVE_PREFIX.search(clause.text):
                continue
            if (verdict := _asserts_denied(clause, source)) is not None:
                return verdict
    return _opposite_words(said, source) if same else _OK


# Where a negation's reach ends: the clause it is in ("not A, but B" denies only A).
_SCOPE_END = re.compile(
    r"[,;:.!?，；：。！？]|\s(?:but|however|though|although|while|whereas|yet|mais|aber|sondern|doch)\s|但|卻|却|而是"
)
_NEGATION_WORD = re.compile(
    r"\b(?:"
    + "|".join(re.escape(w) for w in sorted(facts.MARKER_WORDS["negation"], key=len, reverse=True))
    + r"|\w+n't)\b|"
    + facts.IMPLICIT_NEGATION.pattern
    + "|"
    + facts.negation_zh()
)
MIN_DENIED = 2
"""Content units of a claim inside a negation's clause that make it assert what is denied."""
DENIED_SHARE = 3
"""...when a third of the claim's content is in that sentence (it is about the same thing)."""
# A word negated by its prefix ("unchanged", "non-binding") denies as "not changed" does.
_NEGATIVE_PREFIX = re.compile(r"\b(?:un|non-?)[a-z]{3,}(?:ed|able|ible|ing)\b", re.IGNORECASE)


def _denied(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The content stems and CJK pairs that a negation in ``text`` denies: from the
    negation word to the end of its clause."""
    folded = tokens.fold(text).replace("’", "'")
    scopes = _scopes(folded, _NEGATION_WORD, _SCOPE_END, with_word=False)
    if not scopes:  # a denial read some other way: it may reach the whole sentence
        return _units(text)
    units = [_units(scope) for scope in scopes]
    return frozenset().union(*(u[0] for u in units)), frozenset().union(*(u[1] for u in units))


def _scopes(
    folded: str, words: re.Pattern[str], end: re.Pattern[str], *, with_word: bool
) -> list[str]:
    """The reach of each of ``words`` in ``folded``: from it (the word itself included
    when ``with_word``) to the end of its clause."""
    reaches = []
    for match in words.finditer(folded):
        rest = folded[match.start() if with_word else match.end() :]
        stop = end.search(rest)
        reaches.append(rest[: stop.start()] if stop else rest)
    return reaches


def _inside_denial(said: Claim, text: str) -> int:
    """How many content units of the claim a negation of ``text`` denies."""
    stems, pairs = _denied(text)
    return sum(1 for s in said.stems if tokens.stems_meet(s, stems)) + len(said.pairs & pairs)


def _asserts_denied(said: Claim, source: Evidence) -> Verdict | None:
    """ "Liver problems were more common on the drug" against "there was no difference in
    liver problems": a claim without a negation that says half of what a negated source
    sentence says, and restates what its negation denies (the words from the negation to
    the end of its clause, so "not A, but B" still backs B), asserts what the source
    rules out."""
    size = len(said.stems) + len(said.pairs)
    if not size:
        return None
    for sentence in source.sentences:
        if not sentence.negated:
            continue
        if _inside_denial(said, sentence.text) < MIN_DENIED:
            continue
        shared = sum(1 for s in said.stems if tokens.stems_meet(s, sentence.stems))
        if (shared + len(said.pairs & sentence.pairs)) * DENIED_SHARE >= size:
            return Verdict(False, "the source denies what the claim states")
    return None


_TENTATIVE = re.compile(
    r"\b(?:plan(?:s|ned|ning)?\s+(?:to|for)|intend\w*|aim(?:s|ed|ing)?\s+(?:to|for)|propos\w*"
    r"|seek\w*|sought|hop(?:e|es|ed|ing)|expect\w*|forecast\w*|predict\w*"
    r"|project(?:s|ed)\s+to|could|might|(?<!\bin\s)(?<!\bof\s)(?<!\bby\s)(?<!\bto\s)may(?!\s\d)"
    r"|likely|possibl[ey]|potential(?:ly)?|pending|subject\s+to|if\s+(?:it\s+is\s+)?approved"
    r"|still\s+(?:needs?|requires?|has\s+to|have\s+to|must)|(?:needs?|requires?)\s+(?:the\s+)?approv\w*"
    r"|ask(?:s|ed|ing)?\s+(?:\w+\s+){0,4}?(?:to|for)|request\w*|call(?:s|ed|ing)?\s+for"
    r"|urg(?:e|es|ed|ing)|want(?:s|ed)?\s+to|foreseeable|tentative\w*|draft\w*"
    r"|planen|plant|geplant|voraussichtlich|erwartet|soll(?:en|te|ten)?|erwag\w*|hoff\w*"
    r"|prevoi\w*|prevu\w*|envisag\w*|pourrai\w*|devrai\w*|souhait\w*|espere\w*)\b"
    r"|計劃|計畫|计划|規劃|规划|擬|拟|預計|预计|預估|预估|預期|预期|可能|有望|希望|爭取|争取"
    r"|尋求|寻求|打算|申請|申请|提議|提议|草案|研議|研议|盼"
)
"""Words that frame an act as not done or not certain: planned, sought, asked for,
expected, possible (in English, German, French and Chinese)."""
_DONE = re.compile(
    r"\b(?:has|have|had)\s+(?:already\s+|now\s+|since\s+)?(?:been\s+)?[a-z]+(?:ed|en|wn|ght|un)\b"
    r"|\balready\b|\bdeja\b|\bbereits\b|\bschon\b|已(?![經经]?(?:[計计][劃画畫]|[預预][計计]|[規规][劃划]))"
)
"""A claim that states an act as done: a perfect ("has agreed", "had approved"), "already"."""
_TENTATIVE_END = re.compile(_SCOPE_END.pattern.replace(".", "", 1) + r"|(?<!\d)\.")
"""A clause's end, where a German ordinal ("zum 1. Januar") does not end one."""
MIN_UNCERTAIN = 2
"""Content units of a claim inside a tentative clause that make it the same act."""


def _tentative_units(text: str) -> tuple[frozenset[str], frozenset[str], frozenset[Figure]]:
    """What a tentative word in ``text`` frames: from the word to the end of its clause."""
    folded = tokens.fold(text).replace("’", "'")
    scopes = _scopes(folded, _TENTATIVE, _TENTATIVE_END, with_word=True)
    units = [_units(scope) for scope in scopes]
    return (
        frozenset().union(*(u[0] for u in units)),
        frozenset().union(*(u[1] for u in units)),
        frozenset().union(*(facts.figures(scope) for scope in scopes)),
    )


def _certain(said: Claim, source: Evidence) -> Verdict:
    """ "The court has agreed to hear the appeal" against "the city would ask the court to
    hear it"; "已獲得補助" against "將爭取補助": a claim that states as done what the sentence
    saying it only plans, seeks, asks for, expects or calls possible, and that no other
    sentence states plainly. (A claim that hedges or forecasts too is left to the markers.)"""
    folded = tokens.fold(said.text).replace("’", "'")
    if not _DONE.search(folded) or _TENTATIVE.search(folded) or "forecast" in said.markers:
        return _OK
    same = _comparable(said, source)
    size = len(said.figures) + (len(said.stems) + len(said.pairs) if same else 0)
    if not size:
        return _OK
    for sentence in source.sentences:
        if not _TENTATIVE.search(tokens.fold(sentence.text)):
            continue
        shared = sum(1 for f in said.figures if any(f.matches(g) for g in sentence.figures))
        if same:
            shared += sum(1 for s in said.stems if tokens.stems_meet(s, sentence.stems))
            shared += len(said.pairs & sentence.pairs)
        if shared * DENIED_SHARE < size:
            continue
        stems, pairs, figures = _tentative_units(sentence.text)
        act: set[str | Figure] = (
            {s for s in said.stems if same and tokens.stems_meet(s, stems)}
            | (said.pairs & pairs if same else set())
            | {f for f in said.figures if any(f.matches(g) for g in figures)}
        )
        if len(act) < MIN_UNCERTAIN:
            continue
        if not any(_states(act, other) for other in source.sentences if other is not sentence):
            return Verdict(False, "the source only plans, seeks or expects what the claim states")
    return _OK


def _states(act: set[str | Figure], sentence: _Sentence) -> bool:
    """Whether a sentence without a tentative word says every unit of ``act``."""
    if _TENTATIVE.search(tokens.fold(sentence.text)):
        return False
    return all(
        tokens.stems_meet(u, sentence.stems) or u in sentence.pairs
        if isinstance(u, str)
        else any(u.matches(g) for g in sentence.figures)
        for u in act
    )


def _opposite_words(said: Claim, source: Evidence) -> Verdict:
    """A claim that "backed" what the sentence saying most of it "opposed" (or "won" for
    "lost", a "tailwind" for a "headwind") is contradicted without any negation word;
    unless the clause the word is in ("sales grew 17%, while fish sales slipped") has a
    sentence of its own that says it: then the other sentence was about the other clause."""
    found = _opposite_in(said, source)
    if found is None:
        return _OK
    word, theirs = found
    for part in _clauses(said):
        if word in part.stems and part is not said:
            for sentence in source.sentences:
                if word in sentence.stems and _about(part, sentence) >= MIN_ANCHORS + 1:
                    return _OK
    return Verdict(False, f"the source says {theirs}, not {word}")


def _about(said: Claim, sentence: _Sentence) -> int:
    names = sum(1 for n in said.names if tokens.stems_meet(n, sentence.words))
    figures = sum(1 for f in said.figures if any(f.matches(g) for g in sentence.figures))
    return names + figures + len(said.stems & sentence.stems)


def _opposite_in(said: Claim, source: Evidence) -> tuple[str, str] | None:
    """(the claim's word, the source's opposite), or None."""
    for sentence in source.sentences:
        if (score := _about(said, sentence)) < MIN_ANCHORS + 1:
            continue  # not a sentence about the same thing
        # "revenue rose 71%" is not contradicted by a later "PC revenue fell 4%" when a
        # sentence saying as much of the claim says "rose".
        backed = frozenset().union(
            *(s.stems for s in source.sentences if s is not sentence and _about(said, s) >= score)
        )
        for word in said.stems - sentence.stems - backed:
            if (theirs := synonyms.opposites(word) & sentence.stems) and not any(
                synonyms.opposites(t) & said.stems - {word} for t in theirs
            ):
                return word, sorted(theirs)[0]
    return None


def _derived(figure: Figure, found: Iterable[Figure]) -> bool:
    """Whether ``figure`` is the difference or the sum of two figures of its kind that the
    claim states beside it and the source backs ("61.7, 13.5 higher than 48.2")."""
    found = [f for f in found if f != figure and (not f.kind or f.kind == figure.kind)]
    return any(
        a.value - b.value == figure.value or a.value + b.value == figure.value
        for i, a in enumerate(found)
        for b in found[i + 1 :] + found[:i]
    )


def _backed(figure: Figure, source: Evidence) -> bool:
    """Whether the source states ``figure``: in any of its forms, as a duration given bare
    ("from 37 to 32 hours"), or as a ratio or a sum or difference of two figures of its
    kind that one source sentence states ("tripled" for "$30m to $90m")."""
    if _given(figure, source.figures):
        return True
    # A story gives the whole in one sentence and what is left in the next ("61,000 lost
    # power. ... restored to all but 9,400").
    adjacent = zip(source.sentences, source.sentences[1:] or source.sentences[:1], strict=False)
    return any(_computed(figure, a.figures | b.figures) for a, b in adjacent) or _share_of(
        figure, source.figures
    )


def _share_of(figure: Figure, stated: frozenset[Figure]) -> bool:
    """ "About $27 million" of a "$68 million" round of which "about 40%" goes there: a
    share the source gives of an amount it gives, worked out to the claim's precision."""
    if figure.kind in ("%", "x") or not (figure.kind or _count(figure)):
        return False
    shares = [f.value for f in stated if f.kind == "%" and 0 < f.value < 100]
    wholes = [f for f in stated if f.kind == figure.kind and f.value > figure.value]
    return any(
        figure.matches(Figure(share * whole.value / 100, figure.kind))
        for share in shares
        for whole in wholes
    )


def _computed(figure: Figure, stated: frozenset[Figure]) -> bool:
    if figure.kind == "x":
        return any(
            b.value and _ratio_fits(figure, a.value / b.value)
            for a in stated
            for b in stated
            if a != b and a.kind == b.kind and a.kind not in ("%", "x")
        )
    if figure.kind == "%" and any(
        # "nearly a third of its NT$38 million budget" for NT$12 million of it
        0 < a.value < b.value and figure.matches(Figure(a.value * 100 / b.value, "%"))
        for a in stated
        for b in stated
        if a.kind == b.kind and a.kind not in ("", "%", "x")
    ):
        return True
    return any(
        a.value + b.value == figure.value or a.value - b.value == figure.value
        for a in stated
        for b in stated
        if a != b and a.kind == b.kind == figure.kind and (figure.kind or _count(a, b, figure))
    )


RATIO_SLACK = Decimal("0.05")
"""How far from its multiple a ratio word stands ("quadrupled" for 97 to 398)."""


def _ratio_fits(figure: Figure, ratio: Decimal) -> bool:
    """ "More than quadrupled" for 97 to 412 (4.2 times), "nearly tripled" for 2.9 times,
    "doubled" for 1.98 times; not "tripled" for 2.5 times."""
    if figure.hedge == "over":
        return figure.value <= ratio < figure.value * Decimal("1.25")
    if figure.hedge == "under":
        return figure.value * Decimal("0.85") < ratio <= figure.value
    return abs(ratio - figure.value) <= figure.value * RATIO_SLACK


def _count(*figures: Figure) -> bool:
    """Counts big enough that a sum or difference of two of one sentence's is not chance
    ("51,600 reconnected" of "61,000 lost power, 9,400 still without"): no years."""
    return all(f.value >= 100 and not (1800 <= f.value <= 2100) for f in figures)


_RELATIONS = frozenset(synonyms.canonical(tokens.stem(w)) for w in ("partner", "sue"))
"""Ties between two entities (a partnership, a lawsuit): a claim that states one is not
backed by a source that only names both ("its weights are hosted on X"). (Buying is not
among them: "acquired" and "bought" are said of goods and infections as often.)"""
_RELATIONS_WRITTEN = re.compile(
    r"合作|夥伴|伙伴|聯手|联手|結盟|结盟|起訴|起诉|控告"
    r"|(?i:\b(?:partenai\w*|partenariats?|kooperation\w*|zusammenarbeit|verklag\w*|poursuit\w*"
    r"|socios?|alianzas?)\b)"
)
"""The same ties as written in Chinese, French, German and Spanish, which the stems of an
English claim do not meet."""


_JOINT = re.compile(
    r"(?i:\bco-?(?:fund|financ|invest|develop|own|produc|sponsor|host)\w*"
    r"|\bjointly\b|\bjoint\s+venture|\btogether\s+with\b|\balongside\b)"
)
"""A shared act ("co-funded by", "co-invest alongside"): a tie as much as a partnership."""


def _relations(said: Claim, source: Evidence) -> Verdict:
    """A tie the claim states between entities must be one the source states."""
    in_source = bool(source.stems & _RELATIONS) or any(
        _RELATIONS_WRITTEN.search(s.text) for s in source.sentences
    )
    if _JOINT.search(said.text) and not (
        in_source or any(_JOINT.search(s.text) for s in source.sentences)
    ):
        return Verdict(False, "a shared act the source does not state")
    if _comparable(said, source):
        missing = (said.stems & _RELATIONS) - source.stems
        # One of several cited sources may state the tie in its own language.
        if missing and not (source.parts and in_source):
            return Verdict(False, f"a tie the source does not state: {sorted(missing)[0]}")
        return _OK
    stated = bool(_RELATIONS_WRITTEN.search(said.text)) or bool(said.stems & _RELATIONS)
    if stated and not in_source:
        return Verdict(False, "a tie the source does not state")
    return _OK


_CAUSE_CLAIMED = (
    r"\bbecause\b|\bdue\sto\b(?!\s(?:be|begin|start|open|close|launch|arrive|end|finish|resume|take|come|enter|run|ship|report|expire)\b)|\bowing\sto\b|\bthanks\sto\b|\bas\sa\sresult\b"
    r"|\b(?:driven|fuell?ed|caused|prompted|triggered)\sby\b"
    r"|\b(?:drove|caused|causing|led\sto|leading\sto|prompted|prompting|resulted\sin|triggered)\b"
    r"|\bhas\sdriven\b|\bparce\squ|\ba\scause\sd|\ben\sraison\sd|\bgrace\sa\b"
    r"|\bsuite\sa\b|\bweil\b|\bwegen\b|\baufgrund\b|\binfolge\b|\bdeshalb\b|\bdaher\b"
    r"|因為|因为|由於|由于|導致|导致|造成|因此|所以|帶動|带动|使得"
)
_CAUSE = re.compile(_CAUSE_CLAIMED, re.IGNORECASE)
# A source also gives a cause by blaming, citing or attributing, or by "after" and
# "following" ("shares fell after the warning").
_CAUSE_STATED = re.compile(
    _CAUSE_CLAIMED
    + r"|\bblam(?:e|es|ed|ing)\b|\battribut\w+|\bciting\b|\bcited\b|\bafter\b|\bfollowing\b"
    r"|\bamid\b|\bon\sthe\snews\b|\breason\b|\bresult\b|\bbecause\b|\bapres\b|\bnach\b"
    r"|\bbegrund\w*|\bdank\b|原因|歸因|归因|拖累|受到|影響|影响|之後|之后"
)


def _causes(said: Claim, source: Evidence) -> Verdict:
    """A claim that gives a cause ("because", "driven by", "導致") adds a relation the
    source must state too, in the place that says the claim: two facts the source reports
    apart ("coverage fell"; "admissions reached 412") are not one causing the other."""
    folded = tokens.fold(said.text)
    if not _CAUSE.search(folded):
        return _OK
    if not _comparable(said, source):
        if any(_CAUSE_STATED.search(tokens.fold(s.text)) for s in source.sentences):
            return _OK
        return Verdict(False, "a cause the source does not give")
    # What the claim gives as the cause is a statement of its own: its content must be
    # in the source, not only the effect's ("closing the stores because they were losing
    # money", of a page that says only how much the stores sold).
    reason = _given_reason(said, _CAUSE_FOLLOWS) or _given_reason(said, _EFFECT_FOLLOWS, True)
    if reason is not None and not _said_somewhere(reason, source):
        return Verdict(False, "a cause the source does not give")
    # The cause and the effect are each aligned: the source may say "because" where it
    # tells either of them (a headline's "as shortages bite", a later "blaming").
    for part in [said, *(claim(p, said.ignore) for p in _CAUSE.split(said.text))]:
        if not _claim_units(part):
            continue
        for window in _aligned(part, source):
            if any(_CAUSE_STATED.search(tokens.fold(s.text)) for s in window if s.text):
                return _OK
    return Verdict(False, "a cause the source does not give")


_PURPOSE = re.compile(
    r"\bin\sorder\sto\b|\bso\sas\sto\b|\bin\sa\sbid\sto\b|\baim(?:ed|ing)\s(?:at|to)\b"
    r"|\bintended\sto\b|\bdesigned\sto\b|\bso\sthat\b|\bafin\sde\b|\bafin\squ|\bdamit\b"
    r"|\bum\s(?:\w+\s){1,6}zu\b|為了|为了|以便|旨在",
    re.IGNORECASE,
)
PURPOSE_SHARE = 2 / 3
"""Of a stated cause's or purpose's content words, the share its source must have."""


_CAUSE_FOLLOWS = re.compile(
    r"\bbecause\b|\bdue\sto\b|\bowing\sto\b|\bthanks\sto\b|\bas\sa\sresult\sof\b"
    r"|\b(?:driven|fuell?ed|caused|prompted|triggered)\sby\b|\bparce\squ|\ba\scause\sd"
    r"|\ben\sraison\sd|\bgrace\sa\b|\bweil\b|\bwegen\b|\baufgrund\b|因為|因为|由於|由于",
    re.IGNORECASE,
)
"""Connectives the cause comes after ("closed because ...")."""
_EFFECT_FOLLOWS = re.compile(
    r"\b(?:drove|caused|causing|led\sto|leading\sto|prompted|prompting|resulted\sin|triggered)\b"
    r"(?!\sby\b)|導致|导致|造成|使得",
    re.IGNORECASE,
)
"""Connectives the cause comes before ("a faulty update caused ...")."""


def _given_reason(said: Claim, connective: re.Pattern[str], before: bool = False) -> Claim | None:
    """The part of the claim its cause or purpose connective introduces (``before``:
    the part ahead of it), if it says enough to be checked on its own."""
    folded = tokens.fold(said.text)
    match = connective.search(folded)
    if match is None:
        return None
    text = folded[: match.start()] if before else folded[match.end() :]
    part = claim(text, said.ignore)
    return part if len(part.stems) + len(part.pairs) >= 2 else None


def _said_somewhere(part: Claim, source: Evidence) -> bool:
    if not _comparable(part, source):
        return True  # across languages the words cannot be compared: names decide
    found, considered = _shares(part, source)
    return not considered or found >= PURPOSE_SHARE * considered


def _purposes(said: Claim, source: Evidence) -> Verdict:
    """An aim the claim gives ("in order to cut fare evasion", "為了...") is the
    source's only when it says the aim's content too: a reason read into a decision is
    an extrapolation."""
    if (aim := _given_reason(said, _PURPOSE)) is not None and not _said_somewhere(aim, source):
        return Verdict(False, "an aim the source does not give")
    return _OK


_VOTE_FOR = re.compile(
    r"\bvot\w*\s(?:for|in\sfavou?r|pour)\b|\bstimmt\w*\s(?:\w+\s)?fur\b|投下?贊成|贊成票|赞成",
)
_VOTE_AGAINST = re.compile(
    r"\bvot\w*\s(?:against|contre)\b|\bstimmt\w*\s(?:\w+\s)?gegen\b|投下?反對|反對票|反对票",
)


def _vote(said: Claim, source: Evidence) -> Verdict:
    """ "The opposition voted for it" against "the opposition voted against": a vote's
    direction is in a stop word ("for", "pour"), so the content check cannot see it. A
    source sentence about the same voters that gives only the other direction contradicts."""
    folded = tokens.fold(said.text)
    for mine, other in ((_VOTE_FOR, _VOTE_AGAINST), (_VOTE_AGAINST, _VOTE_FOR)):
        if not mine.search(folded):
            continue
        for sentence in source.sentences:
            theirs = tokens.fold(sentence.text)
            if not other.search(theirs) or mine.search(theirs):
                continue
            shared = sum(1 for n in said.names if tokens.stems_meet(n, sentence.words))
            shared += sum(1 for s in said.stems if tokens.stems_meet(s, sentence.stems))
            if shared + len(said.pairs & sentence.pairs) >= MIN_ANCHORS:
                return Verdict(False, "the source has them vote the other way")
    return _OK


# A count before the suffix ("三區", three districts) names no place.
_PLACE_SUFFIX = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<![一二兩两三四五六七八九十多數数各])[區区縣县鄉乡鎮镇]"
)


def _places_zh(said: Claim, source: Evidence) -> Verdict:
    """ "安南區" is not "北區": a Chinese district, county or township is written with its
    suffix, and the character before it names which. When the source names places with
    that suffix, the claim's must be among them."""
    if not source.cjk:
        return _OK
    text = unicodedata.normalize("NFKC", said.text)
    for match in _PLACE_SUFFIX.finditer(text):
        pair = text[match.start() - 1 : match.end()]
        suffix = match.group(0)
        if pair in source.pairs:
            continue
        if any(p.endswith(suffix) for p in source.pairs):
            return Verdict(False, f"a place the source does not name: {pair}")
    return _OK


_TITLES_ZH = {
    "執行長": "ceo", "执行长": "ceo", "財務長": "cfo", "财务长": "cfo", "技術長": "cto",
    "技术长": "cto", "營運長": "coo", "运营长": "coo", "董事長": "chair", "董事长": "chair",
    "主席": "chair", "總裁": "president", "总裁": "president", "創辦人": "founder",
    "创办人": "founder", "發言人": "spokesperson", "发言人": "spokesperson",
    "總經理": "md", "总经理": "md", "總教練": "coach", "总教练": "coach", "教練": "coach",
    "教练": "coach", "市長": "mayor", "市长": "mayor", "部長": "minister", "部长": "minister",
}  # fmt: skip
_TITLE_ZH = "|".join(sorted({*_TITLES_ZH, "局長", "局长"}, key=len, reverse=True))
_ORG_ZH = r"[\u4e00-\u9fff]{1,4}?(?:隊|队|公司|集團|集团|銀行|银行|大學|大学|局|部|市)"
_TITLED_ZH = re.compile(rf"(?P<org>{_ORG_ZH})?(?P<title>{_TITLE_ZH})(?P<name>[\u4e00-\u9fff]{{2}})")


def _titles_zh(said: Claim, source: Evidence) -> Verdict:
    """ "雷鳥隊總教練高天佑" is not backed where 高天佑 is 海神隊's coach: when the source
    writes the same person's title after an organisation, the claim's organisation must
    be that one."""
    if not said.pairs or not source.cjk:
        return _OK
    for match in _TITLED_ZH.finditer(said.text):
        org = match.group("org")
        if not org:
            continue
        person = re.compile(rf"(?P<org>{_ORG_ZH})?{match.group('title')}{match.group('name')}")
        for sentence in source.sentences:
            for theirs in person.finditer(sentence.text):
                their_org = theirs.group("org")
                if their_org and not (tokens.cjk_pairs(org) & tokens.cjk_pairs(their_org)):
                    return Verdict(False, f"the source names {their_org}, not {org}")
    return _OK


_BASED = re.compile(r"\b([A-Z][\w'’]+(?:[\s-][A-Z][\w'’]+)?)-based\b")


def _based(said: Claim, source: Evidence) -> Verdict:
    """ "Bergen-based Fjordline" says where Fjordline is based: the source must say that
    of the place ("Bergen-based", "based in Bergen", "headquartered in Bergen"), not
    merely name it (an investor "Bergen Kapital")."""
    if not _comparable(said, source):
        return _OK
    for place in _BASED.findall(said.text):
        where = re.escape(place)
        pattern = rf"{where}-based|(?:based|headquartered|located)\s+in\s+[^.;]{{0,30}}?\b{where}\b"
        if not any(re.search(pattern, s.text) for s in source.sentences):
            return Verdict(False, f"the source does not say what is based in {place}")
    return _OK


_PREDICATE = 3
"""How many of the words before a claim's date say what it dates ("takes effect on")."""
_DATE_REACH = 8
"""How many words after those a source's date may come and still be theirs."""
_DATE_BREAK = re.compile(r"[;:]|,\s+(?:and|but|while|whereas|with|et|mais|und|aber)\s|\band\s")


def _dating_words(folded: str) -> list[tuple[str, int, int]]:
    """Each word of folded text that can say what a date is of, as (stem, start, end):
    content words, names included; no figures, date words or function words."""
    return [
        (synonyms.canonical(tokens.stem(m.group(0))), m.start(), m.end())
        for m in re.finditer(r"[^\W\d_]+", folded)
        if m.group(0) not in tokens.STOPWORDS
        and not facts.is_date_word(m.group(0))
        and len(m.group(0)) > 2
    ]


def _source_dates_it(predicate: frozenset[str], sentence: str) -> list[facts.CalendarDate]:
    """The dates a source sentence gives what ``predicate`` says: those following (within
    :data:`_DATE_REACH` words, in the same clause) the place that says two of its words."""
    folded = tokens.fold(sentence)
    words = _dating_words(folded)
    hits = [i for i, (w, _, _) in enumerate(words) if tokens.stems_meet(w, predicate)]
    dates = facts.calendar_dates(folded)
    given: list[facts.CalendarDate] = []
    for i in hits:
        # Each word of the predicate where it last comes before this one, nearby.
        last = {words[j][0]: j for j in hits if i - _DATE_REACH <= j <= i}
        if len(last) < 2:
            continue
        begin = words[min(last.values())][1]
        # Dates and figures are not words: past the last word, the sentence's end.
        reach = words[i + _DATE_REACH][2] if i + _DATE_REACH < len(words) else len(folded)
        if stop := _DATE_BREAK.search(folded, words[i][2]):
            reach = min(reach, stop.start())
        given += [
            d
            for d in dates
            if begin <= d.start < reach
            and d not in given
            and not _REPORTED.search(folded[: d.start])
        ]
    return given


_REPORTED = re.compile(
    r"\b(?:said|says|announced|reported|confirmed|stated|told|added|wrote|disclosed|dit|annonce"
    r"|indique|declare|sagte|erklarte|teilte|mitteilte|meldete)\b(?:\s+\w+){0,2}\s*,?\s*$"
)
"""The words before a date that make it the day of a statement ("the company said on 2
December"), not of what the statement is about."""


def _dates_alike(date: facts.CalendarDate, predicate: frozenset[str], sentence: str) -> bool:
    """Whether a source sentence gives ``date`` to what the claim dates: it has the date
    and half the words of the predicate, anywhere (a source may put them in any order)."""
    folded = tokens.fold(sentence)
    if not any(d.agrees(date) for d in facts.calendar_dates(folded)):
        return False
    found = {w for w, _, _ in _dating_words(folded)}
    return 2 * sum(1 for p in predicate if tokens.stems_meet(p, found)) >= len(predicate)


def _dated_acts(said: Claim, source: Evidence) -> Verdict:
    """A date is the date of something: "Fjordline shares start trading on 11 March" is not
    backed by a page that prices the shares on 11 March and starts trading them on 13
    March. The words the claim writes before its date (what it dates) are looked up in
    each source sentence; where a sentence gives them another date and none gives them
    the claim's, the claim took the date of another event."""
    if said.pairs or not source.sentences or not _comparable(said, source):
        return _OK
    folded = tokens.fold(said.text)
    start = 0
    for date in facts.calendar_dates(folded):
        before = folded[start : date.start]
        start = date.end
        if clause := list(_DATE_BREAK.finditer(before)):
            before = before[clause[-1].end() :]
        # The names are who, not what: "Harwick" is on every line of a page about it.
        words = [
            w
            for w, _, _ in _dating_words(before)
            if w not in said.ignore and w not in said.names and w not in _NOT_ALIGNING
        ]
        predicate = frozenset(words[-_PREDICATE:])
        if len(predicate) < 2:
            continue
        given: list[facts.CalendarDate] = []
        agreed = False
        for sentence in source.sentences:
            dated = _source_dates_it(predicate, sentence.text)
            given += dated
            # Where the sentence ties no date to the predicate, half of it and the date do.
            agreed |= any(d.agrees(date) for d in dated) or (
                not dated and _dates_alike(date, predicate, sentence.text)
            )
        if agreed:
            continue
        if rival := next((d for d in given if d.differs(date)), None):
            return Verdict(False, f"the source dates that {rival.text!r}, not {date.text!r}")
    return _OK


def _dated_alike(mark: str, dates: frozenset[str]) -> bool:
    """Whether a claim's date mark is held to the source's: a quarter is not, since
    companies count fiscal quarters their own way and sources give them by months as
    often ("the three months to June"); it is read so that "Q3" is no name."""
    return not mark.startswith("quarter:")


def _facts(said: Claim, source: Evidence) -> Verdict:
    backed = [f for f in said.figures if _backed(f, source)]
    for figure in said.figures:
        if figure not in backed and not _derived(figure, backed):
            return Verdict(False, f"figure not in the source: {figure.value}{figure.kind}")
    spelled = facts.quarter_months(said.dates & source.dates) | facts.season_months(source.dates)
    if missing := {d for d in said.dates - source.dates - spelled if _dated_alike(d, source.dates)}:
        return Verdict(False, f"date not in the source: {sorted(missing)[0]}")
    # A translation may render a place or a people in its own language ("Bayern" for
    # "Bavaria"): check() weighs those against the names that are found.
    strict = not _written_apart(said, source) and (
        _comparable(said, source) or source.language == "mixed"
    )
    for name in said.names:
        if strict and not tokens.stems_meet(name, source.words):
            return Verdict(False, f"name not in the source: {name}")
    for gloss in said.glosses:
        if not _gloss_found(gloss, source):
            return Verdict(False, f"name not in the source: {gloss}")
    return _markers(said, source)


_NAME_SPAN = r"[A-Z][\w'’-]*(?:\s+[A-Z0-9][\w'’.-]*){0,3}"
_FIGURE_SPAN = r"[$€£¥]?\d[\d,.]*(?:\s?(?:%|bn|billion|million|m|k)\b|%)?"
_SPAN = f"{_NAME_SPAN}|{_FIGURE_SPAN}"
_GAP = "[\\s\"“”'‘’(]+"  # a quoted figure ("around 2030") sits in the same slot
_SLOT = re.compile(rf"(\w+)\s+({_SPAN})(?=\s+(\w+))")
_END_SLOT = re.compile(rf"(\w+)\s+(\w+)\s+({_FIGURE_SPAN})\s*[.!?]?\s*$")


def _in_role(said: Claim, source: Evidence) -> Verdict:
    """A claim that puts its own name or figure where the source has another one is not
    backed by the source mentioning that name or figure elsewhere: "for Small and Large 4
    by up to 40%" against "for Small and Codestral by up to 40%" swapped the entity, though
    Large 4 is named further down; "around 2027" against "around 2026" took the year of
    another event. The slot is the words on either side, in a sentence that says at least
    half of the claim."""
    if not source.sentences or said.pairs or not _comparable(said, source):
        return _OK
    size = len(said.stems) + len(said.names) + len(said.figures)
    aligned = [s.text for s in source.sentences if s.text and _overlap(said, s) * 2 >= size >= 3]
    for mine, slot in _slots(said.text):
        for sentence in aligned:
            filling = [found.group(1) for found in slot.finditer(sentence)]
            if any(mine.lower() in theirs.lower() for theirs in filling):
                continue  # the source says it in this slot too
            for theirs in filling:
                if _rival(mine, theirs, said):
                    return Verdict(False, f"the source says {theirs} where the claim says {mine}")
    return _OK


_PASSIVE = frozenset({"by", "par", "von", "vom", "from"})
"""Words that turn the roles: "beaten by", "an order from" (the buyer is named last)."""
_SYMMETRIC = """
    partner partnership merge merger tie tied draw drew meet met join joined agree agreed
    deal sign signed collaborate compete competes rival rivals versus vs against match
"""
_SYMMETRIC_STEMS = frozenset(synonyms.canonical(tokens.stem(w)) for w in _SYMMETRIC.split())
_RELATION_SPAN = 5


def _word_stems(text: str) -> list[tuple[str, int]]:
    """Stems of the words of ``text`` with where each starts in the folded text."""
    return [
        (tokens.stem(m.group(0)), m.start()) for m in re.finditer(r"[^\W_]+", tokens.fold(text))
    ]


def _between(
    text: str, words: list[tuple[str, int]], i: int, j: int, names: frozenset[str]
) -> set[str]:
    """The relation words between the ``i``th and ``j``th words: content stems, names,
    figures and letters left out; none when the grammar turns the roles ("beaten by") or
    an appositive describes the first name (", a start-up based in")."""
    span = [w for w, _ in words[i + 1 : j]]
    between = tokens.fold(text)[words[i][1] : words[j][1]]
    if any(w in _PASSIVE for w in span) or _APPOSITION.search(between):
        return set()
    if _ROLE_BREAK.search(between):
        return set()  # "Tessema finished second, and Kiprono...": two clauses, no relation
    stems = {
        synonyms.canonical(w)
        for w in span
        if w not in names and w not in tokens.STOPWORDS and len(w) > 2 and not w.isdigit()
    }
    return stems if len(stems) <= _RELATION_SPAN else set()


_APPOSITION = re.compile(r",\s+(?:a|an|the)\s")
_ROLE_BREAK = re.compile(r"[;:]|,\s+(?:and|but|while|whereas|et|mais|und|aber)\s")


def _swapped(said: Claim, source: Evidence) -> Verdict:
    """ "Ames beat Brandt" is not backed by "Brandt beat Ames": two names of the
    claim joined by a relation word, written the other way round around the same word in a
    source sentence, have swapped roles (unless the relation is mutual, "partnered with",
    or turned by a passive, "beaten by")."""
    if not _comparable(said, source) or said.pairs or len(said.names) < 2:
        return _OK
    words = _word_stems(said.text)
    stems = [w for w, _ in words]
    names = said.names - said.ignore
    places = {n: stems.index(n) for n in names if n in stems}
    for a, i in places.items():
        for b, j in places.items():
            relation = _between(said.text, words, i, j, said.names) if i < j else set()
            if not (relation := relation - _SYMMETRIC_STEMS):
                continue
            for sentence in source.sentences:
                theirs = _word_stems(sentence.text)
                their_stems = [w for w, _ in theirs]
                if a not in their_stems or b not in their_stems:
                    continue
                k, m = their_stems.index(b), their_stems.index(a)
                if k < m and relation & _between(sentence.text, theirs, k, m, said.names):
                    return Verdict(False, f"the source has {b} and {a} the other way round")
    return _OK


def _slots(text: str) -> list[tuple[str, re.Pattern[str]]]:
    """Each name or figure of ``text`` and the pattern of its slot: the word before and the
    word after it, or the two words before it when it ends the sentence ("open in 2032.")."""
    found = []
    for match in _SLOT.finditer(text):
        left, mine, right = match.groups()
        context = re.escape(left)
        if tokens.fold(left) in tokens.STOPWORDS and tokens.fold(right) in tokens.STOPWORDS:
            # "in ... and" holds anything: the slot is "published in ... and".
            previous = re.findall(r"\w+", text[: match.start()])
            if not previous:
                continue
            context = rf"{re.escape(previous[-1])}{_GAP}{context}"
        found.append(
            (
                mine,
                re.compile(rf"(?i:\b{context}){_GAP}({_SPAN}){_GAP}(?i:{re.escape(right)}\b)"),
            )
        )
    if end := _END_SLOT.search(text):
        before, left, mine = end.groups()
        found.append(
            (
                mine,
                re.compile(rf"(?i:\b{re.escape(before)}{_GAP}{re.escape(left)}){_GAP}({_SPAN})"),
            )
        )
    return found


def _rival(mine: str, theirs: str, said: Claim) -> bool:
    """Whether ``theirs`` is another entity, or another figure, of the kind ``mine`` is (a
    number inside a name, "Large 4", is part of the name)."""
    my_names = facts.names(mine, said.ignore)
    their_names = facts.names(theirs, said.ignore)
    if my_names or their_names:
        # Another entity: one the claim does not name anywhere, where the claim names its own.
        return bool(my_names and their_names - said.names) and not my_names <= their_names
    my_figures, their_figures = facts.figures(mine), facts.figures(theirs)
    return bool(my_figures and their_figures) and not any(
        f.matches(g) for f in my_figures for g in their_figures
    )


def _overlap(said: Claim, sentence: _Sentence) -> int:
    stems = sum(1 for s in said.stems if tokens.stems_meet(s, sentence.stems))
    names = sum(1 for n in said.names if tokens.stems_meet(n, sentence.words))
    figures = sum(1 for f in said.figures if any(f.matches(g) for g in sentence.figures))
    return stems + names + figures


# A person's title, as a claim writes it before or after the name; the source must give
# that person that title (in a clause naming them), not another one.
_TITLES = {
    "chief executive": "ceo", "chief executive officer": "ceo", "ceo": "ceo",
    "chief financial officer": "cfo", "cfo": "cfo", "finance chief": "cfo",
    "chief technology officer": "cto", "cto": "cto", "chief operating officer": "coo",
    "coo": "coo", "chairman": "chair", "chairwoman": "chair", "chair": "chair",
    "president": "president", "founder": "founder", "co-founder": "founder",
    "managing director": "md", "spokesperson": "spokesperson", "spokesman": "spokesperson",
    "spokeswoman": "spokesperson", "lead investigator": "lead investigator",
    "head coach": "coach", "coach": "coach", "mayor": "mayor", "minister": "minister",
    "general counsel": "counsel",
}  # fmt: skip
_TITLE = "|".join(sorted((re.escape(t) for t in _TITLES), key=len, reverse=True))
_PERSON = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}"
_TITLED = re.compile(
    rf"(?i:\b(?P<before>{_TITLE})),?\s+(?P<name>{_PERSON})|(?P<name2>{_PERSON}),\s+(?:the\s+)?"
    rf"(?:\w+(?:'s|’s)\s+)?(?i:(?P<after>{_TITLE}))\b"
)
# "co-founders Sofie Lund and Karim Haddad" gives each the title.
_SOURCE_TITLE = re.compile(rf"\b({_TITLE})s?\b")
_TITLE_ZH_WORDS = re.compile("|".join(sorted(_TITLES_ZH, key=len, reverse=True)))


def roles(text: str) -> frozenset[str]:
    """The titles ``text`` names, in one form for every language ("CFO", "chief financial
    officer" and "財務長" are "cfo")."""
    named = {_TITLES[t] for t in _SOURCE_TITLE.findall(tokens.fold(text))}
    named |= {_TITLES_ZH[t] for t in _TITLE_ZH_WORDS.findall(text)}
    return frozenset(named)


def _titles(said: Claim, source: Evidence) -> Verdict:
    """ "chief executive Jane Roe" is not backed by a source where Roe is the finance
    chief and someone else the chief executive: a title the claim gives a person must be
    given to that person in a clause of the source that names them."""
    if said.pairs or not _comparable(said, source):
        return _OK
    for match in _TITLED.finditer(said.text):
        title = _TITLES[(match.group("before") or match.group("after")).lower()]
        surname = tokens.fold((match.group("name") or match.group("name2")).split()[-1])
        clauses = [
            tokens.fold(clause)
            for sentence in source.sentences
            for clause in sentence.text.split(";")
            if re.search(rf"\b{re.escape(surname)}\b", tokens.fold(clause))
        ]
        if not clauses:
            continue  # the name check speaks for a person the source does not name
        given = {_TITLES[t] for c in clauses for t in _SOURCE_TITLE.findall(c)}
        if given and title not in given:
            return Verdict(False, f"the source does not call {surname} {title}")
        if (employer := _employer(said, match)) and not _works_for(employer, surname, source):
            return Verdict(False, f"the source does not say {surname} works for {employer}")
    return _OK


# Who said or did what: a claim that gives one person a statement or an act is not backed
# by a source where the place saying that act names someone else ("Chief executive Leland
# said they tested 420 lawns" when the product chief said it).
_REPORTING = frozenset(
    tokens.stem(w)
    for w in (
        "said", "says", "told", "added", "noted", "wrote", "argued", "warned", "cautioned",
        "stated", "explained", "called", "described", "according",
    )
)  # fmt: skip
_PERSON_CUE = re.compile(
    rf"(?i:\b(?:{_TITLE}|judge|dr|prof|professor|author|co-author|substitute|captain|"
    rf"manager|director|counsel|chief|head|lead|senator|governor|councillor|minister)\.?)"
    rf"\s+$"
)
_TITLE_STEMS = frozenset(tokens.stem(w) for title in _TITLES for w in title.split())
MIN_ACT = 3
"""Content units of a clause a source sentence must share to be the place telling it."""
ACT_SHARE = 0.6


def _people(sentences: Sequence[str]) -> dict[str, str]:
    """Surname -> full name of the people a text names: a run of capitalised words that
    a title introduces, or whose last word the text uses alone while its first word is
    never alone (a company is "Northgate" after "Northgate Transit Authority"; and
    companies speak too, so "X said" tells nothing)."""
    text = "\n".join(sentences)
    found: dict[str, str] = {}
    for sentence in sentences:
        for match in re.finditer(_PERSON, sentence):
            words = match.group(0).split()
            titled = False
            while words and (
                not tokens.content_stems(words[0]) or _PERSON_CUE.search(f"{words[0]} ")
            ):
                # "The", "In": a sentence's first word; "Judge", "Dr.": a title in capitals
                titled = titled or bool(tokens.content_stems(words[0]))
                words = words[1:]
            if len(words) < 2:
                continue
            surname = words[-1].removesuffix("'s").removesuffix("’s")
            full = len(re.findall(rf"\b{re.escape(' '.join(words))}", text))
            alone = (
                len(re.findall(rf"\b{re.escape(surname)}\b", text)) > full
                and len(re.findall(rf"\b{re.escape(words[0])}\b", text)) <= full
            )
            if alone or titled or _PERSON_CUE.search(sentence[: match.start()]):
                found[tokens.fold(surname)] = " ".join(words)
    return found


def _act_units(clause: str, person: str) -> tuple[frozenset[str], frozenset[Figure]]:
    skip = {tokens.stem(tokens.fold(w)) for w in person.split()} | _REPORTING | _TITLE_STEMS
    stems = frozenset(s for s in tokens.content_stems(clause) if s not in skip)
    return stems, facts.figures(clause)


def _actor(said: Claim, source: Evidence) -> Verdict:
    """A clause naming one of the source's people is backed only where the source tells
    that act or statement (the clause piece sharing most of it) of that person, or of a
    "he"/"she" after them; where it names someone else there, the claim swapped them."""
    if said.pairs or source.cjk or not _comparable(said, source):
        return _OK
    if source.language != "en":
        return _OK  # German capitalises every noun: its capitalised runs are not names
    people = _people([s.text for s in source.sentences])
    if len(people) < 2:
        return _OK
    pieces = [
        (i, piece)
        for i, sentence in enumerate(source.sentences)
        for piece in _ROLE_BREAK.split(sentence.text)
        if piece and piece.strip()
    ]
    for clause in _ROLE_BREAK.split(said.text):
        if not clause or not clause.strip():
            continue
        words = set(re.findall(r"[^\W\d_]+", tokens.fold(clause)))
        named = [s for s in people if s in words]
        if len(named) != 1:
            continue
        (surname,) = named
        stems, figures = _act_units(clause, people[surname])
        wanted = len(stems) + len(figures)
        if wanted < MIN_ACT:
            continue
        scored = []
        for i, piece in pieces:
            theirs = tokens.content_stems(piece)
            found = sum(1 for s in stems if tokens.stems_meet(s, theirs))
            stated = facts.figures(piece)
            found += sum(1 for f in figures if any(f.matches(g) for g in stated))
            scored.append((found, i, piece))
        top = max(found for found, _, _ in scored)
        if top < MIN_ACT or top < ACT_SHARE * wanted:
            continue
        others: set[str] = set()
        for found, i, piece in scored:
            if found != top:
                continue
            folded = set(re.findall(r"[^\W\d_]+", tokens.fold(piece)))
            if surname in folded:
                break
            if (
                _PRONOUN.search(piece)
                and i
                and surname in tokens.fold(source.sentences[i - 1].text)
            ):
                break
            if not (rivals := {s for s in people if s in folded and s != surname}):
                break  # the place names no one: whose act it is, it does not say
            others |= rivals
        else:
            other = people[sorted(others)[0]]
            return Verdict(False, f"the source has {other}, not {people[surname]}, do this")
    return _OK


_EMPLOYER = re.compile(r"((?:[A-Z][\w&'’.-]*\s+){0,3}[A-Z][\w&.-]*?)(?:'s|’s)?\s+$")


def _employer(said: Claim, match: re.Match[str]) -> str:
    """The organisation a claim names before a person's title ("Castellan Engines chief
    executive Isabelle Marchand"): the stem of its first name word, or ""."""
    if not match.group("before"):
        return ""
    found = _EMPLOYER.search(said.text[: match.start()])
    if not found:
        return ""
    names = [
        tokens.stem(tokens.fold(w))
        for w in re.findall(r"[^\W_]+", found.group(1))
        if tokens.stem(tokens.fold(w)) in said.names
    ]
    return names[0] if names else ""


def _works_for(employer: str, surname: str, source: Evidence) -> bool:
    """Whether the source puts the person with the organisation: in a sentence giving
    them a title (else naming them), or in the one before, or in its headline (a story's
    own company is "the company" in the rest of it)."""
    said = source.sentences
    person = re.compile(rf"\b{re.escape(surname)}\b")
    naming = [i for i, s in enumerate(said) if person.search(tokens.fold(s.text))]
    # Where the source introduces the person by their title, that is where it says whose.
    titled = [i for i in naming if _SOURCE_TITLE.search(tokens.fold(said[i].text))]
    for i in titled:
        if (whose := _stated_employer(said[i].text, surname)) is not None:
            return tokens.stems_meet(employer, frozenset({whose}))
    for i in titled or naming:
        sentence = said[i]
        near = [sentence, *said[max(0, i - 1) : i], *said[:1]]
        if any(tokens.stems_meet(employer, s.words) for s in near):
            return True
    return False


def _stated_employer(text: str, surname: str) -> str | None:
    """The organisation a source sentence gives a person's title to ("Kessler's general
    counsel, Frank Albrecht"): the stem of its possessive name, or None when it names none
    there (then the story's own company may be meant)."""
    person = rf"(?:[A-Z][\w'’-]+\s+){{0,2}}{re.escape(surname)}\b"
    for match in re.finditer(rf"(?i:\b(?:{_TITLE}))\b,?\s+(?i:{person})", text):
        owner = _POSSESSOR.search(text[: match.start()])
        if owner is not None:
            return tokens.stem(tokens.fold(owner.group(1)))
    return None


_POSSESSOR = re.compile(r"\b([A-Z][\w&.-]*)(?:'s|’s)\s+$")


WINDOW = 3
"""Adjacent sentences that together may back one clause of a claim (with the lede)."""
_CLAUSE_BREAK = re.compile(
    r";|,\s(?:(?:and|while|but|whereas|with|et|mais|alors\sque|und|aber)\s)?"
    r"|\s(?:while|after|though|although|even\sas|even\sthough)\s|，|；"
)
_MIN_CLAUSE = 3
"""A clause stating fewer names, figures and words than this is read with the one before."""


def _clauses(said: Claim) -> list[Claim]:
    """The claim cut where it joins two statements ("..., while ...", "；"): a summary
    says two things, each from its own place in the source."""
    pieces: list[str] = []
    for piece in _CLAUSE_BREAK.split(said.text):
        if not piece.strip():
            continue
        if pieces and len(_claim_units(claim(piece, said.ignore))) < _MIN_CLAUSE:
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    if len(pieces) <= 1:
        return [said]
    return [claim(piece, said.ignore) for piece in pieces]


_NOT_ALIGNING = frozenset(
    tokens.stem(w) for words in facts.MARKER_WORDS.values() for w in words
) | frozenset(tokens.stem(w) for w in facts.DATE_WORDS)
"""A claim is aligned by what it is about: its "will" and its month are what the aligned
window is then checked for, so they cannot choose the window."""


def _claim_units(said: Claim) -> list[tuple[str, object]]:
    return [
        *(("stem", s) for s in said.stems if s not in _NOT_ALIGNING),
        *(("name", n) for n in said.names),
        *(("figure", f) for f in said.figures),
        *(("pair", p) for p in said.pairs),
    ]


def _found_in(unit: tuple[str, object], window: Sequence[_Sentence]) -> bool:
    kind, value = unit
    if kind == "stem":
        return any(tokens.stems_meet(str(value), s.stems) for s in window)
    if kind == "name":
        return any(tokens.stems_meet(str(value), s.words) for s in window)
    if kind == "figure":
        assert isinstance(value, Figure)
        return _figure_in(value, frozenset().union(*(s.figures for s in window)))
    return any(value in s.pairs for s in window)


def _given(figure: Figure, stated: frozenset[Figure]) -> bool:
    """Whether ``stated`` holds the figure itself, in any of its forms or as written."""
    if any(figure.matches(g) for g in stated):
        return True
    return figure.written is not None and Figure(figure.written) in stated


def _figure_in(figure: Figure, stated: frozenset[Figure]) -> bool:
    return _given(figure, stated) or _computed(figure, stated) or _share_of(figure, stated)


def _windows(source: Evidence) -> list[tuple[_Sentence, ...]]:
    """Each run of :data:`WINDOW` adjacent sentences, with the source's first line (the
    headline or lede, which names what the rest is about)."""
    said = source.sentences
    lede = said[:1]
    windows = []
    for i in range(max(1, len(said) - WINDOW + 1)):
        window = lede + said[i : i + WINDOW]
        if i > 1 and _PRONOUN.search(said[i].text):
            # "She cautioned...": a pronoun names who the sentence before named.
            window += (_Sentence(frozenset(), frozenset(), False, said[i - 1].words),)
        windows.append(window)
    return windows


_PRONOUN = re.compile(
    r"\b(?:he|she|his|her|him|they|their|them|il|elle|ils|elles|er|sie)\b|他|她", re.IGNORECASE
)


def _aligned(
    said: Claim, source: Evidence, units: list[tuple[str, object]] | None = None
) -> list[tuple[_Sentence, ...]]:
    """The windows that say most of ``said`` (or of ``units`` of it): for several cited
    sources, the union of one window of each (each source supplies its part of the claim)."""
    units = _claim_units(said) if units is None else units
    best: list[tuple[_Sentence, ...]] = [()]
    for part in source.parts or (source,):
        scored = []
        for head in best:
            for window in _windows(part):
                joined = head + window
                scored.append((sum(_weight(u) for u in units if _found_in(u, joined)), joined))
        top = max(score for score, _ in scored)
        # Keep every tie, but no more windows than a digest's sources can afford.
        best = [joined for score, joined in scored if score == top][:_MAX_TIES]
    return best


_MAX_TIES = 8
FIGURE_WEIGHT = 2
"""A figure says where a clause is told more surely than a word ("one", "sold") does."""


def _weight(unit: tuple[str, object]) -> int:
    return FIGURE_WEIGHT if unit[0] == "figure" else 1


def _local(said: Claim, source: Evidence) -> Verdict:
    """A claim is backed by one place in its source, not by words scattered over the
    page: each clause's figures, names and strengthening words (a negation, a "first", a
    "will") must be in the window of adjacent sentences that says most of that clause. An
    extrapolation that borrows a "will" or a figure from another paragraph fails here.
    (Dates are not held to the window: a story dates an event once, in its lede, and
    tells it sentences later; measured on the claim set, a local date check caught no
    wrong date the slot check misses.)
    (Checked word by word only: a translation cannot be aligned offline.)"""
    if not all(_comparable(said, part) for part in source.parts or (source,)):
        return _translated_local(said, source)
    if said.pairs and not source.cjk:
        return _OK
    # "raised by 35, from 210 to 245": a figure the claim works out from two others it
    # states is checked through them, wherever its clause ends.
    backed = [f for f in said.figures if _backed(f, source)]
    worked_out = frozenset(f for f in said.figures if f not in backed and _derived(f, backed))
    for clause in _clauses(said):
        if not _claim_units(clause):
            continue
        reasons = [_in_window(clause, window, worked_out) for window in _aligned(clause, source)]
        if not any(reasons):
            return reasons[0]
    return _OK


_HELD_ACROSS = frozenset({"superlative", "negation"})
"""The strengthening words a translation is held to locally: a "first" or a "not" is
said of something, while a "will" may be the source's date alone."""


def _translated_local(said: Claim, source: Evidence) -> Verdict:
    """A translation cannot be aligned word by word, but by its names and figures: the
    window that holds most of them must make its "first" and its "not" too (a "最強"
    claim about one chip is not backed by a "most" said of another product)."""
    anchors = _anchor_units(said)
    if len(anchors) < MIN_ANCHORS or not (wanted := set(said.markers) & _HELD_ACROSS):
        return _OK
    windows = _aligned(said, source, anchors)
    for window in windows:
        if wanted <= frozenset().union(*(s.kinds for s in window)):
            return _OK
    return Verdict(False, f"{sorted(wanted)[0]} made elsewhere in the source")


def _anchor_units(said: Claim) -> list[tuple[str, object]]:
    return [
        *(("name", n) for n in said.names if n not in said.ignore),
        *(("figure", f) for f in said.figures),
    ]


def _touched(clause: Claim, sentence: _Sentence) -> frozenset[str]:
    """{"forecast"} when the sentence says some of the clause, else nothing."""
    if any(_found_in(unit, (sentence,)) for unit in _claim_units(clause)):
        return frozenset({"forecast"})
    return frozenset()


def _in_window(
    clause: Claim, window: Sequence[_Sentence], worked_out: frozenset[Figure] = frozenset()
) -> Verdict:
    stated = frozenset().union(*(s.figures for s in window))
    for figure in clause.figures - worked_out:
        if not _figure_in(figure, stated):
            return Verdict(False, f"figure stated elsewhere in the source: {figure.value}")
    # A "will" is said of something: the sentence making it must share some of the
    # clause ("the city said it would not raise fares" makes no forecast about a lawsuit
    # in the next sentence).
    kinds = frozenset().union(
        *(s.kinds - ({"forecast"} - _touched(clause, s)) for s in window if s.text)
    )
    if missing := set(clause.markers) - kinds:
        return Verdict(False, f"{sorted(missing)[0]} made elsewhere in the source")
    words = frozenset().union(*(s.words for s in window))
    # A story names a person in full once and by surname after: a several-word name
    # is in the window when one of its words is.
    for run in _NAME_RUN.findall(clause.text):
        parts = {tokens.stem(tokens.fold(w)) for w in re.findall(r"[^\W_]+", run)}
        if any(tokens.stems_meet(w, words) for w in parts):
            words |= parts
    for name in clause.names - clause.ignore:
        if not tokens.stems_meet(name, words):
            return Verdict(False, f"name stated elsewhere in the source: {name}")
    return _OK


def check(said: Claim, source: Evidence) -> Verdict:
    """Whether ``source`` backs everything ``said`` states (see the module docstring)."""
    if not (verdict := _facts(said, source)):
        return verdict
    unchecked = sum(1 for n in said.names if not tokens.stems_meet(n, source.words))
    found, considered = _shares(said, source)
    if considered and not _same_script(said, source) and considered < MIN_ANCHORS:
        considered = 0  # a few Latin words in a Chinese claim prove nothing either way
    if language.differ(said.language, source.language):
        considered = 0  # and "ergänzt" is not "supplements" by its letters
        if not _written_apart(said, source):
            if unchecked > said.anchors - unchecked:
                return Verdict(False, "more names missing from the translated source than found")
            if rival := _rival_in_name(said, source):
                return Verdict(False, f"name not in the source: {rival}")
    if considered:
        share = MIN_SHARE_CJK if said.pairs and not said.stems else MIN_SHARE
        if found < share * considered:
            return Verdict(False, f"only {found} of {considered} content words in the source")
    elif said.anchors - unchecked < MIN_ANCHORS and not (
        said.anchors - unchecked >= 1 and any(_distinctive(f) for f in said.figures)
    ):
        return Verdict(False, "too few names or figures to check across languages")
    for reading in _READINGS:
        if not (verdict := reading(said, source)):
            return verdict
    return _polarity(said, source)


def _distinctive(figure: Figure) -> bool:
    """A figure that one page is unlikely to share with another by chance: an amount, a
    share or a duration, or a count of three digits or more that is not a year ("38,000
    heat pumps", "NT$15,000", "78 minutes"; not "2", "in 2026")."""
    if figure.kind:
        return figure.value >= 10
    return figure.value >= 100 and not (1900 <= figure.value <= 2100 and figure.value % 1 == 0)


def supports(source: Evidence, sentence: str, ignore: frozenset[str] = frozenset()) -> Verdict:
    return check(claim(sentence, ignore), source)


def contributes(said: Claim, source: Evidence) -> bool:
    """Whether one of several cited sources says any of the claim: a name, a figure, a
    date or two content words. A source that says none of it is cited wrongly."""
    if any(tokens.stems_meet(n, source.words) for n in said.names):
        return True
    if said.dates & source.dates or any(f.matches(g) for f in said.figures for g in source.figures):
        return True
    found, _ = _shares(said, source)
    return found >= 2


def renumber(order: Sequence[int]) -> dict[int, int]:
    """Old source number -> new one, following first citation, so the list reads 1..k."""
    mapping: dict[int, int] = {}
    for n in order:
        mapping.setdefault(n, len(mapping) + 1)
    return mapping


def cited_refs(
    refs: Iterable[int],
    sentence: str,
    sources: Mapping[int, Evidence],
    ignore: frozenset[str] = frozenset(),
) -> tuple[tuple[int, ...], Verdict]:
    """The refs of ``sentence`` that exist and say some of it, in order without repeats,
    when together they support it; else no refs and the reason."""
    known = [n for n in dict.fromkeys(refs) if n in sources]
    if not known:
        return (), Verdict(False, "cites no provided source")
    said = claim(sentence, ignore)
    together = sources[known[0]] if len(known) == 1 else merged(sources[n] for n in known)
    if not (verdict := check(said, together)):
        return (), verdict
    kept = tuple(n for n in known if len(known) == 1 or contributes(said, sources[n]))
    return kept, _OK


_READINGS: tuple[Callable[[Claim, Evidence], Verdict], ...] = (
    _relations,
    _causes,
    _purposes,
    _vote,
    _places_zh,
    _titles_zh,
    _based,
    _in_role,
    _dated_acts,
    _certain,
    _attached,
    _swapped,
    _local,
    _titles,
    _actor,
)
"""The readings a claim must pass, in order: the first that finds it unsupported says why."""
