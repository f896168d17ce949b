"""Forms of the same fact across languages and writers: a German decimal comma, a French
number word, Chinese tenths, a rank that is not a negation, a verb that denies, and a
claim in one language about an article in another."""

from __future__ import annotations

from bot.grounding import language
from bot.grounding.facts import figures, markers
from bot.grounding.support import evidence, supports

GERMAN = evidence(
    "Der Hamburger Logistiker Hanseatic setzte im vergangenen Jahr 2,1 Milliarden Euro um. "
    "Das Unternehmen will keine Stellen streichen und bildet die Mitarbeiter weiter."
)
FRENCH = evidence(
    "La start-up parisienne Mistelle a levé 85 millions d'euros auprès d'Orsay Capital. "
    "Elle compte neuf clients dans la banque et ouvrira un bureau à Lyon."
)


def test_a_decimal_comma_and_foreign_scales_are_read() -> None:
    assert figures("2,1 Milliarden Euro") == figures("€2.1bn")
    assert figures("85 millions d'euros") == figures("€85 million")
    assert figures("2,400 million") == figures("2.4 billion")


def test_chinese_tenths_are_a_share() -> None:
    assert figures("九成病例") == figures("90% of cases")
    assert not figures("三成立")  # 成立 is "founded", not tenths


def test_a_share_is_not_a_count() -> None:
    assert not supports(evidence("The firm has ten offices."), "The firm grew 10%.")


def test_a_rank_is_no_negation_and_failing_to_act_is_one() -> None:
    assert "negation" not in markers("It lifts her to No. 5 in the rankings.")
    assert "negation" in markers("The bank failed to flag the payments.")
    source = evidence("The regulator said the bank did not flag £1.4 billion of payments.")
    assert supports(source, "The bank failed to flag about £1.4bn of payments, the regulator said.")


def test_the_language_is_told_by_its_function_words() -> None:
    assert language.guess("La start-up a levé des fonds pour son produit.") == "fr"
    assert language.guess("Das Unternehmen will keine Stellen in der Logistik streichen.") == "de"
    assert language.guess("The company raised money for its product.") == "en"
    assert language.guess("雲語智能今天發表繁體中文語言模型") == "zh"


def test_a_claim_about_an_article_in_another_language_is_checked_by_its_facts() -> None:
    assert supports(GERMAN, "Hanseatic had revenue of €2.1bn last year.")
    assert not supports(GERMAN, "Hanseatic had revenue of €2.4bn last year.")
    assert supports(FRENCH, "Paris start-up Mistelle has raised €85 million from Orsay Capital.")
    assert not supports(FRENCH, "Mistelle has raised €85 million from Northgate Capital.")
    assert supports(FRENCH, "Mistelle has nine banking clients, Orsay Capital's portfolio firm.")


def test_a_name_only_a_chinese_source_can_hold_is_not_asked_of_the_english_one() -> None:
    from bot.grounding.support import cited_refs

    sources = {
        1: evidence(
            "Kestrel Semiconductor will build a $6.8 billion fab in Dresden, announced in 2024."
        ),
        2: evidence("鼎晶科技宣布在高雄投資新台幣1,200億元興建先進封裝廠，於2024年公布。"),
    }
    claim = (
        "Kestrel's $6.8 billion Dresden fab and Dingjing's NT$120 billion packaging plant "
        "in Kaohsiung were both announced in 2024."
    )
    assert cited_refs([1, 2], claim, sources)[0] == (1, 2)
    assert not cited_refs([1, 2], claim.replace("120", "150"), sources)[0]
