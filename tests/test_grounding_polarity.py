"""A claim that asserts what its source denies is not supported, even when it shares the
denied sentence's words and carries no negation of its own; and figures grouped the way
French and German writers type them are read as one number."""

from __future__ import annotations

from bot.grounding.support import evidence, supports

ORCHARD = evidence(
    "Orchard co-op reports a quiet harvest\n"
    "The Millbrook orchard co-operative picked 1,200 tonnes of apples this autumn. "
    "There was no increase in frost damage to the trees compared with last year. "
    "The co-op did not raise its prices for local shops."
)


def test_a_claim_restating_a_denied_clause_is_rejected() -> None:
    assert not supports(ORCHARD, "Frost damage to the trees increased at Millbrook this year.")
    assert not supports(ORCHARD, "The Millbrook co-op raised its prices for local shops.")


def test_a_claim_sharing_only_the_denied_words_is_rejected() -> None:
    # The claim says too little of the sentence for their polarities to be compared
    # whole, but what it asserts is what the negation's clause rules out.
    source = evidence(
        "Tablet pilot ends at Ashgrove school\n"
        "Ashgrove school gave tablets to one of its two year-six classes for a term. "
        "There was no difference between the two classes in reading scores."
    )
    assert not supports(source, "Reading scores were higher in the class using tablets.")
    assert supports(source, "Ashgrove gave tablets to one of its two year-six classes.")


def test_a_claim_that_keeps_the_denial_is_supported() -> None:
    assert supports(ORCHARD, "The Millbrook co-op did not raise its prices for local shops.")
    assert supports(ORCHARD, "Prices for local shops were unchanged at the Millbrook co-op.")


def test_thousands_grouped_by_an_ordinary_space_are_one_figure() -> None:
    source = evidence(
        "Lyon agrandit son parc de vélos\n"
        "La métropole de Lyon a mis en service environ 4 500 vélos supplémentaires en 2024."
    )
    assert supports(source, "Lyon added about 4,500 bicycles to the network in 2024.")
    assert not supports(source, "Lyon added about 500 bicycles to the network in 2024.")


def test_irregular_pasts_and_doubled_consonants_meet_their_verbs() -> None:
    source = evidence(
        "Copperfield Books reports a good year\n"
        "Copperfield Books said its sales rise every December. "
        "The chain plans to ship orders from two new warehouses."
    )
    assert supports(source, "Copperfield Books' sales rose in December.")
    assert supports(
        source, "Copperfield Books planned to start shipping orders from two new warehouses."
    )


def test_a_month_abbreviation_and_an_iso_date_are_dates_not_figures() -> None:
    source = evidence(
        "Harbour ferry timetable changes\n"
        "The Northam harbour ferry will run every 20 minutes from 1 September 2026."
    )
    assert supports(source, "From Sept. 1, 2026, the Northam ferry will run every 20 minutes.")
    assert supports(source, "The Northam harbour ferry will run every 20 minutes from 2026-09-01.")
    assert not supports(
        source, "The Northam harbour ferry will run every 20 minutes from 2026-10-01."
    )


def test_a_french_future_is_a_forecast_the_claim_may_restate() -> None:
    source = evidence(
        "Nantes : une nouvelle ligne de bus\n"
        "La ville de Nantes a voté une nouvelle ligne de bus électrique. "
        "La ligne comptera douze arrêts et sa mise en service est prévue en 2027."
    )
    assert supports(source, "La nouvelle ligne de bus de Nantes sera ouverte en 2027.")
    assert supports(source, "Nantes's new electric bus line will have twelve stops from 2027.")


def test_a_forecast_the_source_does_not_make_is_still_rejected() -> None:
    source = evidence(
        "Nantes : une nouvelle ligne de bus\n"
        "La ville de Nantes a ouvert une nouvelle ligne de bus électrique avec douze arrêts."
    )
    assert not supports(source, "La ville de Nantes ouvrira une deuxième ligne de bus électrique.")


PRESS = evidence(
    "Lindqvist Audio ships its first headphones\n"
    "Lindqvist Audio began selling its first headphones on Tuesday. "
    "The headphones are sold through Nordmarkt, an online shop, for €199."
)


def test_a_partnership_the_source_does_not_state_is_rejected() -> None:
    assert supports(PRESS, "Lindqvist Audio sells its first headphones through Nordmarkt for €199.")
    assert not supports(
        PRESS, "Lindqvist Audio built its first headphones in partnership with Nordmarkt."
    )
    assert not supports(PRESS, "Lindqvist Audio與Nordmarkt合作推出售價199歐元的耳機。")


def test_where_a_company_is_based_must_be_what_the_source_says() -> None:
    source = evidence(
        "Solvik Freight lists its shares\n"
        "Solvik Freight, which is headquartered in Tromsø, listed its shares on Friday. "
        "Its largest shareholder is the fund Narvik Partners."
    )
    assert supports(source, "Tromsø-based Solvik Freight listed its shares on Friday.")
    assert not supports(source, "Narvik-based Solvik Freight listed its shares on Friday.")


def test_a_chinese_first_must_be_the_same_first() -> None:
    source = evidence(
        "葉星澄奪下生涯首座冠軍\n網球選手葉星澄週日在高雄奪得生涯首座職業賽冠軍，獎金約3萬美元。"
    )
    assert supports(source, "葉星澄在高雄奪得生涯首座職業賽冠軍。")
    assert not supports(source, "葉星澄成為首位在高雄奪得職業賽冠軍的選手。")


KILN = evidence(
    "Kilnworth opens a brick plant\n"
    "Kilnworth Ceramics opened its Ostrava plant on Monday, its largest in Europe. "
    "The plant can make 90 million bricks a year. "
    "It employs 310 people. "
    "The company also sells roof tiles. "
    "Its new tile line, the Ridge 5, went on sale in May at €14 a square metre."
)


def test_a_translated_superlative_must_be_said_where_its_names_are() -> None:
    assert supports(KILN, "Kilnworth Ceramics的Ostrava工廠是該公司在歐洲最大的工廠。")
    assert not supports(KILN, "Kilnworth Ceramics的Ridge 5是歐洲最便宜的屋瓦，每平方米14歐元。")


def test_an_ipo_is_not_a_first() -> None:
    source = evidence(
        "Brannvik lists in Oslo\nBrannvik Energy priced its shares at NOK 120 on Tuesday."
    )
    assert supports(source, "Brannvik Energy首次公開發行定價每股120挪威克朗。")


HEAT = evidence(
    "Sachsen fördert Solardächer\n"
    "Im vergangenen Jahr wurden in Sachsen rund 41.500 Solaranlagen auf Dächern installiert. "
    "Die Landesregierung will die Zahl bis 2030 verdreifachen."
)


def test_one_distinctive_figure_checks_a_translation() -> None:
    assert supports(HEAT, "Around 41,500 rooftop solar systems were installed in Saxony last year.")
    assert not supports(
        HEAT, "Around 41,000 rooftop solar systems were installed in Saxony last year."
    )
    # A year alone proves nothing across languages.
    assert not supports(HEAT, "Saxony wants every new house to have solar panels by 2030.")


def test_a_verb_that_multiplies_states_a_ratio() -> None:
    source = evidence(
        "Ferrovia adds night trains\nFerrovia runs 12 night trains a week and will add two more."
    )
    assert not supports(source, "Ferrovia plans to double its night trains.")
    assert supports(source, "Ferrovia will add two night trains to the 12 it runs each week.")


def test_a_body_may_be_named_by_its_initials() -> None:
    source = evidence(
        "Orvane seeks approval\n"
        "Orvane Bio said it would apply to the European Medicines Agency for approval in 2026."
    )
    assert supports(source, "Orvane Bio plans to seek EMA approval in 2026.")
    assert not supports(source, "Orvane Bio plans to seek FDA approval in 2026.")


def test_a_name_between_two_function_words_has_no_slot() -> None:
    source = evidence(
        "Study published\n"
        "The results were presented at a congress in Vienna and published in Northfield Medicine."
    )
    assert supports(
        source, "The results were published in Northfield Medicine and presented in Vienna."
    )


RACE = evidence(
    "Okafor wins Lagos 10K\n"
    "Nigeria's Grace Okafor won the Lagos 10K on Saturday in 31:20, pulling away from "
    "Ruth Achieng over the last kilometre. "
    "Achieng finished second in 31:34, and Okafor's teammate Ada Bello was third. "
    "Organisers said 12,000 runners took part, a record for the race. "
    "Okafor's coach, the team's head of performance, said she would race again in May. "
    "The club's chief operating officer, Tunde Bako, said prize money would rise."
)


def test_a_relation_does_not_reach_across_a_clause() -> None:
    assert supports(RACE, "Grace Okafor pulled away from Ruth Achieng to win the Lagos 10K.")


def test_an_appositive_record_qualifies_its_whole_clause() -> None:
    assert supports(RACE, "A record field of 12,000 runners took part in the Lagos 10K.")
    assert not supports(RACE, "Grace Okafor won the Lagos 10K in a record 31:20.")


def test_a_title_may_be_written_by_its_initials() -> None:
    assert supports(RACE, "Prize money will rise, COO Tunde Bako said.")


GROCER = evidence(
    "Fernhill Grocers reports results\n"
    "Fernhill Grocers said on Tuesday that its annual sales rose 9% to £1.2 billion. "
    "It opened a distribution centre in Leeds last spring. "
    "Chief executive Amira Lodge said shoppers were returning to its larger stores. "
    "The chain has 140 shops across England. "
    "Separately, Fernhill plans to close 12 shops in Wales next year. "
    "Lodge said the closures would not lead to compulsory redundancies."
)


def test_a_name_must_be_where_the_rest_of_the_clause_is() -> None:
    assert supports(GROCER, "Fernhill Grocers plans to close 12 shops in Wales next year.")
    assert not supports(GROCER, "Fernhill Grocers plans to close 12 shops in Leeds next year.")
    assert not supports(GROCER, "Fernhill Grocers plans to close 12 of its Leeds shops next year.")


def test_a_person_named_in_full_once_may_be_named_so_again() -> None:
    assert supports(
        GROCER, "Amira Lodge said the shop closures would not lead to compulsory redundancies."
    )


def test_an_after_clause_is_backed_by_its_own_place() -> None:
    assert supports(
        GROCER, "Fernhill will close 12 shops in Wales after sales rose 9% to £1.2 billion."
    )


def test_a_superlative_widened_to_all_history_must_be_the_sources() -> None:
    source = evidence(
        "Harrowgate lists in Dublin\n"
        "Harrowgate Foods raised €600 million in its Dublin listing, "
        "the largest on the exchange since 2019."
    )
    assert supports(source, "Harrowgate's €600 million Dublin listing is the largest since 2019.")
    assert not supports(
        source, "Harrowgate's €600 million listing is the largest in Dublin's history."
    )


def test_everyday_news_synonyms_meet() -> None:
    source = evidence(
        "Marlow Rail approves a new line\n"
        "Marlow Rail approved the first phase of a new line to Kettering, which will cut "
        "about 300 jobs at its depots when work begins in 2027."
    )
    assert supports(
        source,
        "Marlow Rail gave the go-ahead to the first stage of a Kettering link, eliminating "
        "around 300 positions at its depots when work starts in 2027.",
    )
    assert not supports(
        source, "Marlow Rail approved the first phase of a new line to Kettering in 2025."
    )


def test_an_opposite_comparison_contradicts_without_a_negation() -> None:
    trial = evidence(
        "Fenwick wheat trial ends\n"
        "Plots sown with the new Fenwick wheat grew about 8% more slowly than standard "
        "seed in the dry spring, the institute said. The variety posted a loss in yield "
        "of 3% in the trial's second year."
    )
    assert supports(trial, "Fenwick wheat grew about 8% more slowly than standard seed.")
    assert not supports(trial, "Fenwick wheat grew about 8% faster than standard seed.")
    assert not supports(trial, "The Fenwick variety posted a profit in yield of 3% in the trial.")


def test_a_raise_contradicts_a_cut() -> None:
    dividend = evidence(
        "Grocer cuts payout\n"
        "The finance director said the chain had cut its interim dividend to 142 cents a "
        "share from 165 cents."
    )
    assert supports(dividend, "The chain cut its interim dividend to 142 cents a share.")
    assert not supports(dividend, "The chain raised its interim dividend to 142 cents a share.")


def test_each_side_of_a_contrast_is_read_against_the_sentence_that_says_it() -> None:
    results = evidence(
        "Grocer's profit falls\n"
        "The chain reported a 12.4% fall in half-year profit as a price war squeezed "
        "margins. Revenue rose 4.1% to R48.3 billion."
    )
    claim = "The chain's half-year profit slid 12.4% even as revenue grew 4.1%."
    assert supports(results, claim)
    assert not supports(results, "The chain's half-year profit grew 12.4% as margins widened.")
