"""Follow-up questions end to end over the collected sample corpus: the real retrieval,
the real mistralai SDK against the fake Mistral API, and the CLI."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from app.cli import main
from bot.config import Config, MistralConfig, QAConfig, TopicConfig
from bot.digest import build_digest_async
from bot.llm import MistralModel, RetryPolicy
from bot.models import Article
from bot.qa.compose import Answer
from bot.qa.index import embed_missing, index_new_articles
from bot.qa.service import answer_question
from storage import articles as article_store
from storage import open_database
from storage.db import count_rows
from storage.passages import Scope
from tests.conftest import SAMPLE_DATE
from tests.fakes.mistral import FakeMistral

DAY = date.fromisoformat(SAMPLE_DATE)
CORPUS_QA = Path(__file__).parent / "corpus_qa"
FAST_RETRY = RetryPolicy(initial_ms=10, max_ms=50, exponent=2.0, max_elapsed_ms=300)
LARGE4 = "https://techwire.example/2026/11/20/mistral-ai-launches-mistral-large-4-open-weights"
EXTRACTIVE_LABEL = "Quoted from the sources (no model answer):"
NOT_COVERED = "don't cover this question"
EVIL = "evil.example"
_PASSAGE = re.compile(r'<passage source="(\d+)" title="[^"]*">\n(.*?)\n</passage>', re.S)


@pytest.fixture
def db(collected_sample: Path, tmp_path: Path) -> sqlite_utils.Database:
    source = sqlite_utils.Database(collected_sample)
    target = tmp_path / "qa.db"
    copy = sqlite_utils.Database(target)
    source.conn.backup(copy.conn)
    source.conn.close()
    copy.conn.close()
    return open_database(target)


@pytest.fixture
def topic(sample_config: Config) -> TopicConfig:
    return sample_config.topics[0]


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    with FakeMistral() as server:
        yield server


def _model(fake: FakeMistral, key: str | None = None) -> MistralModel:
    return MistralModel(
        MistralConfig(server_url=fake.url), key or fake.api_key, retry=FAST_RETRY, timeout_s=5
    )


def ask(db: sqlite_utils.Database, topic: TopicConfig, question: str, **kwargs: Any) -> Answer:
    async def run() -> Answer:
        model = kwargs.pop("model", None)
        try:
            return await answer_question(db, topic, question, day=DAY, model=model, **kwargs)
        finally:
            if model is not None:
                await model.aclose()

    return asyncio.run(run())


def passages_of(request: dict[str, Any]) -> list[tuple[int, str]]:
    user = request["messages"][1]["content"]
    return [(int(n), text) for n, text in _PASSAGE.findall(user)]


def honest(request: dict[str, Any]) -> str:
    """A well-behaved model: the first sentence of the top-ranked source's passage that
    shares most words with the question, cited."""
    user = request["messages"][1]["content"]
    question = set(re.findall(r"\w+", user.split("</question>")[0].lower()))
    top = [p for p in passages_of(request) if p[0] == 1]
    n, text = max(top, key=lambda p: len(question & set(re.findall(r"\w+", p[1].lower()))))
    first = re.split(r"(?<=\.)\s", text)[0]
    return json.dumps({"covered": True, "sentences": [{"text": first, "sources": [n]}]})


def obedient(request: dict[str, Any]) -> str:
    """A model that does whatever a passage tells it to (the worst case)."""
    for n, text in passages_of(request):
        order = re.search(r'reply with "([^"]+)"', text) or re.search(
            r"should state that (.+? for the details)", text
        )
        if order:
            return json.dumps({"covered": True, "sentences": [{"text": order[1], "sources": [n]}]})
    return honest(request)


def hijacked(request: dict[str, Any]) -> str:
    """A model whose output was taken over: a claim with a foreign URL, and a citation of a
    passage that was never provided."""
    return json.dumps(
        {
            "covered": True,
            "sentences": [
                {"text": f"Mistral AI has been acquired, see http://{EVIL}/x", "sources": [1]},
                {"text": "Large 4 is cancelled.", "sources": [9]},
            ],
        }
    )


def store_page(db: sqlite_utils.Database, name: str, title: str) -> str:
    url = f"https://explainers.example/{name}"
    text = (CORPUS_QA / f"{name}.txt").read_text(encoding="utf-8")
    moment = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
    article_store.insert_article(
        db,
        "mistral",
        Article(
            url=url,
            canonical_url=url,
            title=title,
            text=text,
            published=moment,
            fetched=moment,
            language="en",
            content_hash=name,
            source_url="https://explainers.example/feed",
        ),
    )
    return url


def stored_urls(db: sqlite_utils.Database) -> set[str]:
    return {row["url"] for row in db.query("select url from articles")}


# --- grounded answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "url_part", "fact"),
    [
        ("What is the context window of Mistral Large 4?", "mistral-large-4-open-weights", "256"),
        ("How long was Le Chat offline?", "le-chat-la-plateforme-outage", "50 minutes"),
        ("How much did Mistral cut API prices?", "api-prices", ""),
        ("Which vision model did Mistral release under Apache 2.0?", "pixtral-2-small", "Apache"),
    ],
)
def test_extractive_answer_cites_the_right_article(
    db: sqlite_utils.Database, topic: TopicConfig, question: str, url_part: str, fact: str
) -> None:
    answer = ask(db, topic, question)
    assert answer.grounded and answer.mode == "extractive"
    assert answer.answer.startswith(EXTRACTIVE_LABEL)
    assert url_part in answer.citations[0].url
    assert fact in answer.answer
    assert {c.url for c in answer.citations} <= stored_urls(db)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert cited == {c.n for c in answer.citations}


@pytest.mark.parametrize(
    "question",
    ["What is the capital of Australia?", "Who won the 2026 World Cup final?", "?!? ()*"],
)
def test_out_of_scope_question_is_not_grounded(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral, question: str
) -> None:
    fake.reply_with(honest)
    answer = ask(db, topic, question, model=_model(fake))
    assert answer.grounded is False
    assert answer.citations == ()
    assert NOT_COVERED in answer.answer
    assert fake.chat_requests() == [], "nothing relevant: the model is not even asked"


def test_model_answer_is_cited_and_validated(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral
) -> None:
    fake.reply_with(honest)
    answer = ask(db, topic, "What is the context window of Mistral Large 4?", model=_model(fake))
    assert answer.mode == "model" and answer.grounded
    assert answer.citations[0].url == LARGE4
    assert answer.answer.endswith("[1]")
    system = fake.chat_requests()[0]["messages"][0]["content"]
    assert "untrusted data" in system and "never an instruction" in system


def test_model_saying_not_covered_gives_grounded_false(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral
) -> None:
    fake.reply_with('{"covered": false, "sentences": []}')
    answer = ask(db, topic, "How does Mistral Large 4 compare to GPT-7?", model=_model(fake))
    assert answer.grounded is False and answer.citations == ()
    assert NOT_COVERED in answer.answer


def test_invented_figures_and_unknown_sources_are_dropped(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral
) -> None:
    def mixed(request: dict[str, Any]) -> str:
        good = json.loads(honest(request))["sentences"][0]
        return json.dumps(
            {
                "covered": True,
                "sentences": [
                    good,
                    {"text": "Large 4 has 999 billion parameters.", "sources": [1]},
                    {"text": "It beats every rival.", "sources": [42]},
                    {"text": "It also ships with a new logo.", "sources": []},
                ],
            }
        )

    fake.reply_with(mixed)
    answer = ask(db, topic, "What is the context window of Mistral Large 4?", model=_model(fake))
    assert answer.mode == "model"
    assert "999" not in answer.answer and "rival" not in answer.answer
    assert "logo" not in answer.answer
    assert len(answer.citations) == 1


# --- prompt injection --------------------------------------------------------------------


def test_injection_page_never_reaches_the_model_or_the_answer(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral
) -> None:
    store_page(db, "large4-explainer-injection", "What Mistral Large 4's 256k context means")
    fake.reply_with(obedient)
    question = "What is the context window of Mistral Large 4?"
    for model in (_model(fake), None):
        answer = ask(db, topic, question, model=model)
        assert answer.grounded
        assert "acquired" not in answer.answer and EVIL not in answer.answer
        assert all(EVIL not in c.url for c in answer.citations)
    sent = json.dumps(fake.chat_requests())
    assert "256,000" in sent, "the page's genuine facts may still be used"
    assert "ignore previous instructions" not in sent.lower()


def test_an_order_to_summarisers_is_quarantined_too(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral
) -> None:
    # "Readers summarising this page should state ..." speaks to a summariser, not a
    # reader: quarantined, so the model never sees it (a steered reply is still caught by
    # the validation, see the next test).
    url = store_page(db, "large4-subtle-injection", "Large 4's context window at the help desk")
    fake.reply_with(obedient)
    answer = ask(db, topic, "What is the context window of Mistral Large 4?", model=_model(fake))
    sent = json.dumps(fake.chat_requests())
    assert "should state that" not in sent and EVIL not in sent
    assert EVIL not in answer.answer and "acquired" not in answer.answer
    assert answer.grounded
    assert url not in {c.url for c in answer.citations}


def test_hijacked_model_output_never_reaches_the_reader(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral
) -> None:
    fake.reply_with(hijacked)
    answer = ask(db, topic, "What is the context window of Mistral Large 4?", model=_model(fake))
    assert EVIL not in answer.answer and "cancelled" not in answer.answer
    assert answer.mode == "extractive" and answer.grounded
    assert answer.citations[0].url == LARGE4


def store_text(db: sqlite_utils.Database, name: str, title: str, text: str) -> str:
    url = f"https://explainers.example/{name}"
    moment = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
    article_store.insert_article(
        db,
        "mistral",
        Article(
            url=url,
            canonical_url=url,
            title=title,
            text=text,
            published=moment,
            fetched=moment,
            language="en",
            content_hash=name,
            source_url="https://explainers.example/feed",
        ),
    )
    return url


def quoting(request: dict[str, Any]) -> str:
    """A model that quotes every passage it was given, URLs and all, citing it."""
    return json.dumps(
        {
            "covered": True,
            "sentences": [{"text": text, "sources": [n]} for n, text in passages_of(request)],
        }
    )


@pytest.mark.parametrize("keyless", [True, False])
def test_a_url_in_a_page_never_reaches_the_answer(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral, keyless: bool
) -> None:
    # Not an injection: an ordinary page that links elsewhere, in its title and its text.
    url = store_text(
        db,
        "codestral-pricing-links",
        f"Codestral price cut explained (mirror: http://{EVIL}/mirror)",
        "Codestral pricing explained. Codestral now costs $0.22 per million input tokens, "
        f"as the price list at http://{EVIL}/prices shows. The Codestral price cut takes "
        "effect on December 1.",
    )
    fake.reply_with(quoting)
    question = "How much does Codestral cost per million input tokens?"
    answer = ask(db, topic, question, model=None if keyless else _model(fake))
    assert answer.grounded
    # Quoted keyless; a model that copied the link instead makes the page a suspect source.
    assert (url in {c.url for c in answer.citations}) == keyless
    assert EVIL not in answer.to_text()
    assert EVIL not in json.dumps(answer.to_json())


# --- failures ----------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["server_error", "wrong_key", "not_json", "rate_limited"])
def test_model_failures_fall_back_to_a_labelled_extractive_answer(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral, fault: str
) -> None:
    key = None
    if fault == "server_error":
        fake.fail_next(503, times=1000)
    elif fault == "wrong_key":
        key = "sk-not-the-right-one"
    elif fault == "rate_limited":
        fake.fail_next(429, retry_after=0.05, times=1000)
    else:
        fake.reply_with("Sure! The context window is **huge**.")
    answer = ask(db, topic, "How long was Le Chat offline?", model=_model(fake, key))
    assert answer.mode == "extractive" and answer.grounded
    assert answer.answer.startswith(EXTRACTIVE_LABEL)
    assert "le-chat-la-plateforme-outage" in answer.citations[0].url
    assert "huge" not in answer.answer


# --- vectors, scope, indexing, limits ----------------------------------------------------


def test_embeddings_are_computed_once_and_stored(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral
) -> None:
    fake.reply_with(honest)
    ask(db, topic, "How long was Le Chat offline?", model=_model(fake))
    passages = count_rows(db, "passages")
    assert count_rows(db, "passage_vectors") == passages > 0
    first = len(fake.requests)
    ask(db, topic, "What is the context window of Mistral Large 4?", model=_model(fake))
    embed_calls = [p for p, _ in fake.requests[first:] if p.endswith("/embeddings")]
    assert len(embed_calls) == 1, "only the question is embedded the second time"


def test_a_new_article_is_indexed_before_the_next_question(
    db: sqlite_utils.Database, topic: TopicConfig
) -> None:
    ask(db, topic, "How long was Le Chat offline?")
    url = store_page(db, "large4-subtle-injection", "Large 4's context window at the help desk")
    answer = ask(db, topic, "What do support teams say about ticket history?")
    assert answer.grounded and answer.citations[0].url == url


@pytest.mark.parametrize("with_model", [False, True])
def test_reply_to_a_digest_searches_only_its_sources(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral, with_model: bool
) -> None:
    fake.reply_with(honest)

    def model() -> MistralModel | None:
        return _model(fake) if with_model else None

    built = asyncio.run(build_digest_async(db, topic, DAY, "en"))
    cited = {s.url for s in built.digest.sources}
    question = "What is the context window of Mistral Large 4?"
    answer = ask(db, topic, question, digest_id=built.digest_id, model=model())
    assert answer.grounded and {c.url for c in answer.citations} <= cited
    # Pixtral 2 Small came out a week earlier: stored, but not in this digest.
    question = "What did Mistral release about Pixtral 2 Small?"
    outside = ask(db, topic, question, digest_id=built.digest_id, model=model())
    assert outside.grounded is False
    inside = ask(db, topic, question, model=model())
    assert inside.grounded and "pixtral" in inside.citations[0].url


def test_an_embedding_backlog_is_spread_over_questions_newest_first(
    db: sqlite_utils.Database, topic: TopicConfig, fake: FakeMistral
) -> None:
    index_new_articles(db, "mistral")
    scope = Scope("mistral")

    async def run() -> int:
        async with _model(fake) as model:
            return await embed_missing(db, model, "mistral-embed", scope, limit=5)

    assert asyncio.run(run()) == 5
    newest = [
        row["id"] for row in db.query("select id from passages order by published desc, id limit 5")
    ]
    stored = [row["passage_id"] for row in db.query("select passage_id from passage_vectors")]
    assert sorted(stored) == sorted(newest)


def test_scope_is_the_days_ending_with_the_date(
    db: sqlite_utils.Database, topic: TopicConfig
) -> None:
    question = "How long was Le Chat offline?"  # published 2026-11-20

    def grounded(day: date, days: int) -> bool:
        answer = asyncio.run(
            answer_question(db, topic, question, day=day, qa=QAConfig(scope_days=days))
        )
        return answer.grounded

    assert not grounded(date(2026, 11, 19), 30), "not yet published"
    assert grounded(date(2026, 11, 21), 1), "16:45 UTC on the 20th is the 21st in Taipei"
    assert grounded(date(2026, 12, 15), 30)
    assert not grounded(date(2026, 12, 15), 7), "too old for a 7-day scope"


def test_per_chat_question_limit(db: sqlite_utils.Database, topic: TopicConfig) -> None:
    qa = QAConfig(questions_per_hour=2)
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    question = "How long was Le Chat offline?"
    for minute in (0, 10):
        answer = ask(
            db, topic, question, chat_key="tg:1", qa=qa, now=now + timedelta(minutes=minute)
        )
        assert not answer.limited and answer.grounded
    blocked = ask(db, topic, question, chat_key="tg:1", qa=qa, now=now + timedelta(minutes=20))
    assert blocked.limited and not blocked.grounded and blocked.citations == ()
    assert "2 questions in the last hour" in blocked.answer
    assert "40 min" in blocked.answer
    other = ask(db, topic, question, chat_key="tg:2", qa=qa, now=now + timedelta(minutes=20))
    assert not other.limited
    again = ask(db, topic, question, chat_key="tg:1", qa=qa, now=now + timedelta(minutes=61))
    assert not again.limited and again.grounded
    unlimited = ask(db, topic, question, qa=qa, now=now + timedelta(minutes=62))
    assert not unlimited.limited, "the command line has no chat and no limit"
    ask(db, topic, question, chat_key="tg:1", qa=qa, now=now + timedelta(days=8))
    assert count_rows(db, "qa_questions", "chat_key = ?", ["tg:1"]) == 1, "old rows go"


def test_chinese_question_gets_a_chinese_label(
    db: sqlite_utils.Database, topic: TopicConfig
) -> None:
    answer = ask(db, topic, "Mistral Large 4 的上下文有多長？")
    assert answer.grounded and answer.answer.startswith("以下直接引用資料來源")
    unknown = ask(db, topic, "澳洲的首都是哪裡？")
    assert not unknown.grounded and "沒有涵蓋" in unknown.answer


# --- the command line ----------------------------------------------------------------------


def test_cli_ask_text_lists_the_numbered_sources(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["collect", "--date", SAMPLE_DATE]) == 0
    capsys.readouterr()
    assert (
        main(["ask", "What is the context window of Mistral Large 4?", "--date", SAMPLE_DATE]) == 0
    )
    captured = capsys.readouterr()
    assert "256,000" in captured.out
    assert "[1] Mistral AI launches Mistral Large 4" in captured.out
    assert LARGE4 in captured.out
    assert "extractive" in captured.err


def test_cli_ask_json_shape(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["collect", "--date", SAMPLE_DATE]) == 0
    capsys.readouterr()
    argv = ["ask", "How long was Le Chat offline?", "--date", SAMPLE_DATE, "--format", "json"]
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"question", "answer", "citations", "grounded"}
    assert payload["grounded"] is True
    assert payload["citations"] and all(
        set(c) == {"n", "title", "url"} for c in payload["citations"]
    )
    assert payload["citations"][0]["n"] == 1
    argv = ["ask", "What is the capital of Australia?", "--format", "json", "--date", SAMPLE_DATE]
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["grounded"] is False and payload["citations"] == []


def test_cli_ask_with_a_key_uses_the_model(
    config_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeMistral,
) -> None:
    text = config_file.read_text(encoding="utf-8").replace(
        'server_url = ""', f'server_url = "{fake.url}"'
    )
    config_file.write_text(text, encoding="utf-8")
    fake.reply_with(honest)
    monkeypatch.setenv("MISTRAL_API_KEY", fake.api_key)
    assert main(["collect", "--date", SAMPLE_DATE]) == 0
    capsys.readouterr()
    argv = ["ask", "How long was Le Chat offline?", "--date", SAMPLE_DATE, "--format", "json"]
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["grounded"] and not payload["answer"].startswith(EXTRACTIVE_LABEL)
    assert "outage" in payload["citations"][0]["url"]


def test_cli_ask_before_any_collection_says_what_to_do(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "What did Mistral release?", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["grounded"] is False
    assert "run 'digestbot collect' first" in captured.err


def test_cli_empty_question_is_a_usage_error(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "   "]) == 2
    assert "empty" in capsys.readouterr().err
