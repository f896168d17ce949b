"""Issue 11's real-page cases, written from their description with our own text."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.collect import CollectReport, collect
from bot.config import FetchConfig, SourceConfig, TopicConfig
from bot.fetch import Fetcher
from bot.filters.pagetype import classify
from bot.filters.relevance import assess
from bot.filters.spam import assess_spam, thin_page
from bot.filters.text import count_term, word_count
from bot.models import Candidate, Page, Reason
from bot.screen import Undecided, one_per_url, publication_time, screen_page, settle
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
    listing = "Arsenal news | Arsenal transfers | Arsenal tickets | Arsenal live | Arsenal"
    assert assess_spam(listing, text, ["Arsenal"]).is_spam


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
    job = (
        "Acme Labs is hiring a data engineer.\nAbout the role: build pipelines.\n"
        "You have: SQL.\nWe offer: a salary.\nApply now. We are an equal opportunity employer."
    )
    assert classify("Data engineer", job).kind == "a job listing"
    roundup = "\n".join(
        f"{label}: one line about a story elsewhere."
        for label in ("Rockets", "Mars", "Industry", "Sky tonight", "Satellites")
    )
    assert classify("This week", roundup).kind == "an index page"
    interview = "\n".join(f"Q: question {n}?\nA: a full answer to it." for n in range(6))
    assert classify("An interview", interview + "\n" + PROSE * 2).kind is None


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


def _topic(keywords: list[str], context: list[str] | None = None) -> TopicConfig:
    return TopicConfig(slug="t", name="T", keywords=keywords, context=context or [])


def _candidate(number: int = 0, source: str = "https://acme.example/news.rss") -> Candidate:
    return Candidate(f"https://acme.example/news/{number}", "", "", NOW, source)


def _undecided(topic: TopicConfig, title: str, text: str, number: int) -> Undecided:
    page = Page(title, f"{title}\n{text}", None, None, "en")
    result = screen_page(_candidate(number), page, topic, NOW, NOW - timedelta(days=7))
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
