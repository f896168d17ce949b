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
    fall drop decline decrease shrink cut
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
