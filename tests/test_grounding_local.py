"""A claim is backed by one place in its source: the window of adjacent sentences that
says most of it must hold its figures and strengthening words, not a paragraph
about something else further down the page."""

from __future__ import annotations

from bot.grounding.facts import dates
from bot.grounding.support import cited_refs, evidence, supports

FILLER = (
    "The bakery sells bread, cakes and coffee from 7 a.m. "
    "Its ovens run on electricity from a nearby solar farm. "
    "Local suppliers deliver flour and milk every morning. "
)
BAKERY = evidence(
    "Brightwater Foods expands\n"
    "Brightwater Foods opened a bakery in Leeds on Monday, its first in the north. "
    "The bakery employs 40 people. "
    f"{FILLER}"
    "Separately, the company will open a distribution centre in York in June."
)
PORT = evidence(
    "Harbour authority picks a new operator\n"
    "The harbour authority chose Tidewell Logistics to run its container terminal. "
    "The contract runs for 25 years."
)
TRAMS = evidence(
    "City orders new trams\nThe city ordered 30 trams for €210 million. "
    "The first of them enters service in 2027."
)


def test_a_strengthening_word_from_another_paragraph_backs_nothing() -> None:
    assert supports(BAKERY, "Brightwater Foods opened a bakery in Leeds on Monday.")
    assert supports(BAKERY, "Brightwater Foods will open a distribution centre in York in June.")
    # The "will" belongs to the York centre, four sentences away.
    assert not supports(BAKERY, "Brightwater Foods will open a bakery in Leeds in June.")


def test_each_clause_of_a_summary_is_backed_by_its_own_place() -> None:
    summary = "Brightwater's Leeds bakery employs 40 people, and a York centre follows in June."
    assert supports(BAKERY, summary)
    # A figure of another paragraph is not this clause's.
    assert not supports(BAKERY, "Brightwater Foods will open a distribution centre for 40 people.")


def test_a_claim_citing_two_sources_takes_one_window_from_each() -> None:
    sources = {1: PORT, 2: TRAMS}
    joined = "Tidewell Logistics runs the container terminal while the city ordered 30 trams."
    assert cited_refs([1, 2], joined, sources)[0] == (1, 2)
    assert not cited_refs([1], joined, sources)[0]


def test_quarters_and_halves_are_read_in_every_language() -> None:
    assert dates("Q3 2027") == dates("third-quarter revenue") == dates("2027年第三季")
    assert "quarter:3" in dates("au troisième trimestre") & dates("the three months to September")
    assert dates("H2 2026") == dates("in the second half of 2026") == dates("2026年下半年")
