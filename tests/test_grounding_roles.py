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


def test_two_names_the_other_way_round_around_the_verb_swap_roles() -> None:
    final = evidence(
        "Sweden's Anna Berg won the Geneva Open on Sunday, beating Italy's Lucia Ferri 6-4, "
        "6-3. Ferri was beaten by Berg for the third time this year."
    )
    assert supports(final, "Anna Berg beat Lucia Ferri in the Geneva Open final.")
    assert not supports(final, "Lucia Ferri beat Anna Berg in the Geneva Open final.")
    partners = evidence("Nimbus Labs partnered with Corla Robotics on warehouse robots.")
    assert supports(partners, "Corla Robotics partnered with Nimbus Labs on warehouse robots.")
    described = evidence("Orvik Systems, a start-up based in Bremen, reached orbit on Tuesday.")
    assert supports(described, "Bremen start-up Orvik Systems reached orbit on Tuesday.")


def test_a_quoted_year_is_in_its_slot() -> None:
    source = evidence(
        "The chairman said Hokuto expects a pilot line in 2027 and aims to list its shares on "
        'the Tokyo Stock Exchange "around 2030".'
    )
    assert supports(
        source, "Hokuto aims to list its shares on the Tokyo Stock Exchange around 2030."
    )
    assert not supports(
        source, "Hokuto aims to list its shares on the Tokyo Stock Exchange around 2027."
    )


def test_a_title_must_be_the_one_the_source_gives_that_person() -> None:
    founders = evidence(
        "Corliss Robotics was founded by Ana Ferreira and Jonas Weber. "
        "Ferreira is chief executive; Weber is chief technology officer."
    )
    assert supports(founders, "Corliss Robotics chief executive Ana Ferreira founded the firm.")
    assert supports(
        founders, "Jonas Weber, the chief technology officer, founded Corliss Robotics."
    )
    assert not supports(founders, "Corliss Robotics chief executive Jonas Weber founded the firm.")


BAKERY = evidence(
    "Ferndale Bakeries opens its third plant in Leeds\n"
    "Ferndale Bakeries said on Monday it will open a bread plant in Leeds next year. "
    "Operations director Priya Nandakumar said the plant would bake 40,000 loaves a day "
    "and employ 210 people. Chief executive Tomas Berglund said sales rose 6% last year. "
    "Berglund added that the company was looking at sites in Scotland. "
    "He said a decision would come in the spring."
)


def test_a_statement_is_backed_only_as_the_words_of_whoever_made_it() -> None:
    assert supports(
        BAKERY, "Operations director Priya Nandakumar said the plant will bake 40,000 loaves a day."
    )
    assert not supports(
        BAKERY, "Chief executive Tomas Berglund said the plant will bake 40,000 loaves a day."
    )
    # A pronoun carries the speaker of the sentence before; the company may do what its
    # people said it does.
    assert supports(BAKERY, "Tomas Berglund said a decision on Scotland would come in the spring.")
    assert supports(BAKERY, "Ferndale Bakeries will employ 210 people at the Leeds plant.")


def test_a_title_is_the_employer_the_source_gives_it_to() -> None:
    ruling = evidence(
        "A court ordered Brightwater Pumps to pay Ostara Valves $12 million. "
        '"We will appeal," spokesperson Mina Okafor said. Ostara\'s general counsel, '
        'Pieter Vos, called the verdict "overdue".'
    )
    assert supports(ruling, 'Ostara\'s general counsel, Pieter Vos, called the verdict "overdue".')
    swapped = 'Brightwater\'s general counsel, Pieter Vos, called the verdict "overdue".'
    assert not supports(ruling, swapped)


def test_a_plural_title_is_each_named_persons() -> None:
    deal = evidence(
        "Tessel Labs will join Arbor Health. Its co-founders Ana Ruiz and Tom Berg will stay. "
        "Ruiz will become Arbor's head of research."
    )
    assert supports(deal, "Tessel Labs co-founder Ana Ruiz is set to stay at Arbor Health.")
    assert not supports(deal, "Tessel Labs chief executive Ana Ruiz will stay at Arbor Health.")


def test_a_shared_act_is_a_tie_the_source_must_state() -> None:
    aid = evidence(
        "The province announced €4 million in emergency aid for flooded farms. The "
        "cooperative's 90 growers will apply first."
    )
    assert supports(aid, "The province announced €4 million in emergency aid for flooded farms.")
    invented = (
        "The province's €4 million emergency aid, co-funded by the state, is for flooded farms."
    )
    assert not supports(aid, invented)
    assert supports(aid, "The cooperative's 90 growers will apply first.")
