"""Issue 11's real-page cases, written from their description with our own text."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.collect import CollectReport, collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.extract import extract_page
from bot.fetch import Fetcher
from bot.filters.pagetype import classify
from bot.filters.profile import short_names
from bot.filters.relevance import assess, filed_under
from bot.filters.spam import assess_spam, promo_verdict, thin_page
from bot.filters.text import count_term, word_count
from bot.models import Candidate, Page, Reason, Rejection
from bot.screen import (
    Undecided,
    one_per_url,
    publication_time,
    screen_page,
    settle,
    topic_terms,
)
from bot.sources.base import Unlinked
from bot.sources.feeds import newest_entries, parse_feed
from storage import open_database

PROSE = (
    "Engineers spent the last month checking every joint of the structure before the "
    "review board met. The report lists the remaining risks and the tests still to run, "
    "and the team expects a decision within weeks, according to people who saw it. "
)


def test_a_moon_lander_story_is_not_a_token_pump() -> None:
    text = (
        "The agency's robotic lander is on its way to the moon after a clean launch on "
        "Thursday night, carrying six instruments to the lunar south pole. " + PROSE * 2
    )
    assert not assess_spam("Lander heads to the moon", text, ["lander"]).is_spam
    pump = text + " Buy the token before the listing: this coin is going to the moon."
    assert assess_spam("Lander coin", pump, ["lander"]).is_spam


def test_a_concert_presale_and_an_airdrop_between_phones_are_not_token_pumps() -> None:
    concert = (
        "Fans who registered can buy seats in Tuesday's presale, two days before general "
        "sale, the promoter said. " + PROSE * 2
    )
    assert not assess_spam("Stadium tour dates announced", concert, ["tour"]).is_spam
    phones = "Photos can be sent with AirDrop to anyone nearby for ten minutes. " + PROSE * 2
    assert not assess_spam("The phone update changes sharing", phones, ["phone"]).is_spam
    pump = concert + " Join the token presale now: early buyers get the airdrop."
    assert assess_spam("Tour token", pump, ["tour"]).is_spam


def test_a_release_post_naming_its_project_in_every_line_is_not_stuffing() -> None:
    text = (
        "Python 3.6.0 is now available! Python 3.6.0 is the newest major release of the "
        "Python language. Python 3.6 brings formatted string literals and a faster dict. "
        "Get Python 3.6.0 from the downloads page; Python 3.5 users can upgrade now. "
        "Python 3.6 documentation covers every change, and Python packagers have builds."
    )
    assert not assess_spam("Python 3.6.0 is now available!", text, ["Python"]).is_spam


def test_a_headline_repeating_its_subject_is_not_stuffing_but_a_keyword_list_is() -> None:
    text = "Arsenal beat the league leaders at home on Sunday. " + PROSE * 2
    headline = "Arsenal, Arsenal, Arsenal: how the Gunners turned the season"
    assert not assess_spam(headline, text, ["Arsenal"]).is_spam
    four_times = "Arsenal, Arsenal, Arsenal: nobody can stop talking about Arsenal"
    assert not assess_spam(four_times, text, ["Arsenal"]).is_spam
    listing = "Arsenal news | Arsenal transfers | Arsenal tickets | Arsenal live | Arsenal"
    assert assess_spam(listing, text, ["Arsenal"]).is_spam


def test_a_prize_scam_and_a_miracle_advert_are_promotions_and_a_report_on_them_is_not() -> None:
    prize = (
        "Well done! You have been selected to receive a signed match ball from the club. "
        "Only 20 balls remaining! Pay the £2.49 postage and enter your name, address and "
        "card details to confirm. Offer ends at midnight."
    )
    assert promo_verdict("Claim your signed ball", prize) is not None
    advert = (
        "Doctors are stunned by the seaweed tonic the skier drinks every morning.\n"
        "Order today and get 2 bottles free, with a 90-day money-back guarantee.\n"
        "“My knees feel young again!” — Paula, 61, Bristol"
    )
    assert promo_verdict("The skier's morning secret", advert) is not None
    report = (
        "Trading standards officers warned fans about a fake giveaway that asks them to pay "
        "postage for a signed ball. The club said it had never run such an offer and that "
        "supporters who had entered card details should call their bank."
    )
    assert promo_verdict("Fans warned over fake ball giveaway", report) is None


def test_police_cracking_down_is_not_cracked_software() -> None:
    text = "Police cracked down on a ring selling fake concert tickets online. " + PROSE * 2
    verdict = assess_spam("Police crack down on ticket fraud", text, ["tickets"])
    assert not verdict.is_spam
    assert "cracked" not in verdict.detail


def test_a_near_empty_extraction_is_an_extraction_error_not_spam() -> None:
    notice = "We use cookies to improve your experience. Accept all cookies to continue."
    verdict = thin_page("Python 4 plans revealed", notice)
    assert verdict is not None and not verdict.is_spam
    topic = _topic(keywords=["Python 4"])
    result = screen_page(
        _candidate(),
        Page("Python 4 plans", notice, None, None, "en"),
        topic,
        NOW,
        NOW - timedelta(days=7),
    )
    assert not isinstance(result, Undecided) and result.reason is Reason.EXTRACT_ERROR


def test_words_are_counted_per_script() -> None:
    assert word_count("歐洲人工智慧新創公司今天發布新模型") == 17
    assert word_count("Mistral AI 發布新模型") == 2 + 5
    assert count_term("Mistral AI", "法國新創Mistral AI今天發布") == 1


def test_a_keyword_in_the_headline_is_enough_without_context_words() -> None:
    verdict = assess(
        "Codestral gets a larger context window",
        "The coding model now reads whole repositories at once. " + PROSE,
        keywords=["Codestral", "Mistral AI"],
        aliases=[],
        context=[],
        exclude=[],
    )
    assert verdict.reason is None


def test_a_keyword_naming_a_model_teaches_the_model_name_alone() -> None:
    # "Airbus A350" is configured; the story calls the jet "the A350" throughout.
    story = (
        "The A350 freighter completed its first flight from Toulouse on Tuesday, the "
        "manufacturer said. The aircraft carries 111 tonnes of cargo and will enter service "
        "next year with two launch airlines, after certification tests over the winter."
    )
    keywords = ["Airbus A350", "Airbus SE"]
    aliases = ["Airbus"]
    context = ["aircraft", "airlines", "Toulouse"]
    title = "A350 freighter flies for the first time"
    verdict = assess(title, story, keywords, aliases, context, [])
    assert verdict.reason is None
    # Shared like an alias: with nothing of the topic around it, it is not enough.
    other = "The A350 bus route will run every ten minutes from Monday, the council said."
    unsupported = assess("New A350 bus timetable", other, keywords, aliases, context, [])
    assert unsupported.reason is not None


def test_an_excluded_name_of_another_thing_is_a_namesake_and_an_excluded_subject_is_not() -> None:
    game = (
        "The Jacksonville Jaguars beat Houston 24-17 on Sunday. The Jaguars' quarterback "
        "threw two touchdowns as the team moved to 8-4 in the division."
    )
    topic = {
        "keywords": ["Jaguar Land Rover"],
        "aliases": ["Jaguar"],
        "context": ["car", "electric"],
        "exclude": ["Jacksonville Jaguars", "motorsport"],
    }
    verdict = assess("Jaguars edge Texans", game, **topic)
    assert verdict.reason is Reason.HOMONYM
    assert "Jacksonville Jaguars" in verdict.detail
    race = (
        "Jaguar's electric car team won the motorsport round in Tokyo on Saturday, the "
        "carmaker's first win of the season in the series."
    )
    assert assess("Jaguar wins in Tokyo", race, **topic).reason is Reason.OFF_TOPIC


def test_a_newsroom_index_page_is_not_an_article() -> None:
    headlines = "\n".join(
        f"{title}\nMarch {day}, 2026"
        for day, title in enumerate(
            [
                "Introducing our smallest model for phones",
                "A new research preview for long documents",
                "Our agents platform is generally available",
                "Partnering with a European telecom group",
                "Opening an office in Singapore this spring",
                "What we learned from a year of open weights",
            ],
            start=3,
        )
    )
    kind = classify("Latest news", headlines)
    assert kind.kind == "an index page"
    assert classify("An agents platform, generally available", PROSE * 3).kind is None


def test_threads_job_ads_and_roundups_are_not_articles() -> None:
    thread = "\n".join(
        ["Posted by hikerjo", "Which trail is open after the storm?"]
        + [f"Reply by user{n}\nThe north loop was fine on Sunday." for n in range(3)]
    )
    assert classify("Trail question", thread).kind == "a forum or discussion thread"
    # Each post under a header line of its own: the handle, then the post's furniture.
    headed = "\n".join(
        [
            "kayak_ron77 - Posted 3 hours ago",
            "Is the weir portage open again after the floods?",
            "RiverBelle - Reply",
            "Open since Friday, but the steps are slippery.",
            "Jo_Paddles · Reply",
            "Use the left bank, the right one is still fenced.",
            "kayak_ron77 - Reply",
            "Thanks, heading out at dawn.",
        ]
    )
    assert classify("Weir portage?", headed).kind == "a forum or discussion thread"
    # Extraction may run each header into its post.
    run_in = headed.replace(" ago\n", " ago ").replace("Reply\n", "Reply ")
    assert classify("Weir portage?", run_in).kind == "a forum or discussion thread"
    # A dateline and a byline are no post headers.
    story = "\n".join(
        [
            "LONDON - Reuters",
            "The river authority reopened the weir portage on Friday after the floods.",
            "Jane Smith - Staff writer",
            "Repairs to the steps will take another month, the authority said.",
        ]
    )
    assert classify("Weir portage reopens", story).kind is None
    job = (
        "Acme Labs is hiring a data engineer.\nAbout the role: build pipelines.\n"
        "You have: SQL.\nWe offer: a salary.\nApply now. We are an equal opportunity employer."
    )
    assert classify("Data engineer", job).kind == "a job listing"
    # Section headings on lines of their own, as careers sites lay them out.
    careers = (
        "About the role\n\nYou will speed up how our models are served.\n\n"
        "What we are looking for: C++ and distributed systems.\n\n"
        "Location: Paris or London, hybrid. Apply now."
    )
    assert classify("Engineer, Inference", careers).kind == "a job listing"
    roundup = "\n".join(
        f"{label}: one line about a story elsewhere."
        for label in ("Rockets", "Mars", "Industry", "Sky tonight", "Satellites")
    )
    assert classify("This week", roundup).kind == "an index page"
    interview = "\n".join(f"Q: question {n}?\nA: a full answer to it." for n in range(6))
    assert classify("An interview", interview + "\n" + PROSE * 2).kind is None


def test_reference_pages_are_not_articles_whatever_they_name() -> None:
    thread = (
        "Original post by parcel_fan22: My order is late again, is anyone else waiting? "
        "Reply from kb_mum: Same here since Sunday. Reply from DaveT: Ask for a refund, "
        "it worked for me. Page 1 of 3. Log in to reply."
    )
    assert classify("Late again? [Thread]", thread).kind == "a forum or discussion thread"
    lyrics = (
        "Harbour Lights lyrics by Mara Quinn. Album: Tides (2025). Writers: Mara Quinn, "
        "Leo Hart.\n[Lyrics not displayed in your region.]\nRate these lyrics. "
        "More Mara Quinn lyrics: Tides, Lantern. Submit corrections. Add to playlist."
    )
    assert classify("Mara Quinn - Harbour Lights Lyrics", lyrics).kind == "a lyrics page"
    player = (
        "Jan Horvat. Position: goalkeeper. Club: Northport FC. Nationality: Croatia. "
        "Date of birth: 2 May 1996. Shirt number: 1.\nSeason: 12 appearances, 5 clean sheets."
        "\nCareer: Split (2014-18), Northport (2018-).\nHonours: League Cup (2022)."
    )
    kind = classify("Jan Horvat - Northport FC - Profile, stats, career", player).kind
    assert kind == "a personal profile page"
    job = (
        "The institute is seeking a research associate to join a team working on gene "
        "screens. Essential: a PhD in biology. Desirable: Python. Salary: £38,000. Fixed "
        "term: 3 years. Apply online."
    )
    assert classify("Research Associate (Cambridge)", job).kind == "a job listing"
    # A report on a transfer, with a line of facts, stays an article.
    report = (
        "Northport signed the goalkeeper Jan Horvat on Tuesday. Fee: undisclosed. "
        "Contract: four years. " + PROSE * 2
    )
    assert classify("Northport sign Horvat", report).kind is None


def test_a_lower_case_topic_written_as_a_proper_name_is_a_namesake() -> None:
    """A topic its pages write in lower case ("a black hole") is another thing when a
    page's prose writes it as a name ("the Black Hole roller coaster")."""
    topic = _topic(keywords=["black hole", "black holes"])
    science = (
        "Astronomers say the black hole at the centre of the galaxy is growing, and that "
        "black holes this heavy should not exist so early. The black hole was found in "
        "telescope data, and the team will look for more black holes next year. "
    )
    seeds = [
        _undecided(topic, f"Black hole study {n}", science + PROSE, n, f"https://s{n}.example/rss")
        for n in range(4)
    ]
    ride = _undecided(
        topic,
        "Black Hole roller coaster to reopen",
        "The Black Hole roller coaster will reopen next summer after a refit, the park "
        "said. Riders of Black Hole will sit in new trains, and season passes for next "
        "year go on sale next month at the park's gates and online. The owners said "
        "the refit cost £12 million and added a new queue hall, a shop and a café, and "
        "that the ride would open for the Easter holidays if its safety checks pass.",
        8,
        "https://park.example/rss",
    )
    decided = settle([*seeds, ride], topic)
    assert all(not isinstance(d, Rejection) for d in decided[:4])
    assert isinstance(decided[4], Rejection) and decided[4].reason is Reason.HOMONYM
    assert "'Black Hole' is written as a proper name" in decided[4].detail


def test_a_topic_named_as_a_figure_of_speech_is_off_topic() -> None:
    topic = _topic(keywords=["black hole"])
    council = _undecided(
        topic,
        "Council's IT system 'a black hole for money', auditors say",
        'The council\'s payroll system has become "a black hole for money", auditors '
        "said, after its costs rose from £8 million to £31 million. " + PROSE,
        1,
    )
    decided = settle([council], topic)
    assert isinstance(decided[0], Rejection) and decided[0].reason is Reason.OFF_TOPIC
    assert "figure of speech" in decided[0].detail


def test_betting_affiliates_and_foreign_free_streams_are_promotions() -> None:
    betting = (
        "Our Northport tips win most weeks. Claim your £30 free bet now with our bonus "
        "code. 18+ T&Cs apply. BeGambleAware. We may receive a commission from the "
        "bookmakers on this page. " + PROSE
    )
    assert promo_verdict("Northport tips and odds", betting) is not None
    stream = (
        "Ver la temporada 5 completa online gratis en HD, sin registro. Haz clic en "
        "reproducir para comenzar. " + PROSE
    )
    assert promo_verdict("Temporada 5 gratis", stream) is not None
    telescope = (
        "Our top pick is now 60% off. As an affiliate, we earn from qualifying purchases. " + PROSE
    )
    assert promo_verdict("Best telescope deals", telescope) is not None
    news = "The streaming service will show the final season from Friday. " + PROSE
    assert promo_verdict("Final season arrives Friday", news) is None


def test_product_posts_on_the_topics_own_feed_are_kept() -> None:
    """Of a company newsroom's posts, most name the company; a product post that never
    does reads like them and is kept, a post about something else is not."""
    topic = _topic(keywords=["Acme Labs"], context=["model", "API"])
    vocabulary = (
        "The model runs through the API with lower latency, longer context and cheaper "
        "tokens for developers, and the weights are published for self-hosting. "
    )
    named = [f"Acme Labs ships update {n}: " + vocabulary + PROSE for n in range(5)]
    pages = [_undecided(topic, f"Acme Labs update {n}", text, n) for n, text in enumerate(named)]
    product = _undecided(
        topic, "Faster tokens for everyone", "The Swift model. " + vocabulary + PROSE, 9
    )
    garden = (
        "The garden behind the office reopens on Monday with new benches, a pond and "
        "two rows of fruit trees planted by volunteers over the winter months. "
    )
    other = _undecided(topic, "Office garden reopens", garden * 3, 10)
    decided = settle([*pages, product, other], topic)
    assert all(not hasattr(d, "reason") for d in decided[:6]), decided[5]
    assert getattr(decided[6], "reason", None) is Reason.OFF_TOPIC


def test_the_feed_time_wins_unless_the_page_date_is_two_days_away() -> None:
    evening = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    page_day = datetime(2026, 3, 4, tzinfo=UTC)  # a date without a time of day
    candidate = Candidate("https://n.example/a", "A", "", evening, "https://n.example/feed")
    page = Page("A", PROSE, page_day, None, "en")
    assert publication_time(candidate, page, NOW) == evening
    next_morning = Page("A", PROSE, datetime(2026, 3, 5, tzinfo=UTC), None, "en")
    assert publication_time(candidate, next_morning, NOW) == evening
    old = Page("A", PROSE, datetime(2026, 2, 20, tzinfo=UTC), None, "en")
    assert publication_time(candidate, old, NOW) == old.published


def _dated_page(published_time: str) -> bytes:
    return (
        "<!doctype html><html lang='en'><head><title>Old match report</title>"
        f'<meta property="article:published_time" content="{published_time}"></head>'
        f"<body><article><h1>Old match report</h1><p>{PROSE * 3}</p></article></body></html>"
    ).encode()


def test_a_page_date_keeps_its_time_and_zone_and_outranks_the_url_date() -> None:
    # A story re-pushed at a new URL dated today still carries its old date in its markup.
    url = "https://news.example/2026/03/04/old-match-report"
    page = extract_page(_dated_page("2026-02-16T21:30:00-05:00"), url)
    assert page.published == datetime(2026, 2, 17, 2, 30, tzinfo=UTC)
    candidate = Candidate(url, "Old", "", datetime(2026, 3, 4, 8, tzinfo=UTC), "https://f.example")
    assert publication_time(candidate, page, NOW) == page.published
    undated = extract_page(_dated_page("").replace(b"article:published_time", b"x"), url)
    assert undated.published == datetime(2026, 3, 4, tzinfo=UTC)


@pytest.mark.parametrize("machine_zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_a_page_published_today_keeps_its_time_whatever_the_machines_zone(
    machine_zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An hour ago in UTC is already "tomorrow" for a clock far ahead of UTC and still
    # "yesterday" evening for one west of it: neither may change what the page says.
    import time

    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        an_hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        url = f"https://news.example/{an_hour_ago:%Y/%m/%d}/match-report"
        page = extract_page(_dated_page(an_hour_ago.isoformat()), url)
        from_url = extract_page(_dated_page("").replace(b"article:published_time", b"x"), url)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert page.published == an_hour_ago
    assert from_url.published == an_hour_ago.replace(hour=0, minute=0, second=0)


def test_a_page_dated_after_it_was_read_is_not_believed() -> None:
    fetched = datetime(2026, 3, 5, 12, tzinfo=UTC)
    candidate = Candidate("https://n.example/a", "A", "", None, "https://n.example/feed")
    next_year = Page("A", PROSE, datetime(2027, 3, 5, tzinfo=UTC), None, "en")
    assert publication_time(candidate, next_year, fetched) == fetched
    # A day written in a zone ahead of UTC, without its time, is still that page's day.
    tomorrow = Page("A", PROSE, datetime(2026, 3, 6, tzinfo=UTC), None, "en")
    assert publication_time(candidate, tomorrow, fetched) == tomorrow.published


def test_the_same_url_from_two_feeds_is_one_candidate() -> None:
    a = Candidate("https://n.example/a", "A", "", None, "https://one.example/feed")
    b = Candidate("https://n.example/a", "A", "", None, "https://two.example/feed")
    assert one_per_url([a, b]) == [a]


def test_a_feed_entry_links_to_its_article_never_its_licence_or_enclosure() -> None:
    feed = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
    <entry><title>Story</title><id>1</id><updated>2026-03-04T10:00:00Z</updated>
      <link rel="license" href="https://creativecommons.example/by/4.0/"/>
      <link rel="enclosure" type="audio/mpeg" href="https://cdn.example/a.mp3"/>
      <link rel="alternate" type="text/html" href="https://n.example/story"/></entry>
    <entry><title>Only a licence</title><id>2</id><updated>2026-03-04T10:00:00Z</updated>
      <link rel="license" href="https://creativecommons.example/by/4.0/"/></entry>
    </feed>"""
    found = parse_feed(feed, "https://n.example/feed.atom", "application/atom+xml")
    linked = [c for c in found if not isinstance(c, Unlinked)]
    assert [c.url for c in linked] == ["https://n.example/story"]
    (unlinked,) = [c for c in found if isinstance(c, Unlinked)]
    assert unlinked.title == "Only a licence" and "license" in unlinked.why


def test_an_entry_with_no_article_link_is_reported_not_fetched_and_the_summary_adds_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A podcast-style entry (only an audio enclosure) and one with no link at all are named
    in the collect summary with the reason; nothing is requested for them."""
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>Episode 12</title><pubDate>{format_datetime(NOW - timedelta(hours=2))}</pubDate>
      <enclosure url="https://cdn.example/ep12.mp3" type="audio/mpeg" length="1"/></item>
    <item><title>A note with no link</title>
      <pubDate>{format_datetime(NOW - timedelta(hours=3))}</pubDate></item>
    </channel></rss>""".encode()
    (tmp_path / "feed.xml").write_bytes(feed)
    recording = {
        "responses": [
            {
                "url": "https://n.example/feed.xml",
                "headers": {"content-type": "application/rss+xml"},
                "body": "feed.xml",
            }
        ]
    }
    (tmp_path / "responses.json").write_text(json.dumps(recording), encoding="utf-8")
    topic = TopicConfig(
        slug="t",
        name="T",
        keywords=["T"],
        sources=[SourceConfig(kind="rss", url="https://n.example/feed.xml")],
    )
    db = open_database(tmp_path / "d.db")

    async def run() -> CollectReport:
        async with Fetcher(FetchConfig(replay_dir=str(tmp_path))) as fetcher:
            return await collect(db, topic, NOW.date(), fetcher)

    report = asyncio.run(run())
    assert report.page_fetches == 0 and not report.failed_sources
    assert report.candidates == 0 and report.kept == 0 and not report.rejected
    (episode, note) = report.unlinked
    assert episode[1] == "Episode 12" and "enclosure audio/mpeg" in episode[2]
    assert note[1:] == ("A note with no link", "it has no http(s) link")


def test_one_huge_feed_is_capped_to_its_newest_entries() -> None:
    entries = [
        Candidate(f"https://n.example/{n}", "", "", NOW - timedelta(hours=n), "f")
        for n in range(500)
    ]
    taken = newest_entries(list(reversed(entries)), 200)
    assert len(taken) == 200 and taken[0].url == "https://n.example/0"


NOW = datetime(2026, 3, 5, 12, tzinfo=UTC)


def test_a_page_naming_the_topic_only_by_its_products_and_people_is_kept() -> None:
    """Pages from the stream that name the company teach its product's and founder's
    names; a launch post that names only those, from a site of its own, is kept."""
    topic = _topic(keywords=["Acme Labs"])
    news = (
        "now reviews code across whole repositories and runs the tests",
        "cut the price developers pay per call through the API",
        "proposes fixes for failing tests and explains the code it changes",
        "reads longer files and more languages, developers at the conference heard",
        "will publish the model's weights so teams can host the assistant themselves",
    )
    seeds = [
        f"Acme Labs said its coding assistant Quillon {item}, chief executive Marta Velde "
        "said on Tuesday. The developers who tried it said the assistant saved time on "
        "reviews, and the company plans more updates to the API this year. "
        f"Analysts said {rival} would have to answer, and that prices across the market "
        "for such tools had fallen by half since the spring."
        for item, rival in zip(news, ("Orbit", "Kestrel", "Larch", "Minim", "Pondly"), strict=True)
    ]
    pages = [
        _undecided(topic, f"Acme Labs update {n}", text, n, f"https://site{n}.example/rss")
        for n, text in enumerate(seeds)
    ]
    launch = _undecided(
        topic,
        "Introducing Quillon 3",
        "Today we release Quillon 3, our coding assistant's biggest update, said chief "
        "executive Marta Velde. It reviews code in larger repositories, runs more of the "
        "tests itself and proposes fixes; developers pay a lower price per call through "
        "the API, and the weights follow this year so teams can host the assistant. "
        "Developers who tried it said reviews took half the time.",
        9,
        "https://blog.example/rss",
    )
    garden = (
        "The garden behind the office reopens on Monday with new benches, a pond and "
        "two rows of fruit trees planted by volunteers over the winter months. "
    )
    namesake = _undecided(
        topic, "Quillon 3 garden bench", f"Marta Velde sells the Quillon bench. {garden * 3}",
        10, "https://garden.example/rss",
    )  # fmt: skip
    decided = settle([*pages, launch, namesake], topic)
    assert not isinstance(decided[5], Rejection), decided[5]
    assert isinstance(decided[6], Rejection) and decided[6].reason is Reason.OFF_TOPIC


def _topic(keywords: list[str], context: list[str] | None = None) -> TopicConfig:
    return TopicConfig(slug="t", name="T", keywords=keywords, context=context or [])


def _candidate(number: int = 0, source: str = "https://acme.example/news.rss") -> Candidate:
    return Candidate(f"https://acme.example/news/{number}", "", "", NOW, source)


def _undecided(
    topic: TopicConfig,
    title: str,
    text: str,
    number: int,
    source: str = "https://acme.example/news.rss",
) -> Undecided:
    page = Page(title, f"{title}\n{text}", None, None, "en")
    result = screen_page(_candidate(number, source), page, topic, NOW, NOW - timedelta(days=7))
    assert isinstance(result, Undecided), result
    return result


def _acme_newsroom(topic: TopicConfig) -> list[Undecided]:
    """Ten pages that carry the keyword where a reader looks: what the topic reads like."""
    name = topic.keywords[0]
    vocabulary = (
        "The model runs through the API with lower latency, longer context and cheaper "
        "tokens for developers, and the weights are published for self-hosting. "
    )
    return [
        _undecided(topic, f"{name} release {n}", f"{name} ships {n}. " + vocabulary + PROSE, n)
        for n in range(10)
    ]


def test_a_page_naming_only_the_short_name_of_a_keyword_is_judged_without_that_name() -> None:
    """ "Acme" is the shared part of "Acme AI": a drill maker's page repeats it as often as
    the topic's pages do, so the name itself must not make the page read like them."""
    topic = _topic(keywords=["Acme AI"])
    drills = (
        "Acme said the cordless drills use a brushless motor and a two-speed gearbox, and "
        "Acme dealers will stock the range in hardware stores. Acme has made power tools "
        "for forty years. "
    )
    namesake = _undecided(topic, "Acme wins order for 300 drills", drills * 2, 20)
    decided = settle([*_acme_newsroom(topic), namesake], topic)
    assert getattr(decided[-1], "reason", None) is Reason.HOMONYM, decided[-1]


def test_with_no_context_words_a_keyword_in_the_lead_is_not_overruled_by_the_profile() -> None:
    """A story on a new side of the topic (a space agency using its model) reads unlike
    the topic's other pages; with no context words to say otherwise, the keyword stands."""
    topic = _topic(keywords=["Acme Labs"])
    space = (
        "The space agency will use a model from Acme Labs to plan the daily operations of "
        "a small lunar rover, drafting activity plans before human controllers approve "
        "them. The rover is scheduled to fly on a commercial lander later this decade. "
    )
    story = _undecided(topic, "Agency takes an Acme model to the moon", space * 2, 20)
    decided = settle([*_acme_newsroom(topic), story], topic)
    assert not hasattr(decided[-1], "reason"), decided[-1]


def test_a_full_name_in_the_body_says_which_sense_the_short_one_in_the_title_is() -> None:
    """A German page reads unlike the English pages the profile was taught by; its title
    and lead use the short name, and its body the full one."""
    topic = _topic(keywords=["Acme AI"])
    german = (
        "Acme hat am Mittwoch in Berlin ein neues Sprachmodell vorgestellt. Das Modell "
        "soll Behörden und Banken bei der Prüfung von Verträgen helfen.\n"
        "Die ersten Kunden sollen das Modell noch in diesem Quartal testen können. Für "
        "Schulen und Gemeinden gibt es eine kleinere Fassung, die auf eigenen Rechnern "
        "läuft. Die Nachfrage aus der Verwaltung sei groß, hieß es bei der Vorstellung.\n"
        "Der Vertrieb in Deutschland beginnt im Frühjahr, zunächst über zwei Partner aus "
        "München und Hamburg. Später sollen weitere Städte folgen.\n"
        "Ein Sprecher von Acme AI in Berlin sagte, die Preise würden im Frühjahr bekannt "
        "gegeben."
    )
    story = _undecided(topic, "Acme zeigt neues Sprachmodell in Berlin", german, 20)
    decided = settle([*_acme_newsroom(topic), story], topic)
    assert not hasattr(decided[-1], "reason"), decided[-1]


def test_a_site_named_by_the_topic_s_short_name_files_its_posts_under_the_topic() -> None:
    """A company's own site is named by its short name (acme.example for "Acme AI",
    shell.com, python.org): what the judge then asks of a post there that never names
    the topic is that it reads like the topic's pages and has its context words."""
    terms = topic_terms(_topic(keywords=["Acme AI"]))
    url = "https://www.acme.example/blog/introducing-a-faster-model"
    assert filed_under(url, terms.names, terms.every_name)
    assert filed_under("https://acme-ai.example/news/1", terms.names, terms.every_name)
    assert not filed_under("https://www.techwire.example/acme-news", terms.names, terms.every_name)


def test_a_body_line_listing_phrases_that_each_carry_the_name_is_stuffing() -> None:
    text = "Rovers meet City on Saturday. " + PROSE * 2
    keywords = "Rovers tickets today, Rovers team news, Rovers live score, Rovers free tips."
    assert assess_spam("Rovers v City", text + "\n" + keywords, ["Rovers"]).is_spam
    prose = "Rovers won, and Rovers fans sang, but Rovers still trail City by a point."
    assert not assess_spam("Rovers v City", text + "\n" + prose, ["Rovers"]).is_spam


def test_a_job_ad_with_a_pay_section_and_an_equal_opportunities_line_is_not_an_article() -> None:
    job = (
        "Northgate Museum is recruiting weekend guides.\nRequirements: a friendly manner.\n"
        "Pay: £14 per hour.\nNorthgate Museum is an equal opportunities employer."
    )
    assert classify("Weekend guides", job).kind == "a job listing"


def test_a_headline_naming_a_product_the_topics_pages_name_is_about_the_topic() -> None:
    """A developer's test of the company's product names the company once, low down; its
    headline names the product, which the topic's own pages name too."""
    topic = _topic(keywords=["Acme AI"])
    sides = (
        "The model runs through the API with lower latency for developers.",
        "Longer context and cheaper tokens come to the API next month.",
        "The weights are published for self-hosting on a single card.",
        "Developers can fine-tune the model through the API in the console.",
        "Enterprise customers get the model inside their own cloud account.",
        "The assistant app adds voice mode and longer context for subscribers.",
        "The coding model fixes failing tests and writes patches for developers.",
        "A smaller model runs on laptops, with open weights under a permissive licence.",
    )
    seeds = [
        _undecided(topic, f"Acme AI news {n}", "Acme AI said on Monday: " + _some(sides, n), n)
        for n in range(len(sides))
    ]
    seeds += [
        _undecided(
            topic,
            f"Acme AI ships update {n}",
            "Acme AI released Rocketcoder for developers. " + _some(sides, 5 + n),
            30 + n,
        )
        for n in range(2)
    ]
    review = (
        "We pointed {it} at our repository and let it fix the failing tests overnight. "
        + _some(sides, 2)
        + "\n{it} is made by Acme AI."
    )
    named = review.format(it="Rocketcoder")
    test = _undecided(topic, "We ran Rocketcoder against our tests", named, 40)
    assert not hasattr(settle([*seeds, test], topic)[-1], "reason")


def _some(sentences: tuple[str, ...], start: int) -> str:
    """Five of ``sentences`` from ``start`` on: pages that overlap but differ."""
    return " ".join(sentences[(start + k) % len(sentences)] for k in range(5))


_TOWN = (
    "The garden behind the library reopens on Monday with new benches and a pond.",
    "The council approved a budget for road repairs and two new bus shelters.",
    "The bakery on the square won a regional prize for its rye bread this spring.",
)


def test_the_shared_name_written_as_part_of_another_full_name_is_a_namesake() -> None:
    """ "Acme" of "Acme AI", written most times as "Acme Rovers", a name the topic's pages
    never use: another Acme's page, even with words the topic's pages share."""
    topic = _topic(keywords=["Acme AI"])
    other = _undecided(
        topic,
        "Acme Rovers appoint a new coach",
        "Acme Rovers said on Monday that the model of their youth academy will stay, and "
        "the new coach starts this week. Acme Rovers finished eleventh last season, and "
        "Acme hope to return to the top flight. " + PROSE,
        60,
    )
    decided = settle([*_acme_newsroom(topic), other], topic)
    assert getattr(decided[-1], "reason", None) is Reason.HOMONYM, decided[-1]
    assert "Acme Rovers" in decided[-1].detail  # type: ignore[union-attr]


# Judgement for any topic: pages written here, for a made-up person and a made-up company.

_PERSON_VOCABULARY = (
    "The chief executive of Globex told analysts the company would raise its dividend, "
    "and Globex shares rose after the quarterly results beat forecasts. "
)


def _person_pages(topic: TopicConfig, vocabulary: str = _PERSON_VOCABULARY) -> list[Undecided]:
    """Nine pages about the topic's person: most of them name the company she runs."""
    return [
        _undecided(
            topic,
            f"Jane Roe outlines plan {n}",
            f"Jane Roe spoke on Monday about plan {n}. " + vocabulary + PROSE,
            n,
        )
        for n in range(9)
    ]


def test_a_namesake_of_a_person_topic_configured_with_keywords_only_is_rejected() -> None:
    """No context words configured: what the person's pages share (her company) is learned,
    and a page about someone else of that name has none of it."""
    topic = _topic(keywords=["Jane Roe"])
    namesake = _undecided(
        topic,
        "Jane Roe wins the county marathon at 61",
        "Jane Roe crossed the line in three hours and ten minutes on Sunday, ahead of "
        "four hundred runners, after training on the hills above her village all winter. "
        "She said the weather had been kind, and that her grandchildren had waited at the "
        "finish with a flask of tea and a banner they painted the night before the race.",
        50,
    )
    decided = settle([*_person_pages(topic), namesake], topic)
    assert all(getattr(d, "reason", None) is None for d in decided[:-1])
    assert getattr(decided[-1], "reason", None) is Reason.HOMONYM, decided[-1]
    assert "none of the words most of the topic's pages share" in decided[-1].detail  # type: ignore[union-attr]


def test_the_person_topics_own_interview_is_kept_beside_the_learned_companions() -> None:
    topic = _topic(keywords=["Jane Roe"])
    interview = _undecided(
        topic,
        "Jane Roe on patience and growing up by the sea",
        "Jane Roe, who has run Globex for a decade, talks about her childhood, her first job "
        "and the books she reads. " + PROSE,
        51,
    )
    decided = settle([*_person_pages(topic), interview], topic)
    assert getattr(decided[-1], "reason", None) is None, decided[-1]


def test_a_name_used_as_a_figure_of_speech_is_off_topic() -> None:
    verdict = assess(
        "Meet the Globex of garden sheds",
        "Franchisees call her the Globex of garden sheds, half in jest. " + PROSE * 2,
        ["Globex"],
        [],
        [],
        [],
    )
    assert verdict.reason is Reason.OFF_TOPIC and "figure of speech" in verdict.detail


def test_the_name_followed_by_a_year_is_the_subject_not_a_figure() -> None:
    verdict = assess(
        "Globex results",
        "The Globex of 2026 is a leaner company. Globex cut costs again and Globex shares rose. "
        + PROSE,
        ["Globex"],
        [],
        [],
        [],
    )
    assert verdict.reason is None, verdict


def test_a_shared_name_written_as_a_name_of_its_own_is_kept_when_nothing_is_learned_yet() -> None:
    """A company called by its short name in every headline (its keyword, "Globex plc",
    in none): no profile to compare with, and the name is the subject of title and lead."""
    topic = TopicConfig(slug="t", name="T", keywords=["Globex plc"], aliases=["Globex"])
    brief = _undecided(
        topic,
        "Globex takes a further charge on its offshore blocks",
        "Globex will book another write-down on its exploration blocks, the company said. "
        "Globex said it would keep its licences. Partners were told last month, and Globex "
        "expects a decision within weeks. " + PROSE,
        1,
    )
    decided = settle([brief], topic)
    assert getattr(decided[0], "reason", None) is None, decided[0]


def test_a_shared_name_inside_a_longer_name_is_not_the_topics() -> None:
    topic = TopicConfig(slug="t", name="T", keywords=["Globex plc"], aliases=["Globex"])
    film = _undecided(
        topic,
        "Return of the Globex: a new trailer for the animated series",
        "The studio released a trailer for Return of the Globex, its adaptation of the comic. "
        "Fans of the Globex books will recognise the city. " + PROSE,
        2,
    )
    decided = settle([film], topic)
    assert getattr(decided[0], "reason", None) is Reason.HOMONYM, decided[0]


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Congratulations! You have been selected for a free gift card",
            "You have been randomly selected to receive a gift card. Only 9 cards left today. "
            "Pay a small shipping fee of $1.95 to claim your card. Offer expires in 04:59.",
        ),
        (
            "This morning drink melts fat (doctors shocked)",
            "Big companies don't want you to know about this drink. Order before stocks run "
            'out!\n"I lost 9 kg in a month!" – Maria, 47',
        ),
        (
            "Show season 3 download free 1080p",
            "Direct download links for every episode. To unlock the links, complete a quick "
            "human verification. Watch the show online free in HD.",
        ),
    ],
)
def test_phishing_advertorial_and_pirate_pages_are_spam(title: str, text: str) -> None:
    assert assess_spam(title, text + "\n" + PROSE * 3, ["Globex"]).is_spam


def test_a_news_report_on_a_scam_is_not_spam() -> None:
    text = (
        "Police said a fake giveaway told victims they had won a phone and asked for a "
        "delivery payment; officers cracked down on the gang on Tuesday. " + PROSE * 2
    )
    assert not assess_spam("Police break up phone giveaway scam", text, ["Globex"]).is_spam


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        (
            "Globex: news and latest updates",
            "Globex\nGlobex cuts jobs at two plants – 4 hours ago Globex names new chair – "
            "yesterday Globex shares slip after results – 3 days ago Analysts split on "
            "Globex – last week\nRelated: Markets | Energy",
            "an index page",
        ),
        (
            "Anyone selling tickets for Saturday?",
            "RiverFan_77: Need two tickets for Saturday, any stand.\nOldTownBoy: Sold out "
            "in minutes, mate.\nRiverFan_77: Is the resale site any good?\nBlueAndWhite9: "
            "Check it every morning, got mine that way.",
            "a forum or discussion thread",
        ),
        (
            "Sam Lee – Senior energy correspondent",
            "Sam Lee covers Globex and the oil majors from London. She previously reported "
            "on mining in Perth and holds a degree in economics.\nContact Sam securely on "
            "request.\nRecent articles by Sam Lee: Globex cuts jobs; Oil slips",
            "a personal profile page",
        ),
        (
            "Morning brief: chips, Globex and passwords",
            "Morning brief\nGood morning. Here is what you need to know today.\n1. A chip "
            "maker unveiled a new part.\n2. Globex met a minister.\n3. Passkeys become the "
            "default.\n4. A regulator opened an inquiry.\nQuote of the day: none. See you "
            "tomorrow.",
            "a newsletter issue",
        ),
        (
            "Postdoctoral researcher in detector physics",
            "The department invites applications for a postdoctoral researcher. The "
            "successful candidate will build detectors.\nRequirements: a PhD in physics.\n"
            "Start date: autumn. Applications should be submitted by 15 February.",
            "a job listing",
        ),
    ],
)
def test_pages_that_are_not_articles_are_recognised(title: str, text: str, kind: str) -> None:
    assert classify(title, text).kind == kind


def test_an_article_with_a_quote_and_a_date_is_an_article() -> None:
    text = (
        "Globex cut 400 jobs at two plants on Tuesday, the company said. The cuts follow "
        'a year of falling demand. "We have no choice," the plant manager said.\n' + PROSE * 3
    )
    assert classify("Globex cuts 400 jobs", text).kind is None


# A person the news calls by the surname: the run learns it, and judges pages using it alone.

_SURNAME_PROSE = (
    "Roe said the company would open two plants next year. Analysts expect Globex to "
    "raise its dividend, and Roe's plan for the plants was welcomed by investors. "
)


def _surname_pages(topic: TopicConfig) -> list[Undecided]:
    return _person_pages(topic, _SURNAME_PROSE)


def test_a_headline_calling_the_person_by_surname_alone_is_about_her() -> None:
    topic = _topic(keywords=["Jane Roe"])
    story = _undecided(
        topic,
        "Roe says Globex will build its third plant in Ohio",
        "Globex's chief executive told investors the plant would open next year. "
        + _SURNAME_PROSE
        + PROSE,
        60,
    )
    decided = settle([*_surname_pages(topic), story], topic)
    assert getattr(decided[-1], "reason", None) is None, decided[-1]


def test_a_namesake_sharing_only_the_surname_is_a_homonym_not_off_topic() -> None:
    topic = _topic(keywords=["Jane Roe"])
    county = _undecided(
        topic,
        "Floods close the mill road at Roe",
        "The river rose overnight at Roe, and the road to the old mill will stay shut "
        "until the water falls. Farmers near Roe moved their sheep to higher fields. " + PROSE,
        61,
    )
    decided = settle([*_surname_pages(topic), county], topic)
    assert getattr(decided[-1], "reason", None) is Reason.HOMONYM, decided[-1]
    assert "'Roe' here is a namesake" in decided[-1].detail  # type: ignore[union-attr]


def test_a_last_word_is_a_short_name_only_if_the_pages_call_the_topic_by_it() -> None:
    club = [
        "Inter Milan beat Roma. Inter scored twice in Milan, and Inter lead the league.",
        *(["Inter Milan won again. Inter are top, and fans in Milan celebrated."] * 3),
    ]
    assert short_names(club, ["Inter Milan"]) == ()  # called by its first word
    stadium = ["Emirates Stadium Hosts The Final\nThe match at the Emirates Stadium was sold out."]
    assert short_names(stadium * 4, ["Emirates Stadium"]) == ()  # only in a headline
    person = ["Jane Roe spoke. " + _SURNAME_PROSE] * 4
    assert short_names(person, ["Jane Roe"]) == ("Roe",)


def test_an_initialism_heading_a_compound_is_still_the_name() -> None:
    """ "NASA-led" names NASA; "Mistral-class" names a ship class, not Mistral."""
    verdict = assess(
        "Court rules on who invented GENEX-Cas editing",
        "The appeals court sent the GENEX-Cas patent dispute back to the board, which must "
        "weigh again who first showed that GENEX-Cas editing works in human cells. " + PROSE,
        keywords=["GENEX"],
        aliases=[],
        context=[],
        exclude=[],
    )
    assert verdict.reason is None, verdict
    assert count_term("GENEX", "a GENEX-led trial") == 1
    assert count_term("Mistral", "a Mistral-class frigate") == 0


def test_a_page_naming_the_topic_beside_an_excluded_term_and_no_context_is_a_namesake() -> None:
    topic = {
        "keywords": ["Cobalt Motors"],
        "aliases": ["Cobalt"],
        "context": ["car", "electric", "battery"],
        "exclude": ["mining"],
    }
    ore = (
        "Cobalt prices fell again this week as mining output in the region rose. Traders "
        "said the ore was piling up at ports and that smelters had slowed their buying."
    )
    verdict = assess("Cobalt slides", ore, **topic)
    assert verdict.reason is Reason.HOMONYM
    assert "mining" in verdict.detail
    # The topic's own sense beside the excluded term: a part of it the user does not want.
    supplier = (
        "Cobalt Motors signed a mining deal to secure metal for its electric car battery "
        "plant, the carmaker said on Tuesday, without giving the price."
    )
    assert assess("Cobalt Motors signs deal", supplier, **topic).reason is Reason.OFF_TOPIC
    # An excluded term that is another thing carrying the name, written as one word.
    assert (
        assess(
            "CobaltOS 2 is out",
            "CobaltOS ships a new kernel and installer.",
            **{**topic, "exclude": ["CobaltOS"]},
        ).reason
        is Reason.HOMONYM
    )


def test_one_page_reached_by_two_urls_teaches_the_profile_once() -> None:
    """Two pages of the topic and a tracking URL of one of them are two pages, not three:
    too few to call a page that names the topic in its headline a namesake."""
    topic = TopicConfig(slug="t", name="T", keywords=["Acme Labs"], aliases=["Acme"])
    model = (
        "Acme Labs released a model that runs through the API with lower latency and "
        "longer context for developers, and published the weights for self-hosting. "
    )
    first = _undecided(topic, "Acme Labs ships a model", model + PROSE, 1)
    second = _undecided(topic, "Acme Labs opens an office", "Acme Labs hires. " + PROSE * 2, 2)
    again = replace(first, candidate=_candidate(3), url=_candidate(3).url + "?utm_source=rss")
    charge = (
        "Acme takes a further charge on its offshore blocks after the drilling results "
        "disappointed, the second write-down in a year, and the blocks may be sold. "
    )
    story = _undecided(topic, "Acme takes further charge on offshore blocks", charge * 4, 4)
    decided = settle([first, second, again, story], topic)
    assert not hasattr(decided[-1], "reason"), decided[-1]
