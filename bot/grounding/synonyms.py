"""Light synonyms of news and question words, so "launched" meets "released" and "price"
meets "cost". Pure. Deliberately small: every group is an everyday equivalence in tech
and business news, not a thesaurus, so a paraphrase is recognised without letting a
different claim through."""

from __future__ import annotations

from bot.grounding.tokens import stem

_GROUPS = """
    release launch unveil introduce debut ship roll rollout publish
    cost price pricing charge fee costs priced
    buy acquire acquisition purchase takeover
    partner partnership alliance collaborate collaboration
    raise funding fund round investment invest
    rise increase grow growth climb jump gain
    fall drop decline decrease shrink cut eliminate axe slash reduce
    outage downtime offline disruption interruption
    fail failure failed break broke
    cause reason because due blame blamed
    employee staff worker workforce headcount
    hire recruit hiring
    customer client user
    model llm
    chip processor gpu accelerator
    open openly open-source opensource
    big large huge
    small little compact tiny
    fast quick rapid speedy
    rule regulation law
    ban prohibit block forbid
    announce unveil reveal
    sue lawsuit litigation
    office headquarters hq
    boss chief head leader director executive ceo
    double twice
    speed latency
    job position role
    top upper
    phase stage
    aim plan intend
    win triumph victory
    seek apply file
    approve approval authorise authorize greenlight
    link line route connection
    show reveal indicate
    start begin commence
    end finish conclude complete
"""


def _build() -> dict[str, str]:
    canonical: dict[str, str] = {}
    for line in _GROUPS.strip().splitlines():
        words = line.split()
        head = stem(words[0])
        for word in words:
            canonical.setdefault(stem(word), head)
    return canonical


_CANONICAL = _build()


def canonical(word_stem: str) -> str:
    """The group's first word for a stem in one of the groups, else the stem itself."""
    return _CANONICAL.get(word_stem, word_stem)


def group(word_stem: str) -> frozenset[str]:
    """Every stem of the stem's group (just the stem when it is in none)."""
    head = canonical(word_stem)
    return frozenset(s for s, h in _CANONICAL.items() if h == head) | {word_stem}


# Words that say the opposite of each other in news: a claim using one where the sentence
# that says it uses the other is contradicted, negation word or not.
_OPPOSITES = """
    back support favour favor endorse welcome | oppose opposed criticise criticize reject
    rise | fall
    win won beat | lose lost
    approve approved | reject rejected block
    tailwind | headwind
    more higher | less fewer lower
    include included | exclude excluded
    gain | loss
    profit | loss
    increase raise boost | decrease cut reduce slash
    fast faster quicker | slow slower slowly
    strong stronger strengthen | weak weaker weaken
"""


def _build_opposites() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for line in _OPPOSITES.strip().splitlines():
        left, _, right = line.partition("|")
        one = frozenset(canonical(stem(w)) for w in left.split())
        other = frozenset(canonical(stem(w)) for w in right.split())
        for word in one:
            table[word] = table.get(word, frozenset()) | other
        for word in other:
            table[word] = table.get(word, frozenset()) | one
    return table


_OPPOSITE = _build_opposites()


def opposites(word_stem: str) -> frozenset[str]:
    """Canonical stems that say the opposite of ``word_stem`` (a canonical stem)."""
    return _OPPOSITE.get(word_stem, frozenset())
