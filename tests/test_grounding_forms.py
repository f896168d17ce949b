"""Forms of the same fact across languages and writers: a German decimal comma, a French
number word, Chinese tenths, a rank that is not a negation, a verb that denies, and a
claim in one language about an article in another."""

from __future__ import annotations

from bot.grounding import language
from bot.grounding.facts import dates, figures, markers
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


def test_a_duration_is_one_quantity_however_it_is_written() -> None:
    assert figures("1h52") == figures("112 minutes") == figures("1 hour 52 minutes")
    assert figures("1:04:12") == figures("1 hour, 4 minutes and 12 seconds")
    assert figures("64分鐘") == figures("64 minutes")
    assert figures("1h52") != figures("1h58")
    source = evidence("The final lasted 1h52, the longest of the season.")
    assert supports(source, "The final lasted 112 minutes.")
    assert not supports(source, "The final lasted 122 minutes.")
    # A source may give the number bare, its unit after the second one of a range.
    assert supports(
        evidence("The week falls from 37 to 32 hours."), "The week falls from 37 hours."
    )


def test_thousands_written_the_german_and_french_way_are_thousands() -> None:
    assert figures("bis zu 3.000 Euro") == figures("up to €3,000")
    assert figures("120\u00a0000 habitants") == figures("120,000 residents")
    assert figures("2,4 Mrd. €") == figures("€2.4bn")
    assert figures("1.125") != figures("1,125")  # an English decimal stays one


def test_a_share_may_be_written_as_a_fraction_and_a_ratio_as_a_verb() -> None:
    assert figures("three in four patients") == figures("75% of patients")
    assert figures("三分之一") == figures("one in three")
    assert figures("in the first half of 2025") == figures("2025")  # a period, not 50%
    source = evidence("Revenue rose from $30m to $120m in two years.")
    assert supports(source, "Revenue quadrupled in two years to $120m.")
    assert not supports(source, "Revenue tripled in two years to $120m.")


def test_chinese_numerals_with_several_units_and_a_letter_after_a_space() -> None:
    assert figures("3萬2千美元") == figures("US$32,000")
    assert figures("三千二百人") == figures("3,200 people")
    assert figures("18,000 t of water") == figures("18,000 tonnes of water")  # not trillions
    assert not figures("Q3")  # a code's digit is a name's, not a figure


def test_spelled_counts_keep_their_scale() -> None:
    assert figures("two million users") == figures("2 million users") == figures("2m users")
    assert figures("twenty-five thousand seats") == figures("25,000 seats")
    assert figures("fifteen stations") == figures("15 stations")


def test_a_hedged_round_figure_stands_for_the_one_it_rounds() -> None:
    source = evidence(
        "Halden Dairy reported sales of $403 million. The trial enrolled 312 volunteers "
        "in 2024, and 69% of them finished it. 約有1,193,000人受影響。"
    )
    assert supports(source, "Halden Dairy's sales were just over $400 million.")
    assert supports(source, "More than 300 volunteers took part in the trial.")
    assert supports(source, "Nearly 70% of the volunteers finished the trial.")
    assert supports(source, "約120萬人受影響。")
    # The hedge points one way, and is no licence for another figure.
    assert not supports(source, "Halden Dairy's sales were nearly $400 million.")
    assert not supports(source, "More than 350 volunteers took part in the trial.")
    assert not supports(source, "Nearly 80% of the volunteers finished the trial.")
    # A precise figure hedged is still that figure, and a year is no count.
    assert not supports(
        evidence("Of the members who voted, 71.2% backed it."), "About 71% backed it."
    )
    assert not supports(
        evidence("The bank will cut jobs by 2024."), "The bank will cut about 2,000 jobs."
    )


def test_a_number_word_opening_a_sentence_is_no_name() -> None:
    source = evidence("Neuralys raised €38 million on 12 May, 3 weeks after the trial results.")
    assert supports(source, "Three weeks after the trial results, Neuralys raised €38 million.")


def test_a_cause_the_claim_gives_must_be_in_the_source() -> None:
    source = evidence(
        "Pellridge will close 34 of its 212 stores by January. The stores it is closing "
        "generated about 9% of its sales, the company said.\n\nA faulty update to its "
        "warehouse software caused delays in November, Pellridge said."
    )
    assert not supports(source, "Pellridge is closing 34 stores because they were losing money.")
    assert supports(source, "A faulty warehouse software update caused delays, Pellridge said.")
    assert supports(source, "Pellridge's November delays were caused by a faulty software update.")


def test_counts_minimisers_and_cents_are_read_as_what_they_say() -> None:
    fares = evidence(
        "Lakeshore's single fare rises from $2.25 to $2.50. Paper tickets now account for "
        "just 9% of trips."
    )
    assert supports(fares, "Lakeshore's fare rises by 25 cents, to $2.50.")
    assert not supports(fares, "Lakeshore's fare rises by 35 cents, to $2.50.")
    assert supports(fares, "Paper tickets account for only 9% of Lakeshore's trips.")
    assert not supports(fares, "Paper tickets are the only tickets Lakeshore sells.")
    parking = evidence("北市交通局表示，信義區、大安區與中山區將新增機車收費格，收費格約占15%。")
    assert supports(parking, "北市交通局表示，信義、大安、中山三區將新增機車收費格。")
    assert supports(parking, "北市機車格中，收費格不到兩成。")
    assert not supports(parking, "北市機車格中，收費格不到一成。")


def test_units_are_no_names_and_each_clause_keeps_its_direction() -> None:
    wind = evidence("The wind farm will generate about 4.6 terawatt hours a year.")
    assert supports(wind, "The wind farm will generate about 4.6 TWh a year.")
    sales = evidence(
        "Frozen meals sales rose 17% to NOK 1.9 billion in the quarter.\n\nSales of canned "
        "fish fell 4.1% in the quarter, which the company blamed on lower mackerel quotas."
    )
    assert supports(sales, "Frozen meals sales grew 17%, while canned fish sales slipped 4.1%.")
    assert not supports(sales, "Frozen meals sales fell 17% to NOK 1.9 billion in the quarter.")


def test_a_short_german_claim_is_read_as_german() -> None:
    claim = "Hansa & Co. will bis Ende 2028 etwa 850 von 6.400 Stellen in Bremen abbauen."
    assert language.guess(claim) == "de"
    source = evidence(
        "Hansa & Co. will bis Ende 2028 etwa 850 seiner 6.400 Stellen in Bremen abbauen, wie "
        "das Unternehmen am Montag mitteilte. Die Stellen fallen vor allem in der Verwaltung weg."
    )
    assert supports(source, claim)


def test_a_season_is_a_date_in_any_of_the_languages_and_a_month_stands_for_its_season() -> None:
    works = evidence("Les travaux de la ligne de tram doivent débuter au printemps 2027 à Nantes.")
    assert supports(works, "Work on the Nantes tram line is due to begin in spring 2027.")
    assert not supports(works, "Work on the Nantes tram line is due to begin in autumn 2027.")
    opening = evidence("The Harbour Foods plant in Leeds will open in October 2027.")
    assert supports(opening, "The Harbour Foods plant in Leeds will open in the autumn of 2027.")
    assert not supports(opening, "The Harbour Foods plant in Leeds will open in spring 2027.")
    # Words that only look like seasons date nothing.
    assert not dates("Shares fall 3% as the spring of the valve broke; il a été élu.")


def test_a_figure_worked_out_from_two_the_claim_states_needs_no_place_of_its_own() -> None:
    union = evidence(
        "Drivers strike over staffing\n"
        "The union wants the company to grow its fleet of drivers from 210 to 245. The "
        "company said it could hire 18 drivers at most this year."
    )
    worked_out = "The union wants 35 more drivers hired; it asks for 245 drivers instead of 210."
    assert supports(union, worked_out)
    assert not supports(union, worked_out.replace("35", "45"))


def test_a_preposition_opening_a_sentence_is_no_name() -> None:
    strike = evidence(
        "Pilots strike at Corvane\n"
        "About 27,000 passengers were affected by the pilots' strike, Corvane said."
    )
    claim = "Selon Corvane, quelque 27 000 passagers ont été touchés par la grève des pilotes."
    assert supports(strike, claim)


def test_a_weekday_describing_a_noun_is_no_date() -> None:
    assert dates("The budget adds longer Sunday library hours.") == frozenset()
    assert dates("The council voted on Sunday night.") == {"weekday:7"}
    budget = evidence(
        "Council passes budget\n"
        "The council approved the budget on Tuesday. It adds 26 police officers and keeps "
        "libraries open for longer on Sundays."
    )
    assert supports(budget, "The budget adds 26 police officers and longer Sunday library hours.")


def test_a_hedged_fraction_word_stands_for_the_share_near_it() -> None:
    sales = evidence(
        "Grocer's own brands grow\n"
        "Own-brand products now make up 31% of sales, and 9% of trips end in the app."
    )
    assert supports(sales, "Own-brand products now make up nearly a third of sales.")
    assert supports(sales, "Just under a tenth of trips end in the app.")
    # On the hedge's side, and near it: "over a third" and "nearly half" are not 31%.
    assert not supports(sales, "Own-brand products now make up over a third of sales.")
    assert not supports(sales, "Own-brand products now make up nearly half of sales.")


def test_a_count_may_be_the_difference_of_two_one_sentence_states() -> None:
    outage = evidence(
        "Storm cuts power\n"
        "About 61,000 homes lost power on Saturday; by Sunday evening 9,400 remained cut "
        "off, the grid operator said."
    )
    assert supports(outage, "By Sunday evening the grid operator had reconnected 51,600 homes.")
    assert not supports(outage, "By Sunday evening the grid operator had reconnected 52,600 homes.")


def test_a_length_or_a_mass_is_one_quantity_in_any_metric_unit() -> None:
    storm = evidence(
        "Storm floods the coast\n"
        "Up to 87 millimetres of rain fell in 24 hours, gusts reached 142 km/h, and the "
        "ferry's 2,400 kg ramp was torn away from a 1.5 km pier."
    )
    assert supports(storm, "As much as 8.7 cm of rain fell in a day.")
    assert supports(storm, "The storm tore a 2.4-tonne ramp from a 1,500-metre pier.")
    assert not supports(storm, "As much as 87 cm of rain fell in a day.")
    # A speed is no length: 142 km/h is not 142 km.
    assert not supports(storm, "The storm's rain spread over 142 km of coast.")


def test_french_and_german_weekdays_are_dates() -> None:
    assert dates("Deux trains supplémentaires circuleront mardi.") == {"weekday:2"}
    assert dates("Die Gespräche beginnen am Mittwoch.") == {"weekday:3"}
    strike = evidence(
        "Pilots strike\n"
        "The rail operator added two trains between Lyon and Brussels for Wednesday, the "
        "airline said."
    )
    added = "L'opérateur a ajouté deux trains entre Lyon et Bruxelles pour {}."
    assert supports(strike, added.format("mercredi"))
    assert not supports(strike, added.format("mardi"))


def test_a_figure_worked_out_from_the_next_sentence_or_a_given_share_is_backed() -> None:
    outage = evidence(
        "About 48,000 homes lost power when the storm hit the coast on Friday. By noon on "
        "Saturday, all but 6,500 had been reconnected, the operator said."
    )
    assert supports(outage, "By Saturday noon, 41,500 of the 48,000 homes had power again.")
    assert not supports(outage, "By Saturday noon, 43,500 of the 48,000 homes had power again.")
    round_ = evidence(
        "Pelora raised $85 million in its latest round. About 60% of it will fund a new "
        "factory in Porto, the company said."
    )
    assert supports(round_, "About $51 million of Pelora's new money will go to a Porto factory.")
    assert not supports(
        round_, "About $58 million of Pelora's new money will go to a Porto factory."
    )


def test_a_timetable_is_a_forecast() -> None:
    talks = evidence("Talks are scheduled to resume on Monday under a mediator, Ida Lind.")
    assert supports(talks, "Talks will resume on Monday with Ida Lind as mediator.")


def test_a_ratio_word_a_points_change_and_a_share_of_amounts_are_worked_out() -> None:
    cases = evidence(
        "Mumps cases rose to 318 in the first half of the year, from 74 a year earlier. "
        "Vaccine coverage fell to 88.4% from 91.0%. Of the clinic's €21 million budget, "
        "€6.6 million came from the region."
    )
    assert supports(cases, "Mumps cases more than quadrupled to 318 in the first half.")
    assert not supports(cases, "Mumps cases tripled to 318 in the first half.")
    assert supports(cases, "Vaccine coverage fell 2.6 points to 88.4%.")
    assert not supports(cases, "Vaccine coverage fell 3.6 points to 88.4%.")
    assert supports(
        cases, "Nearly a third of the clinic's €21 million budget came from the region."
    )
    assert not supports(
        cases, "Nearly half of the clinic's €21 million budget came from the region."
    )


def test_a_multiple_written_as_n_times_is_a_ratio_and_not_a_count() -> None:
    assert figures("ten times the fee") == figures("a tenfold fee")
    assert figures("won the cup three times in a row") == figures("3")
    transfer = evidence(
        "Ostwald sold striker Ilse Brenner to Lyon for about €36 million on Friday. "
        "The club had signed her from Hallberg for €4 million in 2022."
    )
    sold = "Ostwald sold Brenner to Lyon for {} times the €4 million it signed her for."
    assert supports(transfer, sold.format("nine"))
    assert not supports(transfer, sold.format("twelve"))


def test_the_place_a_clause_is_told_is_found_by_its_figures_before_its_common_words() -> None:
    mower = evidence(
        "Tallow unveils the Hedge 2 robot mower\n"
        "Tallow sold one million mowers last year. "
        "Owners said they had to charge older models twice a week. "
        "The company is based in Leeds. "
        "It employs 300 people. "
        "Its design chief said testers liked the quieter blade. "
        "At $899, the Hedge 2 covers up to 2,500 square metres on a single battery."
    )
    assert supports(mower, "The Hedge 2 sells for $899 and can mow up to 2,500 m² on one charge.")
