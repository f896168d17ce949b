"""Filter rules on hand-written pages that are not in the sample corpus."""

from __future__ import annotations

from bot.filters.dedup import cluster_texts, content_hash
from bot.filters.language import guess_language
from bot.filters.pagetype import classify
from bot.filters.relevance import assess
from bot.filters.spam import assess_spam, thin_page
from bot.filters.text import count_term
from bot.filters.urls import canonical_url
from bot.models import Reason

KEYWORDS = ["Mistral AI", "Mixtral", "Le Chat", "Codestral"]
ALIASES = ["Mistral"]
CONTEXT = ["AI", "model", "models", "LLM", "open-weight", "startup", "inference", "API"]

FILLER = (
    "Analysts said the announcement was expected after months of speculation. "
    "Customers will see the change over the coming weeks, according to the company. "
)


def _assess(title: str, text: str, exclude: list[str] | None = None):  # type: ignore[no-untyped-def]
    return assess(title, text, KEYWORDS, ALIASES, CONTEXT, exclude or [])


def test_tracking_parameters_and_form_do_not_change_the_canonical_url() -> None:
    clean = canonical_url("https://news.example/a/story")
    assert canonical_url("https://www.News.example/a/story/?utm_source=rss&utm_medium=x") == clean
    assert canonical_url("https://news.example/a/story#comments") == clean
    assert canonical_url("https://news.example:443/a/story?fbclid=abc&gclid=1") == clean
    # Parameters that select content are kept, in a stable order.
    assert canonical_url("https://n.example/p?id=2&page=1") == canonical_url(
        "https://n.example/p?page=1&id=2"
    )
    assert canonical_url("https://n.example/p?id=2") != canonical_url("https://n.example/p?id=3")


def test_proper_noun_terms_do_not_match_common_words() -> None:
    assert count_term("Le Chat", "Mistral updated Le Chat today") == 1
    assert count_term("Le Chat", "LE CHAT GETS MEMORY") == 1
    assert count_term("Le Chat", "Le chat dort sur le canapé.") == 0
    assert count_term("Mistral", "the Mistralis Corp") == 0


def test_article_about_the_topic_is_kept() -> None:
    verdict = _assess(
        "Mistral AI ships a faster Codestral",
        "Mistral AI released a new Codestral model for code completion on Tuesday. " + FILLER,
    )
    assert verdict.reason is None


def test_wind_story_is_a_homonym() -> None:
    verdict = _assess(
        "Mistral gusts to 100 km/h expected in the Rhône valley",
        "Forecasters warned that the mistral wind will blow through the weekend, with gusts "
        "reaching 100 km/h and a sharp chill. The weather service issued a wildfire alert. "
        + FILLER,
    )
    assert verdict.reason is Reason.HOMONYM
    # The reason says what decided: nothing of the topic around the name, and what the
    # page is about instead, in its own words.
    assert "namesake" in verdict.detail and "none of its context words" in verdict.detail
    assert "gusts" in verdict.detail


def test_warship_story_is_a_homonym() -> None:
    verdict = _assess(
        "French Mistral leaves Toulon for the Indian Ocean",
        "The amphibious assault ship Mistral sailed with 450 sailors and helicopters on "
        "deck, the navy said; the vessel will lead a fleet exercise. " + FILLER,
    )
    assert verdict.reason is Reason.HOMONYM


def test_page_not_mentioning_the_topic_is_off_topic() -> None:
    verdict = _assess("Chipmaker results beat forecasts", "Revenue rose 20%. " + FILLER)
    assert verdict.reason is Reason.OFF_TOPIC


def test_passing_mention_is_off_topic() -> None:
    text = "\n".join(
        [
            "A rival lab launched its new assistant with a larger context window. " * 3,
            FILLER,
            FILLER,
            "Other players include Mistral AI and several startups.",
        ]
    )
    verdict = _assess("Rival lab launches assistant", text)
    assert verdict.reason is Reason.OFF_TOPIC
    assert "in passing" in verdict.detail


def test_excluded_term_in_title_is_off_topic() -> None:
    verdict = _assess(
        "Mistral AI hiring: 40 open roles",
        "Mistral AI is hiring engineers. " + FILLER,
        exclude=["hiring"],
    )
    assert verdict.reason is Reason.OFF_TOPIC
    assert "hiring" in verdict.detail


def test_keyword_stuffing_is_spam() -> None:
    text = " ".join(["Mistral AI free best Mistral AI download Mistral AI 2026 review"] * 12)
    verdict = assess_spam("Mistral AI Mistral AI Mistral AI best", text, KEYWORDS)
    assert verdict.is_spam
    assert "stuffing" in verdict.detail


def test_promotional_page_is_spam() -> None:
    text = (
        "Get the Mistral AI token before the presale ends and ride it to the moon. "
        "Buy now, limited time offer, use code MOON20 for a bonus. " + FILLER * 3
    )
    verdict = assess_spam("Mistral AI token presale", text, KEYWORDS)
    assert verdict.is_spam
    assert "promotional" in verdict.detail


def test_thin_bait_is_spam_a_thin_extraction_is_not_and_a_real_article_is_not() -> None:
    assert assess_spam("Mistral AI", "Mistral AI news. Click here.", KEYWORDS).is_spam
    notice = thin_page("Mistral AI opens an office", "Please enable JavaScript to continue.")
    assert notice is not None and not notice.is_spam and "only 5 words" in notice.detail
    article = "Mistral AI opened an office in Singapore, its first in Asia. " + FILLER * 4
    assert not assess_spam("Mistral AI opens Singapore office", article, KEYWORDS).is_spam


def test_syndicated_copies_cluster_and_distinct_stories_do_not() -> None:
    original = (
        "Mistral AI on Thursday released Mistral Medium 4, a model it says matches larger "
        "rivals at a fraction of the cost. The company said the model is available on La "
        "Plateforme today and will reach cloud partners next week. Pricing starts at 0.4 "
        "dollars per million input tokens. " + FILLER
    )
    copy = "Syndicated from Example Wire. " + original.replace("Thursday", "Nov. 20")
    other = (
        "Mistral AI signed a partnership with a European telecom operator to offer Le Chat "
        "to its 30 million customers, the two companies said on Wednesday. " + FILLER
    )
    clusters = cluster_texts([original, other, copy])
    groups = sorted(sorted(c.members) for c in clusters)
    assert groups == [[0, 2], [1]]
    lead_cluster = next(c for c in clusters if 2 in c.members)
    assert lead_cluster.lead == 0


def test_content_hash_ignores_whitespace_and_case() -> None:
    assert content_hash("Hello  World\n") == content_hash("hello world")


def test_language_guess() -> None:
    assert (
        guess_language(
            "La société a annoncé que les modèles sont disponibles dans "
            "le monde et pour les clients de la région."
        )
        == "fr"
    )
    assert (
        guess_language(
            "The company said that the models are available to all of "
            "the customers in the region from today."
        )
        == "en"
    )
    assert guess_language("法國人工智慧公司發布了新的模型，並表示將在歐洲建立資料中心。") == "zh"


def test_lsh_clusters_like_the_exhaustive_comparison() -> None:
    story = (
        "The regional government approved a plan to rebuild the old harbour bridge, "
        "which has been closed to lorries since cracks were found in its supports last "
        "winter. Work will start in the spring and take two years, officials said, and "
        "a ferry will carry cyclists and pedestrians across the river in the meantime. "
    )
    other = (
        "A local football club unveiled its new stadium design on Monday, with seats for "
        "twenty thousand fans, a roof of solar panels and a public park along the river "
        "that will stay open on days without matches, the club's chairman told reporters. "
    )
    texts = [
        story + FILLER,
        other + FILLER,
        "Reprinted with permission. " + story + "Subscribe for more local news.",
        story[: len(story) * 3 // 4],  # a trimmed copy
        other.replace("Monday", "Tuesday") + FILLER,
        "An unrelated note about a bakery opening in the old town, selling sourdough "
        "bread and pastries every morning from seven o'clock, with a small café upstairs.",
    ]
    fast = {c.members for c in cluster_texts(texts)}
    slow = {c.members for c in cluster_texts(texts, exhaustive=True)}
    assert fast == slow
    assert (0, 2, 3) in fast and (1, 4) in fast and (5,) in fast


def test_non_latin_scripts_name_their_language() -> None:
    assert guess_language("Французская компания представила новую модель сегодня") == "ru"
    assert guess_language("ミストラルは新しいモデルを発表しました") == "ja"
    assert guess_language("미스트랄이 새로운 모델을 발표했습니다") == "ko"


def test_name_only_as_an_ordinary_word_or_compound_is_a_homonym() -> None:
    warship = _assess(
        "Mistral-class ship leaves port",
        "The amphibious ship sailed with 450 sailors; the navy said the vessel will lead a "
        "fleet exercise. " + FILLER,
    )
    assert warship.reason is Reason.HOMONYM and "compound" in warship.detail
    cat = assess(
        "Mon chat dort beaucoup",
        "Le chat dort quinze heures par jour, rappelle le vétérinaire. " + FILLER,
        ["Le Chat"],
        [],
        [],
        [],
    )
    assert cat.reason is Reason.HOMONYM


def test_the_name_in_the_other_number_is_another_thing_named_alike() -> None:
    team = (["Seattle Sounders", "Sounders"], [], ["MLS", "soccer"], [])
    trains = assess(
        "Sounder trains add Saturday runs to Tacoma",
        "The Sounder commuter line will run four extra trips on Saturdays from March, the "
        "transit agency said. " + FILLER,
        *team,
    )
    assert trains.reason is Reason.HOMONYM and "'Sounder'" in trains.detail
    brand = (["Falcon Motors", "Falcon"], [], ["cars", "dealers"], [])
    club = assess(
        "Falcons sweep the season series",
        "The Falcons won 27-20 on Sunday and lead the division by two games. " + FILLER,
        *brand,
    )
    assert club.reason is Reason.HOMONYM and "'Falcons'" in club.detail
    unrelated = assess("Rain returns to the coast", "Showers all week. " + FILLER, *brand)
    assert unrelated.reason is Reason.OFF_TOPIC
    own = assess(
        "Falcon opens two dealers in Ohio",
        "Falcon said the dealers will sell its electric cars from May. " + FILLER,
        *brand,
    )
    assert own.reason is None


def test_a_page_naming_several_of_the_topics_people_but_not_the_topic_is_kept() -> None:
    club = (
        ["Harbor FC"],
        ["Harbor"],
        ["soccer", "Ana Ruiz", "Tom Berg", "Lee Moss", "Bay Stadium"],
        [],
    )
    story = assess(
        "Two late goals and a clean sheet in the rain",
        "Ana Ruiz scored twice in the last ten minutes and Tom Berg kept a fourth clean sheet "
        "in a row at a rain-soaked Bay Stadium on Saturday. " + FILLER,
        *club,
    )
    assert story.reason is None and "Ana Ruiz" in story.detail
    two = assess(
        "Two late goals and a clean sheet in the rain",
        "Ana Ruiz scored twice in the last ten minutes and Tom Berg kept a fourth clean sheet "
        "in a row on Saturday. " + FILLER,
        *club,
    )
    assert two.reason is Reason.OFF_TOPIC
    generic = assess(
        "Soccer returns to the city",
        "Soccer fans filled the soccer bars as the season's soccer schedule began. " + FILLER,
        *(["Harbor FC"], [], ["soccer", "season", "fans", "schedule"], []),
    )
    assert generic.reason is Reason.OFF_TOPIC


def test_one_of_the_topics_people_says_which_sense_a_shared_name_is() -> None:
    club = (["Harbor FC"], ["the Gulls"], ["soccer", "Ana Ruiz", "Tom Berg", "Bay Stadium"], [])
    signing = assess(
        "The Gulls sign a left back on loan",
        "The Gulls signed a left back on a season-long loan on Monday, and coach Ana Ruiz "
        "said he would start on Saturday. " + FILLER,
        *club,
    )
    assert signing.reason is None
    birds = assess(
        "The gulls are back on the pier",
        "The gulls are back on the pier, and the council wants visitors to stop feeding "
        "them chips. " + FILLER,
        *club,
    )
    assert birds.reason is not None


def test_a_page_naming_the_topic_once_far_down_but_its_people_often_is_kept() -> None:
    club = (["Harbor FC"], ["Harbor"], ["soccer", "Ana Ruiz", "Tom Berg", "Lee Moss"], [])
    story = assess(
        "Late goals sink the league leaders",
        "Ana Ruiz scored twice in the last ten minutes on Saturday. "
        + FILLER
        + "\nTom Berg made three saves and Lee Moss set up the winner. "
        + FILLER
        + "\nIt was Harbor's fourth straight win.",
        *club,
    )
    assert story.reason is None and "Lee Moss" in story.detail


def test_profiles_job_ads_threads_and_indexes_are_not_articles() -> None:
    profile = classify(
        "Ann Lee – Engineer at Mistral AI",
        "Ann Lee. 1,204 followers. 500+ connections.\nExperience: Engineer, 2024.\n"
        "Education: MSc.\nJoin to connect.",
    )
    assert profile.kind == "a personal profile page"
    job = classify(
        "Data Engineer – Mistral AI",
        "Full-time.\nResponsibilities: build pipelines.\nRequirements: SQL.\nApply now. "
        "Posted 3 days ago. 88 applicants.",
    )
    assert job.kind == "a job listing"
    index = classify(
        "All episodes",
        "\n".join(f"Episode {n}: a talk about models. 40 min." for n in range(10, 16)),
    )
    assert index.kind == "an index page"
    article = classify("Mistral AI ships a model", "Mistral AI released a model. " + FILLER)
    assert article.kind is None


def test_price_prediction_pages_are_spam() -> None:
    text = (
        "Mistral AI stock price prediction 2030: our forecast says it could reach $500. "
        "We may earn a commission from affiliate links on this page. " + FILLER * 3
    )
    verdict = assess_spam("Mistral AI Stock Price Prediction 2030", text, KEYWORDS)
    assert verdict.is_spam and "price-prediction" in verdict.detail
