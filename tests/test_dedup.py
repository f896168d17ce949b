"""Syndicated copies are one story; different reporting of one event, and translations, are
not. The pages are written for these tests: a council story, the forms a wire copy of it
takes on other sites, another outlet's own report of the same vote, and a translation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.dedup_pool import DedupPool
from bot.filters.dedup import DedupIndex, cluster_texts, content_hash
from bot.models import Article, Reason
from storage import articles as article_store
from storage import open_database

HEADLINE = "Council approves a tram line to the northern suburbs"
LEAD = (
    "The city council voted 31 to 12 on Tuesday night to build a tram line from the central "
    "station to the northern suburbs of Wendlingen and Oberau, ending a dispute that has "
    "divided the city for almost a decade."
)
BODY = [
    "The line will run for 9.4 kilometres along the old freight corridor and stop at eleven "
    "stations, two of them next to the university hospital. Construction is due to begin in "
    "the autumn of next year, and the first trams should carry passengers four years later "
    "if the planning appeals are settled on time.",
    "The mayor, Petra Lindqvist, called the vote a turning point for a district where many "
    'households have no car and buses are stuck in traffic twice a day. "For twenty years '
    'people in the north have been told to wait, and tonight we stopped asking them to," '
    "she told reporters after the session.",
    "The project is expected to cost 412 million euros. The regional government has promised "
    "to pay sixty per cent, and the city will borrow most of the rest through its transport "
    "company, which says fares will not rise faster than inflation to cover the debt.",
    "Opponents on the council argued that an electric bus network would have been cheaper "
    "and quicker to build. Shopkeepers along Mühlenstraße, where the tracks will pass, fear "
    "that two years of roadworks will drive customers away, and their association has asked "
    "for compensation during the construction.",
    "A citizens' group that collected nine thousand signatures against the route said it "
    "would study the plans before deciding whether to go to court. The transport company "
    "will hold public meetings in each of the affected neighbourhoods from next month.",
    "Trams last ran in the city in 1961, when the old network was torn up to make room for "
    "cars. Several of the original depots still stand and one of them, near the harbour, "
    "is being considered as a maintenance yard for the new vehicles.",
]
ORIGINAL = "\n".join([HEADLINE, LEAD, *BODY])

REWRITTEN_COPY = "\n".join(
    [
        "Northern suburbs to get their tram after a decade of rows",
        "After almost ten years of argument, councillors have backed plans for trams to link "
        "Wendlingen and Oberau with the central station, approving the scheme by a wide "
        "margin in a late sitting on Tuesday.",
        *BODY,
        "This article first appeared in the Northern Courier and is republished with permission.",
    ]
)

OTHER_OUTLET = "\n".join(
    [
        "Tram vote leaves shopkeepers counting the cost",
        "Traders on Mühlenstraße reacted with dismay on Wednesday after councillors gave the "
        "go-ahead to a tram route that will put their street under construction for two years.",
        "The council backed the 412 million euro plan by 31 votes to 12 late on Tuesday. The "
        "route from the central station to Wendlingen and Oberau follows the old freight "
        "corridor, and the mayor, Petra Lindqvist, has promised it will be running within "
        "five years of the first works.",
        "Hanne Vogt, who has sold shoes from the same corner for thirty-two years, said she "
        'had already lost customers during the water main repairs last spring. "Nobody at the '
        "town hall has explained how people are supposed to reach us with a trench outside the "
        "door,\" she said. The traders' association wants a fund to cover lost takings.",
        "The transport company said deliveries would be possible throughout and that the "
        "street would be dug up in sections of no more than two hundred metres. Supporters of "
        "the line point out that footfall rose sharply in other cities once trams opened, and "
        "that the hospital stop alone is expected to serve four thousand people a day.",
        "A group of residents who oppose the route is weighing a legal challenge. Its "
        "spokesman said the council had ignored cheaper options such as electric buses, and "
        "that the cost estimate had grown by a third since the first study in 2019.",
    ]
)

GERMAN = "\n".join(
    [
        "Stadtrat beschließt Straßenbahn in die nördlichen Vororte",
        "Der Stadtrat hat am Dienstagabend mit 31 zu 12 Stimmen beschlossen, eine "
        "Straßenbahnlinie vom Hauptbahnhof in die nördlichen Vororte Wendlingen und Oberau zu "
        "bauen, und damit einen Streit beendet, der die Stadt fast ein Jahrzehnt lang "
        "gespalten hat.",
        "Die Linie wird 9,4 Kilometer lang entlang der alten Güterbahntrasse verlaufen und an "
        "elf Haltestellen halten, zwei davon am Universitätsklinikum. Der Bau soll im Herbst "
        "des nächsten Jahres beginnen, und die ersten Bahnen sollen vier Jahre später Fahrgäste "
        "befördern, wenn die Einsprüche rechtzeitig erledigt sind.",
        "Die Bürgermeisterin Petra Lindqvist nannte die Abstimmung einen Wendepunkt für einen "
        "Stadtteil, in dem viele Haushalte kein Auto haben und die Busse zweimal am Tag im Stau "
        "stehen. „Zwanzig Jahre lang hat man den Menschen im Norden gesagt, sie sollen warten, "
        "und heute Abend haben wir damit aufgehört“, sagte sie nach der Sitzung.",
        "Das Projekt soll 412 Millionen Euro kosten. Die Landesregierung hat zugesagt, sechzig "
        "Prozent zu übernehmen, und die Stadt wird den größten Teil des Restes über ihr "
        "Verkehrsunternehmen leihen, das erklärt, die Fahrpreise würden nicht schneller als "
        "die Inflation steigen.",
        "Gegner im Stadtrat argumentierten, ein Netz aus Elektrobussen wäre billiger und "
        "schneller zu bauen gewesen. Händler in der Mühlenstraße, durch die die Gleise führen "
        "werden, fürchten, dass zwei Jahre Bauarbeiten die Kunden vertreiben.",
    ]
)


def _trimmed(text: str, share: float) -> str:
    """The first ``share`` of ``text``'s words, as a site that cuts a wire story to fit."""
    kept = text.split(" ")
    return " ".join(kept[: int(len(kept) * share)])


def _together(texts: list[str]) -> set[tuple[int, ...]]:
    return {c.members for c in cluster_texts(texts) if len(c.members) > 1}


def test_a_copy_with_a_new_headline_and_lead_is_the_same_story() -> None:
    assert _together([ORIGINAL, REWRITTEN_COPY]) == {(0, 1)}


def test_a_copy_whose_new_headline_and_lead_are_half_of_it_is_the_same_story() -> None:
    # A short piece: the new headline and opening are half its words, too many for its
    # shingles alone; the copied body (its word pairs and vocabulary) shows the copy.
    original = "\n".join([HEADLINE, LEAD, BODY[0]])
    copy = "\n".join([*REWRITTEN_COPY.splitlines()[:2], BODY[0]])
    assert _together([original, copy]) == {(0, 1)}


def test_a_copy_trimmed_to_sixty_percent_is_the_same_story() -> None:
    assert _together([ORIGINAL, _trimmed(ORIGINAL, 0.6)]) == {(0, 1)}


def test_another_outlets_report_of_the_same_vote_is_another_story() -> None:
    assert _together([ORIGINAL, OTHER_OUTLET]) == set()


def test_a_translation_is_not_a_copy() -> None:
    assert _together([ORIGINAL, GERMAN]) == set()


def test_one_story_per_group_among_unrelated_and_related_pages() -> None:
    texts = [ORIGINAL, OTHER_OUTLET, GERMAN, REWRITTEN_COPY, _trimmed(ORIGINAL, 0.6)]
    assert _together(texts) == {(0, 3, 4)}
    # Placed one by one against a pool, as a collection places kept articles: the same.
    index = DedupIndex()
    leads = []
    for key, text in enumerate(texts):
        match = index.match(text)
        leads.append(match.lead if match else None)
        index.add(key, text, match.lead if match else None)
    assert leads == [None, None, None, 0, 0]


def _article(url: str, text: str, published: datetime) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        title=text.splitlines()[0],
        text=text,
        published=published,
        fetched=published,
        language="en",
        content_hash=content_hash(text),
        source_url="https://feeds.example/rss",
    )


def test_the_pool_finds_copies_of_stored_stories_and_forgets_aged_ones(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    now = datetime.now(UTC)
    stored = _article("https://courier.example/tram", ORIGINAL, now - timedelta(days=2))
    article_store.insert_article(db, "trams", stored)
    first = DedupPool.load(db, "trams", now - timedelta(days=7))
    (placed,) = first.judge([_article("https://wire.example/tram", REWRITTEN_COPY, now)])
    _, rejection = placed
    assert rejection is not None and rejection.reason == Reason.DUPLICATE
    assert rejection.duplicate_of == stored.url
    first.forget_run()

    # A later run whose window no longer holds the stored story: the copy is news again.
    later = DedupPool.load(db, "trams", now - timedelta(days=1))
    (placed,) = later.judge([_article("https://wire.example/tram-2", REWRITTEN_COPY, now)])
    assert placed[1] is None


def test_a_three_sentence_brief_whose_copy_rewrote_headline_and_opening_is_one_story() -> None:
    # In a brief the headline is a good part of the words; copies are compared by body.
    rest = (
        "The purchase was approved by the regulator last week and closes in March. "
        "Both companies said no jobs would be cut at the two sites in the north, and "
        "Millstone's loaves will keep their name on supermarket shelves."
    )
    brief = "\n".join(
        [
            "Harbour Foods buys rival bakery for $40 million",
            "Harbour Foods has agreed to buy Millstone Bakery for about $40 million in "
            "cash, the company said in a filing on Tuesday. " + rest,
        ]
    )
    copy = "\n".join(
        [
            "Snack maker snaps up bread rival",
            "Deal watch: Millstone Bakery is being taken over by Harbour Foods for "
            "roughly $40 million, a filing showed. " + rest,
        ]
    )
    other = "\n".join(
        [
            "Harbour Foods opens a plant in the north",
            "Harbour Foods opened a bakery plant in the north on Tuesday, hiring two "
            "hundred people. The plant makes bread for the company's stores in March.",
        ]
    )
    assert _together([brief, copy, other]) == {(0, 1)}


def test_two_press_releases_sharing_only_their_about_paragraph_are_two_stories() -> None:
    about = (
        "About Harbour Foods: Harbour Foods makes bread, biscuits and snacks in six "
        "countries and employs nine thousand people. Its shares trade in London."
    )
    first = "\n".join(
        [
            "Harbour Foods names a new finance chief",
            "Harbour Foods said Ruth Okafor will become chief financial officer in May, "
            "replacing Tom Reid, who retires after twelve years.",
            about,
        ]
    )
    second = "\n".join(
        [
            "Harbour Foods recalls a batch of oat biscuits",
            "Harbour Foods is recalling one batch of its oat biscuits after a supplier "
            "found traces of sesame, and asks buyers to return them for a refund.",
            about,
        ]
    )
    assert _together([first, second]) == set()
