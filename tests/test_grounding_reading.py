"""How the support test reads what a source says: figures inside model names, month
spans, German compounds, pronouns and whose title a person holds. Invented texts."""

from __future__ import annotations

from bot.grounding.support import evidence, supports

FERRY = evidence(
    "Harbourline orders six Orca E5 ferries\n"
    "Harbourline said on Monday it had ordered six Orca E5 electric ferries from shipyard "
    "Kessel Marine. The first vessels are due in the third quarter of 2029. "
    "The order is worth 45 million euros.\n\n"
    "Chief executive Maren Holt said the ferries would cut emissions on the route by half. "
    "Kessel Marine said in a statement that it would hire 200 welders."
)


def test_a_model_written_in_the_plural_states_no_figure() -> None:
    assert supports(FERRY, "Harbourline ordered six Orca E5s from Kessel Marine.")


def test_three_months_of_a_quarter_are_that_quarter() -> None:
    assert supports(FERRY, "The first Orca E5 ferries are due between July and September 2029.")
    assert supports(FERRY, "首批 Orca E5 渡輪預計2029年7月至9月交付。")
    assert not supports(FERRY, "The first Orca E5 ferries are due between April and June 2029.")


def test_a_french_amount_in_m_euro_is_millions() -> None:
    assert supports(FERRY, "Harbourline a commandé six ferries Orca E5 pour 45 M€.")
    assert not supports(FERRY, "Harbourline a commandé six ferries Orca E5 pour 54 M€.")


def test_a_title_before_a_name_says_whose_officer_they_are() -> None:
    assert supports(FERRY, "Harbourline chief executive Maren Holt said emissions would halve.")
    wrong = "Kessel Marine chief executive Maren Holt said emissions would halve."
    assert not supports(FERRY, wrong)


STUDY = evidence(
    "Reef survey counts 40 coral species\n"
    "A team led by ecologist Dr Ines Varga surveyed the Tamsin reef in May. "
    '"We saw more colour than we expected," Varga said. '
    "She warned that warm water could bleach the reef by August. "
    "The survey was paid for by a local trust. "
    "About 2,300 photographs were taken for later study."
)


def test_a_pronoun_carries_the_name_before_it() -> None:
    claim = "Varga's team took about 2,300 photographs, though she warned of bleaching by August."
    assert supports(STUDY, claim)


PLANT = evidence(
    "Kolbwerk schließt kein Werk\n"
    "Vorstandschef Otto Rainer sagte am Dienstag, dass keine Werke geschlossen werden. "
    "Der Abbau von 900 Stellen solle über Abfindungen erfolgen."
)


def test_a_german_compound_backs_its_head_noun() -> None:
    assert supports(PLANT, "Kolbwerk-Chef Rainer will 900 Stellen über Abfindungen abbauen.")


def test_a_german_compound_backs_its_head_noun_in_the_sentence_that_tells_it() -> None:
    transfer = evidence(
        "Hafenstadt verkauft Mittelfeldspieler Brandt nach Lissabon\n"
        "Der SV Hafenstadt hat Jonas Brandt für 12 Millionen Euro an Benfica verkauft. "
        "Brandt war 2021 aus der eigenen Jugend gekommen. "
        "Trainer Uwe Kolb lobte seine Entwicklung. "
        "Die Fans verabschiedeten ihn mit Applaus. "
        "Zusätzlich sicherte sich der Verein eine Weiterverkaufsbeteiligung von 20 Prozent."
    )
    claim = "Hafenstadt sicherte sich beim Verkauf von Brandt eine Beteiligung von 20 Prozent."
    assert supports(transfer, claim)
    assert not supports(transfer, claim.replace("20 Prozent", "25 Prozent"))


CLINIC = evidence(
    "Lanford clinic waits grow\n"
    "Average waits at Lanford's walk-in clinics rose to 94 minutes in October. "
    "The region closed two clinics in the spring to save money. "
    "Officials said the new booking system was still being tested. "
    "Nurses' unions held a rally on Friday. "
    "Officials blamed a shortage of nurses for the longer waits. "
    "A third clinic is due to open in Marsh End in 2027."
)


def test_a_cause_must_be_one_the_source_gives() -> None:
    assert supports(
        CLINIC, "Waits at Lanford's clinics rose to 94 minutes because of a shortage of nurses."
    )
    invented = (
        "Waits at Lanford's clinics rose to 94 minutes because the region closed two clinics."
    )
    assert not supports(CLINIC, invented)
    # "due to open" is a schedule, not a cause.
    assert supports(CLINIC, "A third clinic is due to open in Marsh End in 2027.")


COUNCIL = evidence(
    "Dunmore council backs new bridge\n"
    "Dunmore's council approved the Kell river bridge on Tuesday by 30 votes to 12. "
    "The Green group voted against, saying the bridge would bring more traffic."
)


def test_a_vote_the_other_way_is_contradicted() -> None:
    assert supports(COUNCIL, "The Green group voted against the Kell river bridge.")
    assert not supports(COUNCIL, "The Green group voted for the Kell river bridge.")


LEAGUE = evidence(
    "山隼隊奪冠\n"
    "山隼隊11月2日在新竹以3比1擊敗河豚隊，拿下聯賽冠軍，球迷以東區及北區最多。\n\n"
    "山隼隊總教練林志遠表示，球隊明年會繼續爭冠。河豚隊總教練陳柏宏則說，球隊會檢討。"
)


def test_a_chinese_district_is_named_by_its_character() -> None:
    assert supports(LEAGUE, "山隼隊的球迷以東區及北區最多。")
    assert not supports(LEAGUE, "山隼隊的球迷以南區及北區最多。")


def test_a_chinese_title_belongs_to_the_team_the_source_gives() -> None:
    assert supports(LEAGUE, "山隼隊總教練林志遠表示球隊明年會繼續爭冠。")
    assert not supports(LEAGUE, "山隼隊總教練陳柏宏表示球隊會檢討。")


CHIPS = evidence(
    "Orlin Micro sales rise 12%\n"
    "Orlin Micro said its sales rose 12% in the first quarter. "
    "Its next chip, the OR-9, will ship in the first half of 2027."
)


def test_the_first_quarter_is_no_first() -> None:
    assert not supports(CHIPS, "Orlin Micro說OR-9將是全球最快的晶片。")
    assert not supports(CHIPS, "Orlin Micro said the OR-9 will be the first chip of its kind.")
    assert supports(CHIPS, "Orlin Micro's sales rose 12% in the first quarter.")


CUP = evidence(
    "Ashby end 15-year wait\n"
    "Ashby Town beat Millford 2-0 in the county cup final, ending a 15-year wait for a trophy."
)


def test_a_first_in_so_many_years_is_the_years_it_took() -> None:
    assert supports(CUP, "Ashby Town beat Millford 2-0 for their first trophy in 15 years.")
    assert not supports(CUP, "Ashby Town beat Millford 2-0 for their first trophy in 25 years.")


HALL = evidence(
    "Brisk approves new town hall\n"
    "Brisk's council approved a new town hall on Monday. "
    "Councillor Ada Venn voted against and called the cost too high. "
    "The council said it would not raise parking fees to pay for it. "
    "Residents have until March 3 to lodge objections. "
    "Mayor Tom Reyes declined to name the architect."
)


def test_a_will_must_be_said_of_what_the_claim_says() -> None:
    invented = "Councillor Ada Venn said she would lodge objections to stop the town hall."
    assert not supports(HALL, invented)


def test_will_not_is_a_refusal_that_declined_to_backs() -> None:
    assert supports(HALL, "Mayor Tom Reyes will not name the town hall's architect.")


def test_yen_codes_and_pc_are_read_as_the_figure() -> None:
    budget = evidence(
        "Tokai Rail sets budget\n"
        "Tokai Rail will spend ¥1,720 billion on new lines and raise fares by 4pc. "
        "Its partner put in EUR 1.2bn."
    )
    assert supports(budget, "Tokai Rail will spend 1.72 trillion yen on new lines.")
    assert supports(budget, "Tokai Rail will raise fares by 4% and spend ¥1.72tn on new lines.")
    assert supports(budget, "Tokai Rail's partner put in 1.2 billion euros.")
    assert not supports(budget, "Tokai Rail will spend $1.72 trillion on new lines.")


def test_a_fraction_is_the_percent_to_the_sources_precision() -> None:
    survey = evidence("Poll of Lisk voters\nAbout 33% of Lisk voters back the new tax.")
    assert supports(survey, "A third of Lisk voters back the new tax.")
    assert not supports(survey, "Half of Lisk voters back the new tax.")
    close = evidence("Poll of Lisk voters\nAbout 36% of Lisk voters back the new tax.")
    assert not supports(close, "A third of Lisk voters back the new tax.")


HARBOUR = evidence(
    "Port of Vessby seeks state money for a new quay\n"
    "The Port of Vessby said on Tuesday it would ask the regional government to fund half of "
    "its planned 60 million euro container quay. The port hopes construction can begin in "
    "2028. Its board approved the design in March.\n\n"
    "Der Hafen will sich um Fördermittel bewerben. 港務局將爭取政府補助。"
)


def test_an_act_only_sought_is_not_stated_as_done() -> None:
    assert not supports(HARBOUR, "The regional government has agreed to fund half of the quay.")
    assert not supports(HARBOUR, "The port has already begun construction of the quay.")
    assert not supports(HARBOUR, "港務局已獲得政府補助。")
    # What it says it will do, said as such, and what is done, said as done.
    assert supports(HARBOUR, "The Port of Vessby will ask the regional government for funding.")
    assert supports(HARBOUR, "Vessby's port board has approved the quay's design.")
