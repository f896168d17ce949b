"""Is a page about the topic, about something else that shares its name, or off topic?

Evidence is counted where a reader would look: the title weighs most, then the lead, then
the body. A topic's ``keywords`` are distinctive names (a match is strong evidence); its
``aliases`` are short names other things share. Nothing here knows what else a name may
mean: a page that uses a name is judged by what surrounds it, compared with what the
topic's own pages are known to be about. That knowledge comes from the config (the
``context`` words, and ``reject_senses``, words of senses the user does not want) and from
the stream (a :class:`~bot.filters.profile.Profile` learned from the pages that carry the
topic's keywords). A name surrounded by nothing of the topic is a namesake: a homonym.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from bot.filters.language import base_language
from bot.filters.profile import Profile, last_name, name_cases, own_terms, stems, terms
from bot.filters.text import (
    CJK,
    count_loose,
    count_term,
    looks_like_heading,
    term_pattern,
    word_count,
)
from bot.models import Reason

LEAD_CHARS = 600
LEAD_MIN_CHARS = 200
ALIAS_CONTEXT_WORDS = 3
RELEVANT_SCORE = 3.0
SUPPORTED = 0.5
"""Topic support from which a shared name is taken as the topic's."""
UNSUPPORTED = 0.2
"""Support under which even a keyword in the headline is read as a namesake's, when a
well-taught profile is known and none of the topic's context words is on the page."""
RELIABLE_SEEDS = 8
"""Overruling a keyword in the headline takes a profile taught by this many pages."""
SOURCE_SHARE = 0.5
"""A source whose pages name the topic this often is about the topic."""
SOURCE_CLOSENESS = 0.6
BODY_ONLY_MENTIONS = 3
"""A page that names the topic only after its lead must name it this often to be about it."""
TYPICAL_CLOSENESS = 1.0
"""How close the topic's own pages typically come to each other (closeness is relative)."""
NAMED_BY_LEARNED = 2
CONTEXT_NAMES = 3
"""Distinct people and places of the topic's context that name it on a page that does not."""
"""Distinct names learned from the topic's pages that stand in for its own name."""


@dataclass(frozen=True)
class Relevance:
    score: float
    reason: Reason | None
    detail: str


@dataclass(frozen=True)
class TopicTerms:
    """What the config says about a topic's names and surroundings."""

    keywords: Sequence[str]
    aliases: Sequence[str] = ()
    context: Sequence[str] = ()
    exclude: Sequence[str] = ()
    reject_senses: Sequence[str] = ()
    learned: Sequence[str] = ()
    """Short names the run's pages teach (a person's surname): shared names the user did
    not give, so weaker evidence than an alias."""
    language: str = ""
    """The topic's own language (base code: "en", "zh"), the one its names are written in."""

    def unnamed_hint(self, page_language: str | None) -> str:
        """What to tell a user whose topic a page in another language never names: the
        topic may go by another name there, which only the user can give."""
        page = base_language(page_language)
        if not page or not self.language or page == self.language:
            return ""
        return (
            f"; the page is in '{page}': if '{page}' pages call the topic otherwise, add "
            "that name to its keywords or aliases"
        )

    @property
    def names(self) -> tuple[str, ...]:
        return (*self.keywords, *self.aliases)

    @property
    def shared_names(self) -> tuple[str, ...]:
        """The aliases, and the name inside a keyword made of a name and a short qualifier
        ("Mistral" of "Mistral AI", "Arsenal" of "Arsenal FC"): pages also use it alone,
        and so do namesakes."""
        implied = []
        for keyword in self.keywords:
            head, *rest = keyword.split()
            if rest and len(head) >= 4 and head[0].isupper() and all(_qualifier(w) for w in rest):
                implied.append(head)
        implied += self._models()
        given = (*self.aliases, *self.learned)
        known = {a.lower() for a in given}
        return (*given, *(n for n in dict.fromkeys(implied) if n.lower() not in known))

    def _models(self) -> list[str]:
        """The model inside a keyword made of another of the topic's names and a model
        designation ("Type 00" of "Jaguar Type 00", "I-Pace" of "Jaguar I-Pace", "A350" of
        "Airbus A350"): stories call the product by it alone, and so may other things."""
        brands = {n.lower() for n in (*self.aliases, *self.keywords)}
        models = []
        for keyword in self.keywords:
            words = keyword.split()
            for cut in range(1, len(words)):
                brand, model = " ".join(words[:cut]), " ".join(words[cut:])
                if brand.lower() in brands and re.search(r"\d|\w-\w", model):
                    models.append(model)
        return models

    @property
    def possible_short_names(self) -> tuple[str, ...]:
        """Last words of the keywords that are full names: the topic's pages may teach
        that they call it by one (:func:`~bot.filters.profile.short_names`)."""
        return tuple(dict.fromkeys(n for k in self.keywords if (n := last_name(k))))

    @property
    def context_names(self) -> tuple[str, ...]:
        """The context words that are names of their own (every word capitalised, two or
        more words: a player, a coach, an arena, a founder): the topic's people and places,
        as the user listed them."""
        return tuple(
            word
            for word in self.context
            if len(parts := word.split()) >= 2 and all(p[:1].isupper() for p in parts)
        )

    @property
    def every_name(self) -> tuple[str, ...]:
        """Every way the config names the topic, the implied shared names included: what
        is taken out of a page before its words are compared with the topic's, since a
        namesake's page repeats the name as often as the topic's own."""
        return tuple(dict.fromkeys((*self.keywords, *self.shared_names)))


def _qualifier(word: str) -> bool:
    """A short upper-case qualifier: AI, FC, AG, II."""
    return len(word) <= 3 and word.isupper()


@dataclass(frozen=True)
class Evidence:
    """How often a page names the topic, where, and what surrounds the names."""

    title: str
    text: str
    strong_title: int
    strong_lead: int
    strong_body: int
    alias_title: int
    alias_lead: int
    alias_body: int
    context_found: list[str]
    """The topic's context words on the page (outside its names)."""
    rejected_found: list[str]
    """Words of senses the user rejects (``reject_senses``) on the page."""
    loose: list[str]
    """Names present only as an ordinary word or inside a compound ("the mistral")."""
    excluded: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    """Another number of a one-word name on the page ("Celtic" for "Celtics", "Pumas" for
    "Puma"): a name of its own, not the topic's."""

    @property
    def named_prominently(self) -> bool:
        """A keyword in the headline or the lead: the page says it is about the topic."""
        return bool(self.strong_title or self.strong_lead)

    @property
    def mentions(self) -> int:
        return self.strong_body + self.alias_body + self.strong_title + self.alias_title


def _count_all(terms: Sequence[str], text: str) -> dict[str, int]:
    return {term: n for term in terms if (n := count_term(term, text))}


def _lead(text: str, title: str) -> str:
    """The opening paragraphs a reader sees first (at least LEAD_MIN_CHARS of them)."""
    paragraphs = [p.strip() for p in text.strip().split("\n") if p.strip()]
    if paragraphs and title and paragraphs[0] == title.strip():
        paragraphs = paragraphs[1:]
    lead = ""
    for paragraph in paragraphs:
        lead = f"{lead}\n{paragraph}" if lead else paragraph
        if len(lead) >= LEAD_MIN_CHARS:
            break
    return lead[:LEAD_CHARS]


def _without(terms: Sequence[str], text: str) -> str:
    for term in terms:
        text = term_pattern(term).sub(" ", text)
    return text


def gather(title: str, text: str, topic: TopicTerms) -> Evidence:
    lead = _lead(text, title)
    # Aliases and context words inside a keyword ("Mistral" in "Mistral AI") are that
    # keyword's evidence, already counted.
    bare_title, bare_lead, bare_body = (_without(topic.keywords, t) for t in (title, lead, text))
    aliases = topic.shared_names
    surroundings = _without((*topic.names, *aliases), f"{title}\n{text}")
    found = Evidence(
        title=title,
        text=text,
        strong_title=sum(_count_all(topic.keywords, title).values()),
        strong_lead=sum(_count_all(topic.keywords, lead).values()),
        strong_body=sum(_count_all(topic.keywords, text).values()),
        alias_title=sum(_count_all(aliases, bare_title).values()),
        alias_lead=sum(_count_all(aliases, bare_lead).values()),
        alias_body=sum(_count_all(aliases, bare_body).values()),
        context_found=list(_count_all(topic.context, surroundings)),
        rejected_found=list(_count_all(topic.reject_senses, surroundings)),
        loose=[],
        excluded=list(_count_all(topic.exclude, f"{title}\n{lead}")),
    )
    page = f"{title}\n{text}"
    # Uses of a name beyond its uses as the name: as a common word or in a compound.
    loose = [t for t in (*topic.names, *aliases) if count_loose(t, page) > count_term(t, page)]
    variants = [
        form
        for name in dict.fromkeys((*topic.names, *aliases))
        for form in _other_number(name)
        if count_loose(form, page)
    ]
    return Evidence(**{**found.__dict__, "loose": loose, "variants": variants})


def _other_number(name: str) -> tuple[str, ...]:
    """A one-word proper name in the other grammatical number: the plural of a singular
    name ("Puma" -> "Pumas"), the singular of a plural one ("Celtics" -> "Celtic"). A
    team named in the plural and a brand named in the singular are each written in one
    number only; the other number is the name of something else (a Scottish club, a
    rugby side, the animals)."""
    if " " in name or not name[:1].isupper() or not name.isalpha() or len(name) < 4:
        return ()
    if name.isupper():
        return ()  # an initialism takes no number ("NASA", "AWS")
    if name.endswith("s") and not name.endswith("ss"):
        return (name[:-1],)
    if name.endswith(("x", "ch", "sh")):
        return (f"{name}es",)
    return (f"{name}s",)


def assess(
    title: str,
    text: str,
    keywords: Sequence[str],
    aliases: Sequence[str],
    context: Sequence[str],
    exclude: Sequence[str],
    reject_senses: Sequence[str] = (),
    profile: Profile | None = None,
    source_share: float = 0.0,
) -> Relevance:
    """Score a page against a topic and say why it is rejected, if it is."""
    topic = TopicTerms(keywords, aliases, context, exclude, reject_senses)
    return judge(gather(title, text, topic), topic, profile, source_share)


def judge(
    found: Evidence,
    topic: TopicTerms,
    profile: Profile | None = None,
    source_share: float = 0.0,
    member: bool = False,
    overrule_keyword: bool = True,
    across_languages: bool = False,
    filed_under_name: bool = False,
) -> Relevance:
    """The verdict on gathered evidence. ``profile`` is what the topic's pages read like
    (None or unusable: the context words decide alone); ``source_share`` how many of the
    page's source's pages name the topic; ``member`` says the page taught the profile;
    ``overrule_keyword`` is False when the profile is of pages in other languages, too far
    from the page to overrule a keyword; ``across_languages`` says the page is in a
    language the profile has too few pages of: it is compared by word stems, and a keyword
    it carries is overruled only by the absence of every word most of the topic's pages
    share (matched by stem); ``filed_under_name`` says the page's site files it in a
    section named for the topic (a path segment such as ``/artemis/``)."""
    if across_languages:
        found = _with_cognates(found, topic)
    if found.excluded:
        terms = ", ".join(sorted(found.excluded))
        if another := _naming_exclusion(found.excluded, topic):
            # "Jacksonville Jaguars" excluded from a topic named "Jaguar": the user named
            # another thing that carries the name.
            return Relevance(
                0.0,
                Reason.HOMONYM,
                f"matches excluded term(s): {terms} ('{another}' is another thing named "
                "like the topic)",
            )
        if (
            (found.alias_title or found.alias_body)
            and not found.strong_title + found.strong_body
            and not found.context_found
        ):
            # The user excludes what else the name means ("wildlife" for a carmaker named
            # after an animal), or a part of the topic they do not want ("motorsport"): a
            # page that names the topic only by a shared name beside such a term, and none
            # of the topic's context, uses the name in that other sense.
            return Relevance(
                0.0,
                Reason.HOMONYM,
                f"matches excluded term(s): {terms}, beside the topic's name and none of "
                "its context words: the name in another sense",
            )
        return Relevance(0.0, Reason.OFF_TOPIC, f"matches excluded term(s): {terms}")
    figure = _figurative(found, topic)
    if figure is not None:
        return Relevance(
            0.0,
            Reason.OFF_TOPIC,
            f"names the topic as a figure of speech ('{figure}'), not as its subject",
        )
    proper = _written_as_a_title(found, profile)
    if proper is not None:
        return Relevance(
            0.0,
            Reason.HOMONYM,
            f"'{proper}' is written as a proper name here (a title, a brand, a place), "
            f"while the topic's pages write '{proper.lower()}'",
        )
    closeness = _closeness(found, profile, member, across_languages)
    support = _support(found, topic, closeness)
    if found.strong_body and (found.alias_title or found.alias_lead):
        # The shared name where a reader looks, and the full name further down: the full
        # name says which sense the short one is ("Jaguar zeigt..." over "Jaguar Land
        # Rover Deutschland sagte...").
        support = 1.0
    score = _score(found, support, closeness)
    if found.mentions == 0:
        if (
            filed_under_name
            and found.context_found
            and closeness is not None
            and closeness >= SUPPORTED
        ):
            # A site's section for the topic holds its posts about the topic; a post
            # there that reads like the topic's pages need not repeat the name.
            return Relevance(
                RELEVANT_SCORE,
                None,
                f"filed in the site's section for the topic, and reads like the "
                f"topic's pages (closeness {closeness:.2f})",
            )
        by_people = _kept_for_people(
            found, topic, closeness, across_languages, "never names the topic"
        )
        if by_people is not None:
            return by_people
        names = _learned_names(found, topic, profile)
        if (
            len(names) >= NAMED_BY_LEARNED
            and _learned_name_in_title(found, topic, profile)
            and closeness is not None
            and closeness >= SUPPORTED
        ):
            # The topic named only by what its pages name: a product, a founder ("Mensch
            # rules out a sale", "Introducing Devstral 2") on a page that reads like them.
            return Relevance(
                RELEVANT_SCORE,
                None,
                f"names {', '.join(repr(n) for n in names[:3])}, names the topic's pages "
                f"use, and reads like them (closeness {closeness:.2f})",
            )
        return _not_named(score, found, topic, closeness, source_share)
    # One mention outside the headline says nothing of which sense is meant, only that
    # the page is not about it: "in passing", not a namesake.
    passing = found.mentions <= 1 and not found.alias_title
    if passing and found.loose and found.strong_body == 0:
        return Relevance(
            score,
            Reason.HOMONYM,
            f"'{found.loose[0]}' is named once, and otherwise used as an ordinary word or in "
            "a compound: another sense of the name",
        )
    against = _rejected_sense(score, found)
    if against is not None:
        return against
    if not passing:
        stranger = _learned_name_alone(score, found, topic, profile, closeness, across_languages)
        if stranger is not None:
            return stranger
    if found.named_prominently:
        namesake = (
            _namesake_despite_keyword(
                score, found, topic, profile, support, closeness, across_languages
            )
            if overrule_keyword
            else None
        )
        return namesake or Relevance(max(score, RELEVANT_SCORE), None, _kept(score, found))
    other = _other_full_name(found, topic, profile) if found.strong_body == 0 else None
    if other is not None and not passing:
        return Relevance(
            score,
            Reason.HOMONYM,
            f"'{other}' is another's full name: the page writes the shared name with a "
            "name the topic's pages never use",
        )
    if (
        found.strong_body == 0
        and support < SUPPORTED
        and not passing
        and (profile is None or not profile.usable)
        and found.alias_title
        and found.alias_lead
        and not found.loose
    ):
        alone = _named_alone(found, topic)
        if alone:
            # Nothing learned yet to compare the page with, and few context words: the
            # way the name is written is the evidence left. Written as a name of its own
            # where a reader looks (the subject of the headline and the lead, not a part
            # of a longer name such as "the X" or "Big X"), it is the name the user gave.
            return Relevance(
                RELEVANT_SCORE,
                None,
                f"'{alone}' is the subject of the title and the lead, written as a name of its "
                "own; nothing learned yet says otherwise",
            )
    if found.strong_body == 0 and support < SUPPORTED and not passing:
        # Only the shared name, used where a reader looks or repeatedly, and nothing of
        # the topic around it: a page about someone else of that name.
        return Relevance(score, Reason.HOMONYM, _nothing_around(found, topic, closeness, profile))
    if (
        not (found.alias_title or found.alias_lead)
        and found.mentions < BODY_ONLY_MENTIONS
        and not filed_under_name
    ):
        # News writing puts its subject in the headline or the opening; a page that
        # first names the topic further down, and only once or twice, is about
        # something else and mentions it on the way (a rival's launch, a policy piece).
        # Unless the headline names the topic another way: by a product's or a person's
        # name its own pages use, on a page that reads like them.
        learned = _learned_name_in_title(found, topic, profile)
        if learned and closeness is not None and closeness >= SUPPORTED:
            return Relevance(
                RELEVANT_SCORE,
                None,
                f"the title names '{learned}', a name the topic's pages use, and the page "
                f"reads like them (closeness {closeness:.2f})",
            )
        by_people = _kept_for_people(
            found, topic, closeness, across_languages, "names the topic only further down"
        )
        if by_people is not None:
            return by_people
        return Relevance(
            score,
            Reason.OFF_TOPIC,
            f"mentions the topic only in passing: named {found.mentions} time(s), not in the "
            "title or lead; the page is about something else",
        )
    if score >= RELEVANT_SCORE:
        return Relevance(score, None, _kept(score, found))
    if (found.alias_title or found.alias_lead) and closeness is not None and closeness >= SUPPORTED:
        # Named in the headline or lead, by a shared name, on a page that reads like the
        # topic's: the same as a keyword there.
        return Relevance(
            RELEVANT_SCORE,
            None,
            f"relevance score {score:.1f}: named in the title or lead, and reads like the "
            f"topic's pages (closeness {closeness:.2f})",
        )
    if found.mentions <= 1 and not found.alias_title:
        return Relevance(score, Reason.OFF_TOPIC, "mentions the topic only in passing")
    return Relevance(
        score,
        Reason.OFF_TOPIC,
        f"relevance score {score:.1f} below {RELEVANT_SCORE:.1f}: the topic is named but is "
        "not what the page is about",
    )


def _kept_for_people(
    found: Evidence,
    topic: TopicTerms,
    closeness: float | None,
    across_languages: bool,
    how_named: str,
) -> Relevance | None:
    """Kept when the page names the people and places the topic's context lists, though
    it names the topic itself only ``how_named``."""
    people = _people(found, topic, closeness, across_languages)
    if not people:
        return None
    return Relevance(
        RELEVANT_SCORE,
        None,
        f"{how_named}, but names {len(people)} of the people and places its context lists "
        f"({', '.join(people[:4])})",
    )


NAMED_ALONE_USES = 3
_BEFORE_WORD = re.compile(r"([^\W\d_][^\W_]*)[\s:]*$")


def _named_alone(found: Evidence, topic: TopicTerms) -> str | None:
    """The shared name, used at least three times, each time capitalised and, in most
    uses, not joined to a capitalised word or an article before it ("Big Acme", "the
    Acme") nor to a capitalised word after it ("Acme Tula"): the name standing for
    itself."""
    page = f"{found.title}\n{found.text}"
    for name in topic.shared_names:
        uses = [m for m in term_pattern(name).finditer(page) if count_term(name, m[0])]
        if len(uses) < NAMED_ALONE_USES:
            continue
        alone = 0
        for use in uses:
            line_start = page.rfind("\n", 0, use.start()) + 1
            before = page[line_start : use.start()]
            previous = _BEFORE_WORD.search(before)
            after = _NEXT_WORD.match(page, use.end())
            joined_before = previous is not None and (
                (
                    previous[1][0].isupper()
                    and not re.search(r"[.!?:]\s*$", before[: previous.start(1)] or ".")
                )
                or previous[1].lower() in _ARTICLES
            )
            joined_after = after is not None and after[1][0].isupper()
            alone += not joined_before and not joined_after
        if alone * 2 > len(uses):
            return name
    return None


_ARTICLES = frozenset(
    {
        "the",
        "a",
        "an",
        "der",
        "die",
        "das",
        "dem",
        "den",
        "des",
        "le",
        "la",
        "les",
        "l",
        "el",
        "il",
        "lo",
    }
)


def _naming_exclusion(excluded: Sequence[str], topic: TopicTerms) -> str:
    """The first excluded term that holds one of the topic's names, or ""."""
    for term in excluded:
        names = [n for n in topic.every_name if n.lower() != term.lower()]
        if any(_holds_name(term, n) for n in names):
            return term  # "Jacksonville Jaguars" holds "Jaguar", "GrapheneOS" "Graphene"
    return ""


def _holds_name(term: str, name: str) -> bool:
    """The name as a word of the term, in either number, or as the start of a compound
    written as one word ("GrapheneOS", "PumaLab")."""
    if count_term(name, term) or count_term(f"{name}s", term):
        return True
    head = term.split()[0] if term.split() else ""
    return (
        len(head) > len(name)
        and head.lower().startswith(name.lower())
        and head[len(name)].isupper()
    )


def _figurative(found: Evidence, topic: TopicTerms) -> str | None:
    """The use of a name as a comparison, "the NAME of something" ("the Rolls-Royce of
    vacuum cleaners", quoted or not) or "a NAME for something" ("a black hole for
    money"), in at least half of the page's uses of the topic's
    names: the page borrows the name for something else. "The NAME of 2004" or "the NAME
    of Smith" (a figure or a proper name next) is the subject itself, so it does not
    count."""
    page = f"{found.title}\n{found.text}"
    uses = figures = 0
    shown = ""
    for name in topic.every_name:
        uses += count_term(name, page)
        pattern = re.compile(
            rf"(?:\b[Tt]he\s+[\"“‘']?(?i:{term_pattern(name).pattern})\s+of"
            rf"|\b[Aa]n?\s+[\"“‘']?(?i:{term_pattern(name).pattern})\s+for)"
            r"\s+(?:[a-z]|[A-Z]{2,}\b)"
        )
        for match in pattern.finditer(page):
            if count_term(name, match[0]):
                figures += 1
                shown = shown or " ".join(match[0].split())
    if figures and figures * 2 >= uses:
        return f"{shown}…"
    return None


def filed_under(url: str, names: Sequence[str], domain_names: Sequence[str] = ()) -> bool:
    """Whether the site files the page under the topic: a directory of the URL's path is
    one of its names ("/artemis/", "/le-chat/"), or the site's domain is one of
    ``domain_names`` ("mistral-ai.example", "python.org"), as a subject's own
    site is. Only a directory counts, not the page's slug, which is written from its
    headline. Callers pass the shared names too (a company's site is named by its short
    name, "shell.com"): a namesake's site shares it, so being filed there only lets a
    page that reads like the topic's and has its context words be kept without
    repeating the name."""
    parts = urlsplit(url)
    folders = parts.path.lower().strip("/").split("/")[:-1]
    if any(folder in {_slug(name) for name in names} for folder in folders):
        return True
    labels = (parts.hostname or "").lower().split(".")[:-1]
    domains = {_slug(n) for n in domain_names} | {_slug(n).replace("-", "") for n in domain_names}
    return any(label in domains for label in labels)


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-")


def _with_cognates(found: Evidence, topic: TopicTerms) -> Evidence:
    """The topic's context words as a page in another language writes them: their
    cognates ("programming" and "Programmiersprache", "mission" and "Mission") and the
    parts of compounds ("Python-Code"), matched by word stem. The context words are
    written in one language; the topic's pages come in several."""
    page = stems(terms(f"{found.title}\n{found.text}", topic.every_name))
    cognates = [
        word
        for word in topic.context
        if word not in found.context_found
        and (keys := stems(terms(word)))
        and all(key in page for key in keys)
    ]
    if not cognates:
        return found
    return replace(found, context_found=[*found.context_found, *cognates])


def _closeness(
    found: Evidence, profile: Profile | None, member: bool, across_languages: bool = False
) -> float | None:
    if profile is None or not profile.usable:
        return None
    page = f"{found.title}\n{found.text}"
    if across_languages:
        return profile.closeness_across(page)
    return profile.closeness(page, member)


def _support(found: Evidence, topic: TopicTerms, closeness: float | None) -> float:
    """0 to 1: how much of the topic's own surroundings the page has. One of the topic's
    people or places (a context name) says as much as two of its ordinary context words:
    a namesake's page may share a field with the topic, rarely its people."""
    weight = len(found.context_found) + sum(w in topic.context_names for w in found.context_found)
    from_context = min(weight, ALIAS_CONTEXT_WORDS) / ALIAS_CONTEXT_WORDS
    if closeness is None:
        return from_context
    return max(from_context, min(closeness, 1.0))


def _score(found: Evidence, support: float, closeness: float | None) -> float:
    score = (
        3.0 * found.strong_title
        + 2.0 * min(found.strong_lead, 3)
        + 0.5 * min(found.strong_body, 10)
    )
    if found.alias_title or found.alias_body:
        # A shared name counts only as far as the topic's surroundings are there.
        score += support * (
            3.0 * min(found.alias_title, 1)
            + 1.5 * min(found.alias_lead, 1)
            + 0.5 * min(found.alias_body, 6)
        )
    if closeness is not None and found.mentions:
        score += 2.0 * min(closeness, 1.0)
    return score


def _kept(score: float, found: Evidence) -> str:
    if found.named_prominently:
        return f"relevance score {score:.1f}: a keyword in the title or lead"
    return f"relevance score {score:.1f}"


def _people(
    found: Evidence, topic: TopicTerms, closeness: float | None, across_languages: bool
) -> list[str]:
    """The people and places of the topic's context on the page, when there are enough of
    them to name the topic and the page does not read unlike the topic's pages. A story on
    a club that calls it by its city, its colour or nothing at all still names its players
    and its coach. A page in another language reads less like them by construction (only
    stems are compared), while names cross languages unchanged: it need only not read
    quite unlike them."""
    people = [w for w in found.context_found if w in topic.context_names]
    floor = UNSUPPORTED if across_languages else SUPPORTED
    if len(people) < CONTEXT_NAMES or (closeness is not None and closeness < floor):
        return []
    return people


def _not_named(
    score: float,
    found: Evidence,
    topic: TopicTerms,
    closeness: float | None,
    source_share: float,
) -> Relevance:
    """No keyword or alias as a name. ``loose`` are the names there only as an ordinary
    word ("the mistral") or inside a compound ("Mistral-class"): another sense."""
    if found.loose:
        return Relevance(
            score,
            Reason.HOMONYM,
            f"'{found.loose[0]}' appears only as an ordinary word or in a compound, not as "
            "the name",
        )
    if found.variants:
        return Relevance(
            score,
            Reason.HOMONYM,
            f"the page writes '{found.variants[0]}', not the topic's name: another thing "
            "named almost alike",
        )
    if (
        closeness is not None
        and closeness >= SOURCE_CLOSENESS
        and source_share >= SOURCE_SHARE
        and len(found.context_found) >= 1
    ):
        # The topic's own channel (a company's newsroom): its posts about a product
        # rarely repeat the company's name, but read like the topic's other pages.
        return Relevance(
            RELEVANT_SCORE,
            None,
            f"from a source whose pages are {source_share:.0%} about the topic, and reads "
            f"like them (closeness {closeness:.2f})",
        )
    return Relevance(score, Reason.OFF_TOPIC, "does not mention the topic at all")


def _rejected_sense(score: float, found: Evidence) -> Relevance | None:
    """The user named words of senses they do not want; the page has more of them than of
    the topic's context words."""
    rejected = found.rejected_found
    if len(rejected) >= 2 and len(rejected) > len(found.context_found):
        return Relevance(
            score,
            Reason.HOMONYM,
            f"reads as a sense you reject (reject_senses: {', '.join(rejected[:5])})",
        )
    return None


def _namesake_despite_keyword(
    score: float,
    found: Evidence,
    topic: TopicTerms,
    profile: Profile | None,
    support: float,
    closeness: float | None,
    across_languages: bool = False,
) -> Relevance | None:
    """A keyword in the headline is the topic's name, unless the page has nothing of the
    topic around it: none of its context words and nothing like its other pages (a
    cabaret, a shop or a film that happens to carry the same name). That takes two
    witnesses: the profile alone reads a page on a new side of the topic (its model used
    by a space agency) as far from it, so a topic with no context words configured keeps
    its keyword's word, unless the page also lacks every word most of the topic's pages
    share (its learned companions)."""
    if profile is None or profile.seeds < RELIABLE_SEEDS or found.context_found:
        return None
    if found.strong_body > 2:
        return None
    if (
        profile.companions
        and not (across_languages and _other_script(found.text))
        and not profile.companions_on(f"{found.title}\n{found.text}", across_languages)
    ):
        # The second witness a topic configured without context words has: the words
        # most of its own pages share (a person's company, a club's league), learned
        # from them. A page carrying the name with none of them is about someone else.
        return Relevance(
            score,
            Reason.HOMONYM,
            _nothing_around(found, topic, closeness, profile)
            + f"; none of the words most of the topic's pages share "
            f"({', '.join(profile.companions[:5])})",
        )
    if not topic.context or across_languages:
        # Context words are written in one language: a page in another lacks them.
        return None
    if support >= UNSUPPORTED:
        return None
    return Relevance(score, Reason.HOMONYM, _nothing_around(found, topic, closeness, profile))


def _learned_name_alone(
    score: float,
    found: Evidence,
    topic: TopicTerms,
    profile: Profile | None,
    closeness: float | None,
    across_languages: bool,
) -> Relevance | None:
    """A page that names the topic only by a short name learned from its pages ("Cook"
    for "Tim Cook"), which the user never gave, and has none of the words most of the
    topic's pages share (his company, her league): a namesake (a city, a county, a
    writer of that name). The topic's own pages that call it by that name alone name
    what surrounds it too. A topic whose pages share no such words (a person written
    about on many sides) asks the page to read as like them as they typically read like
    each other (closeness 1)."""
    if found.strong_body or not topic.learned or profile is None or not profile.usable:
        return None
    page = f"{found.title}\n{found.text}"
    given = [n for n in topic.shared_names if n not in topic.learned]
    if any(count_term(name, page) for name in given):
        return None
    if across_languages and _other_script(found.text):
        return None
    if not profile.companions:
        if closeness is not None and closeness >= TYPICAL_CLOSENESS:
            return None
        shared = ""
    elif profile.companions_on(page, across_languages):
        return None
    else:
        words = ", ".join(profile.companions[:5])
        shared = f" nor any of the words most of its pages share ({words})"
    return Relevance(
        score,
        Reason.HOMONYM,
        _nothing_around(found, topic, closeness, profile)
        + f"; it never writes the topic's full name ('{topic.keywords[0]}'){shared}",
    )


def _other_script(text: str) -> bool:
    """Written mostly in a script without spaces (CJK): its words share no stems with
    words learned from Latin-script pages, so their absence says nothing."""
    count = word_count(text)
    return bool(count) and len(re.findall(f"[{CJK}]", text)) * 2 > count


_NEXT_WORD = re.compile(r"\s([^\W\d_][^\W_]*)")


def _other_full_name(found: Evidence, topic: TopicTerms, profile: Profile | None) -> str | None:
    """The shared name written, most times it is used, as the first word of a longer
    proper name that none of the topic's pages contains ("Acme Tula" where the topic's
    pages say "Acme" alone or "Acme Labs"): the full name of someone else."""
    if profile is None or not profile.usable:
        return None
    page = f"{found.title}\n{found.text}"
    own = {w.lower() for name in topic.names for w in name.split()}
    for name in topic.shared_names:
        uses = list(term_pattern(name).finditer(page))
        joined: Counter[str] = Counter()
        for use in uses:
            following = _NEXT_WORD.match(page, use.end())
            if following is None or not following[1][0].isupper():
                continue
            word = following[1].lower()
            if word in own or any(word in counts for counts in profile.seed_terms):
                continue
            joined[f"{use[0]} {following[1]}"] += 1
        if joined:
            full, times = joined.most_common(1)[0]
            if times >= 2 and times * 2 >= len(uses):
                return full
    return None


def _written_as_a_title(found: Evidence, profile: Profile | None) -> str | None:
    """The name, as the page writes it, when the page's prose writes the topic's
    lower-case names only as a proper name ("the Black Hole roller coaster")."""
    if profile is None or not profile.common_names:
        return None
    lower = proper = 0
    shown = ""
    for name in profile.common_names:
        low, high = name_cases(found.text, name)
        lower, proper = lower + low, proper + high
        if high and not shown:
            shown = next(
                m.group(0)
                for line in found.text.splitlines()
                if not looks_like_heading(line.strip())
                for m in term_pattern(name).finditer(line)
                if any(w[:1].isupper() for w in m.group(0).split()[1:])
            )
    return " ".join(shown.split()) if proper and not lower else None


def _learned_names(found: Evidence, topic: TopicTerms, profile: Profile | None) -> list[str]:
    if profile is None or not profile.usable:
        return []
    page = terms(f"{found.title}\n{found.text}", topic.every_name)
    return sorted(w for w in page if profile.learned_name(w))


def _learned_name_in_title(
    found: Evidence, topic: TopicTerms, profile: Profile | None
) -> str | None:
    if profile is None or not profile.usable:
        return None
    for word in terms(found.title, topic.every_name):
        if profile.learned_name(word):
            return word
    return None


def _nothing_around(
    found: Evidence, topic: TopicTerms, closeness: float | None, profile: Profile | None
) -> str:
    name = _name_used(found, topic)
    context = (
        f"{len(found.context_found)} of its context words ({', '.join(found.context_found)})"
        if found.context_found
        else "none of its context words"
    )
    similar = (
        f", and it reads unlike the topic's pages (closeness {closeness:.2f})"
        if profile is not None and profile.usable and closeness is not None
        else ""
    )
    about = ", ".join(own_terms(f"{found.title}\n{found.text}", topic.every_name, 5))
    return (
        f"'{name}' here is a namesake: the page has {context}{similar}; it is about: "
        f"{about} (if that is the topic, add such words to context)"
    )


def _name_used(found: Evidence, topic: TopicTerms) -> str:
    body = f"{found.title}\n{found.text}"
    for name in (*topic.keywords, *topic.shared_names):
        if count_term(name, body):
            return name
    return topic.names[0] if topic.names else ""
