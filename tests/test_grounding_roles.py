"""A fact in the wrong role: every word of the claim is in the source, but the name,
figure or "first" belongs to something else there."""

from __future__ import annotations

from bot.grounding.support import evidence, supports

PRICES = evidence(
    "Mistral cuts API prices for Mistral Small and Codestral by up to 40%\n"
    "From December 1, Mistral Small 3.3 will cost $0.06 per million input tokens. "
    "Mistral Medium and the newly launched Mistral Large 4 are not affected."
)
RAIL = evidence(
    "The first phase, a 143 km stretch from Porto to Aveiro, should open in 2030, with the "
    "whole line due by 2032. The government approved the plan on Tuesday."
)
LANDER = evidence(
    "Tycho Aerospace landed its Marigold spacecraft on the Moon on Sunday, becoming the "
    "latest private company to reach the lunar surface. It was the company's first lunar "
    "mission."
)
TOPIC = frozenset({"mistral"})


def test_a_name_in_another_slot_of_the_same_sentence_is_a_swap() -> None:
    assert supports(
        PRICES, "Mistral cuts API prices for Mistral Small and Codestral by up to 40%.", TOPIC
    )
    swapped = "Mistral cuts API prices for Mistral Small and Mistral Large 4 by up to 40%."
    assert not supports(PRICES, swapped, TOPIC)


def test_the_year_of_another_event_is_not_this_one() -> None:
    assert supports(RAIL, "The first phase of the line from Porto should open in 2030.")
    assert not supports(RAIL, "The first phase of the line from Porto should open in 2032.")


def test_a_first_about_something_else_is_no_first() -> None:
    assert supports(LANDER, "Marigold was Tycho Aerospace's first lunar mission.")
    assert not supports(LANDER, "Tycho Aerospace became the first private company on the Moon.")


def test_the_opposite_word_contradicts_without_a_negation() -> None:
    source = evidence(
        "The chamber of commerce, which represents city-centre shops, opposed the parking "
        "levy and warned that shoppers would stay away."
    )
    assert supports(source, "The chamber of commerce opposed the parking levy.")
    assert not supports(source, "The chamber of commerce backed the parking levy.")
