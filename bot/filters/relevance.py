"""Is a page about the topic, about something else that shares its name, or off topic?

Evidence is counted where a reader would look: the title weighs most, then the lead, then
the body. A topic's ``keywords`` are distinctive names (a match is strong evidence); its
``aliases`` are short names that other things share ("Mistral" is also a wind, a warship,
a car, a hotel, a poet). An alias alone counts only next to the topic's ``context`` words,
and an alias surrounded by another sense's vocabulary is a homonym.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.filters.text import capitals, count_loose, count_term, term_pattern
from bot.models import Reason

LEAD_CHARS = 600
LEAD_MIN_CHARS = 200
ALIAS_CONTEXT_WORDS = 3
RELEVANT_SCORE = 3.0

# Vocabulary of the other things a product or company name is commonly shared with.
# Generic on purpose: it describes winds, ships and hotels, not any one page.
HOMONYM_SENSES: dict[str, tuple[str, ...]] = {
    "weather or wind": (
        "wind",
        "winds",
        "gust",
        "gusts",
        "gusting",
        "km/h",
        "mph",
        "knots",
        "weather",
        "forecast",
        "forecasters",
        "meteorological",
        "storm",
        "temperatures",
        "chill",
        "vent",
        "vents",
        "rafales",
        "météo",
        "Météo-France",
        "tramontane",
        "sirocco",
        "cold air",
        "blows",
        "blowing",
        "wildfire",
        "wildfires",
    ),
    "a hotel or venue": (
        "hotel",
        "hôtel",
        "resort",
        "rooms",
        "suite",
        "suites",
        "booking",
        "book now",
        "check-in",
        "guests",
        "sea view",
        "beachfront",
        "beach",
        "spa",
        "breakfast",
        "pool",
        "per night",
        "reservation",
        "chambres",
        "stay",
        "restaurant",
        "menu",
        "cabaret",
        "theatre",
        "theater",
        "tickets",
        "matinee",
        "stage",
    ),
    "a ship or weapon": (
        "navy",
        "naval",
        "warship",
        "amphibious",
        "helicopter carrier",
        "vessel",
        "frigate",
        "fleet",
        "sailors",
        "deck",
        "hull",
        "marine nationale",
        "missile",
        "missiles",
        "air defence",
        "air defense",
        "surface-to-air",
        "armed forces",
        "defence ministry",
        "defense ministry",
        "deployment",
        "port call",
        "troops",
    ),
    "a vehicle": (
        "car",
        "cars",
        "coupé",
        "coupe",
        "spyder",
        "roadster",
        "convertible",
        "auction",
        "concours",
        "Maserati",
        "engine",
        "horsepower",
        "bhp",
        "chassis",
        "gearbox",
        "straight-six",
        "mileage",
        "restoration",
        "vintage",
        "classic car",
        "motorcycle",
        "bicycle",
        "yacht",
        "sailboat",
        "boat",
    ),
    "a person": (
        "poet",
        "poète",
        "poem",
        "poems",
        "poetry",
        "Nobel",
        "novelist",
        "born",
        "died",
        "birthday",
        "anniversary",
        "biography",
        "footballer",
        "striker",
        "midfielder",
        "goalkeeper",
        "singer",
        "album",
        "actor",
        "actress",
        "Provençal",
        "Occitan",
        "Félibrige",
        "statue",
    ),
    "a fragrance or consumer product": (
        "perfume",
        "fragrance",
        "eau de parfum",
        "eau de toilette",
        "scent",
        "bergamot",
        "musk",
        "bottle",
        "cosmetics",
        "skincare",
        "candle",
        "lipstick",
    ),
    "a horse or a race": (
        "colt",
        "filly",
        "mare",
        "stallion",
        "jockey",
        "furlong",
        "furlongs",
        "racecourse",
        "odds",
        "lengths",
        "favourite",
        "Prix",
        "stakes",
        "trainer",
    ),
    "a band or music": (
        "band",
        "album",
        "song",
        "songs",
        "tour",
        "concert",
        "gig",
        "guitars",
        "drummer",
        "vocals",
        "record label",
        "dream pop",
    ),
    "a place or street": (
        "avenue",
        "street",
        "rue",
        "boulevard",
        "roadworks",
        "town hall",
        "residents",
        "village",
        "square",
        "neighbourhood",
        "town council",
        "mayor",
        "commune",
    ),
    "another software project": (
        "OpenStack",
        "workflow",
        "workflows",
        "YAML",
        "executor",
        "plugin",
        "plugins",
        "daemon",
        "cron",
        "Ansible",
    ),
    "an animal": (
        "cat",
        "cats",
        "chat",
        "chats",
        "kitten",
        "chien",
        "dog",
        "dogs",
        "vétérinaire",
        "vétérinaires",
        "veterinarian",
        "vet",
        "pet",
        "pets",
    ),
    "a lecture or a class": (
        "lecture",
        "masterclass",
        "students",
        "professor",
        "faculty",
        "laureate",
        "university",
    ),
}


@dataclass(frozen=True)
class Relevance:
    score: float
    reason: Reason | None
    detail: str


def _count_all(terms: list[str] | tuple[str, ...], text: str) -> dict[str, int]:
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


def assess(
    title: str,
    text: str,
    keywords: list[str],
    aliases: list[str],
    context: list[str],
    exclude: list[str],
) -> Relevance:
    """Score a page against a topic and say why it is rejected, if it is."""
    lead = _lead(text, title)
    excluded = _count_all(exclude, f"{title}\n{lead}")
    if excluded:
        terms = ", ".join(sorted(excluded))
        return Relevance(0.0, Reason.OFF_TOPIC, f"matches excluded term(s): {terms}")
    found = _gather(title, lead, text, keywords, aliases, context)
    score = _score(found)
    if not found.mentioned:
        loose = [term for term in (*aliases, *keywords) if count_loose(term, f"{title}\n{text}")]
        return _not_named(score, found, loose)
    return _another_sense(score, found) or _by_score(score, found)


@dataclass(frozen=True)
class _Evidence:
    """How often a page names the topic, where, and what surrounds the names."""

    strong_title: int
    strong_lead: int
    strong_body: int
    alias_title: int
    alias_lead: int
    alias_body: int
    topic_evidence: int
    """Distinct context words of the topic on the page."""
    senses: dict[str, list[str]]
    """Vocabulary of each other sense of the topic's names found on the page."""
    best_sense: str
    """The sense with the most vocabulary on the page ("" when none)."""
    sense_terms: list[str]

    @property
    def other_evidence(self) -> int:
        return len(self.sense_terms)

    @property
    def mentioned(self) -> int:
        return self.strong_title + self.strong_body + self.alias_title + self.alias_body

    def shown(self) -> str:
        return ", ".join(self.sense_terms[:5])


def _gather(
    title: str, lead: str, body: str, keywords: list[str], aliases: list[str], context: list[str]
) -> _Evidence:
    # Aliases and context words inside a keyword ("Mistral" in "Mistral AI") are that
    # keyword's evidence, already counted.
    bare_title, bare_lead, bare_body = (_without(keywords, t) for t in (title, lead, body))
    # Senses are read around the topic's own names ("Le Chat" is not a cat).
    senses = _homonym_senses(f"{bare_title}\n{bare_body}")
    best_sense, sense_terms = max(senses.items(), key=lambda kv: len(kv[1]), default=("", []))
    return _Evidence(
        strong_title=sum(_count_all(keywords, title).values()),
        strong_lead=sum(_count_all(keywords, lead).values()),
        strong_body=sum(_count_all(keywords, body).values()),
        alias_title=sum(_count_all(aliases, bare_title).values()),
        alias_lead=sum(_count_all(aliases, bare_lead).values()),
        alias_body=sum(_count_all(aliases, bare_body).values()),
        topic_evidence=len(_count_all(context, f"{bare_title}\n{bare_body}")),
        senses=senses,
        best_sense=best_sense,
        sense_terms=sense_terms,
    )


def _score(found: _Evidence) -> float:
    score = (
        3.0 * found.strong_title
        + 2.0 * min(found.strong_lead, 3)
        + 0.5 * min(found.strong_body, 10)
    )
    if found.alias_title or found.alias_body:
        # An alias counts only as far as the topic's own vocabulary surrounds it.
        alias_weight = min(found.topic_evidence, ALIAS_CONTEXT_WORDS) / ALIAS_CONTEXT_WORDS
        score += alias_weight * (
            3.0 * min(found.alias_title, 1)
            + 1.5 * min(found.alias_lead, 1)
            + 0.5 * min(found.alias_body, 6)
        )
    return score


def _not_named(score: float, found: _Evidence, loose: list[str]) -> Relevance:
    """No keyword or alias as a name. ``loose`` are the terms there only as an ordinary word
    ("the mistral", "le chat", "clase magistral") or inside a compound ("Mistral-class"):
    another sense of the name."""
    if loose and found.sense_terms:
        return Relevance(
            score,
            Reason.HOMONYM,
            f"'{loose[0]}' appears only as a common word or in a compound, "
            f"{found.best_sense} ({found.shown()})",
        )
    if loose:
        return Relevance(
            score,
            Reason.HOMONYM,
            f"'{loose[0]}' appears only as an ordinary word, not as the name",
        )
    return Relevance(score, Reason.OFF_TOPIC, "does not mention the topic at all")


def _another_sense(score: float, found: _Evidence) -> Relevance | None:
    """A homonym rejection when the page names the topic but is about something else."""
    if (
        found.strong_title == 0
        and found.strong_lead == 0
        and found.other_evidence >= 3
        and (found.other_evidence >= 2 * found.topic_evidence)
    ):
        return Relevance(
            score, Reason.HOMONYM, f"the name refers to {found.best_sense} here ({found.shown()})"
        )
    strong = found.strong_body  # the body holds the lead, and often the headline again
    all_other = sum(len(terms) for terms in found.senses.values())
    if found.topic_evidence == 0 and all_other >= 3 and strong <= 2:
        # A name match with none of the topic's vocabulary around it and plenty of another
        # sense's is another thing with the same name ("Le Chat Noir", the cabaret).
        return Relevance(
            score,
            Reason.HOMONYM,
            f"the name matches but nothing about the topic surrounds it; reads as "
            f"{found.best_sense} ({found.shown()})",
        )
    return None


def _by_score(score: float, found: _Evidence) -> Relevance:
    if score >= RELEVANT_SCORE:
        return Relevance(score, None, f"relevance score {score:.1f}")
    passing = found.strong_body + found.alias_body <= 1 and not (
        found.strong_title or found.strong_lead
    )
    if passing and not found.alias_title:
        detail = "mentions the topic only in passing"
    else:
        detail = f"relevance score {score:.1f} below {RELEVANT_SCORE:.1f}"
    if found.other_evidence >= 2 and found.other_evidence > found.topic_evidence:
        return Relevance(
            score, Reason.HOMONYM, f"{detail}; reads as {found.best_sense} ({found.shown()})"
        )
    return Relevance(score, Reason.OFF_TOPIC, detail)


def _without(terms: list[str], text: str) -> str:
    for term in terms:
        text = term_pattern(term).sub(" ", text)
    return text


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[re.Pattern[str], dict[str, list[tuple[str, str]]]]:
    """One pattern for every sense's vocabulary (one pass over a page instead of one per
    term), and for each lower-cased term the (sense, term) pairs it stands for."""
    owners: dict[str, list[tuple[str, str]]] = {}
    for sense, vocabulary in HOMONYM_SENSES.items():
        for term in vocabulary:
            owners.setdefault(" ".join(term.lower().split()), []).append((sense, term))
    alternatives = sorted(owners, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(part) for part in t.split()) for t in alternatives)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w]|-[^\W\d])", re.IGNORECASE), owners


def _homonym_senses(text: str) -> dict[str, list[str]]:
    pattern, owners = _vocabulary()
    found: dict[str, list[str]] = {}
    for match in pattern.findall(text):
        for sense, term in owners.get(" ".join(match.lower().split()), []):
            # A term written with capitals is a name and needs them (as count_term does).
            if capitals(match) >= capitals(term) and term not in found.get(sense, []):
                found.setdefault(sense, []).append(term)
    # Vocabulary order, so details read the same on every run.
    return {
        sense: [t for t in HOMONYM_SENSES[sense] if t in terms] for sense, terms in found.items()
    }
