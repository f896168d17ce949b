"""A date in a claim is the date of what the claim says happens then: a page that gives
that day to another event of the same story does not back it."""

from __future__ import annotations

from bot.grounding import tokens
from bot.grounding.support import evidence, supports

LISTING = evidence(
    "Harlow Ferries prices its listing\n"
    "Harlow Ferries priced its shares at 210 pence on 4 June 2026, raising £300 million. "
    "Demand from funds was strong, the banks said, and trading on the London market is "
    "due to begin on 9 June."
)
COUNCIL = evidence(
    "Millbrook passes its budget\n"
    "Millbrook's council passed a £90 million budget on Tuesday, 16 September. "
    "The budget comes into force on 1 October, and a consultation on the new bus depot "
    "will open on 20 October."
)
FARES = evidence(
    "Coastline Rail cuts fares\n"
    "Coastline Rail will cut its season-ticket fares by 12%, the operator said on "
    "3 November 2026. The lower fares apply from 5 January 2027."
)
FESTIVAL = evidence(
    "Eastport books its festival\n"
    "The Eastport music festival will be held from 14 to 17 July 2027 on the old quays."
)


def test_a_date_given_to_another_event_of_the_story_backs_nothing() -> None:
    assert supports(LISTING, "Harlow Ferries shares will begin trading in London on 9 June.")
    assert supports(LISTING, "Harlow Ferries priced its shares at 210 pence on 4 June 2026.")
    # 4 June is the pricing; the trading starts five days later.
    assert not supports(LISTING, "Harlow Ferries shares will begin trading in London on 4 June.")


def test_two_dates_in_one_sentence_each_belong_to_their_own_clause() -> None:
    assert supports(COUNCIL, "Millbrook's budget comes into force on 1 October.")
    assert not supports(COUNCIL, "Millbrook's budget comes into force on 20 October.")


def test_the_day_a_source_reports_is_not_the_day_of_what_it_reports() -> None:
    # "said on 3 November" dates the announcement, not the fares: no rival to January.
    cheaper = "Coastline Rail's season tickets will cost 12% less from 5 January 2027."
    assert supports(FARES, cheaper)


def test_a_span_of_days_gives_each_of_its_days() -> None:
    assert supports(FESTIVAL, "The Eastport music festival will run July 14-17, 2027.")
    assert not supports(FESTIVAL, "The Eastport music festival will run July 21-24, 2027.")


def test_a_german_ordinal_day_does_not_end_the_sentence() -> None:
    assert tokens.sentences("Die Regel gilt ab dem 1. Januar 2027 für alle Filialen.") == [
        "Die Regel gilt ab dem 1. Januar 2027 für alle Filialen."
    ]
