"""``digestbot export jekyll``: posts with the seeds' front matter, field for field, and an
infographic PNG per post drawn locally."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from adapters.jekyll import FRONT_MATTER_KEYS, infographic_data
from app.cli import main
from bot.config import load_config
from bot.posts import load_posts
from bot.window import digest_window
from storage import articles as article_store
from storage import open_database
from tests.conftest import SAMPLE_DATE

# Verbatim from a target post (seeds/001): the shape every exported post must have.
SEED = """---
layout: post
title: "MISTRAL 每日動態 - 2026-01-05"
tagline: "彙整 10 則 MISTRAL 相關新聞"
date: 2026-01-05
model: mistral
categories: [mistral, daily]
tags: ["Mixtral", "Mistral", "MoE", "工具鏈整合", "Groq", "MISTRAL", "AI", "Digest"]
image: //assets/img/posts/2026-01-05-mistral-infographic.png
ai_summary: "Mixtral 8×7B（含 32k 序列版本）以磁力連結再流通，凸顯開源 MoE 模型。"
---
## 本週模型趨勢
"""


def _front(markdown: str) -> list[tuple[str, str]]:
    head = markdown[4:].split("\n---\n", 1)[0]
    return [tuple(line.split(": ", 1)) for line in head.splitlines()]  # type: ignore[misc]


@pytest.fixture
def site(config_file: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["digest", "--date", SAMPLE_DATE, "--out", "zh.md"]) == 0
    assert main(["digest", "--date", SAMPLE_DATE, "--lang", "en", "--no-collect"]) == 0
    capsys.readouterr()
    assert main(["export", "jekyll", "--out", "site"]) == 0
    return config_file.parent / "site"


def test_front_matter_matches_the_seed_field_for_field(site: Path) -> None:
    seed = _front(SEED)
    post = site / "_posts" / f"{SAMPLE_DATE}-mistral.md"
    exported = _front(post.read_text(encoding="utf-8"))
    assert [k for k, _ in exported] == [k for k, _ in seed] == list(FRONT_MATTER_KEYS)
    got, want = dict(exported), dict(seed)
    assert got["layout"] == want["layout"] == "post"
    # The topic's name, never its slug in capitals.
    assert got["title"] == f'"Mistral AI 每日動態 - {SAMPLE_DATE}"'
    assert re.fullmatch(r'"彙整 \d+ 則 Mistral AI 相關新聞"', got["tagline"])
    assert got["date"] == SAMPLE_DATE
    # Who wrote it: no model key here, so the extractive writer (the seed names its model).
    assert got["model"] == "extractive" and want["model"] == "mistral"
    assert got["categories"] == want["categories"] == "[mistral, daily]"
    # The topic's keywords the stories mention, then its name: no blanket "AI" tag.
    assert got["tags"].endswith('"Digest"]') and '"Mistral AI"' in got["tags"]
    assert '"AI"' not in got["tags"]
    assert '"Mistral Large"' in got["tags"]
    assert got["image"] == f"/assets/img/posts/{SAMPLE_DATE}-mistral-infographic.png"
    assert got["ai_summary"].startswith('"') and len(got["ai_summary"]) > 20
    # The tagline counts the sources the post actually lists.
    listed = re.findall(r"^\d+\. \[", post.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert f"彙整 {len(listed)} 則" in got["tagline"]


def test_each_post_has_its_own_infographic_png(site: Path) -> None:
    posts = sorted((site / "_posts").glob("*.md"))
    assert [p.name for p in posts] == [f"{SAMPLE_DATE}-mistral-en.md", f"{SAMPLE_DATE}-mistral.md"]
    for post in posts:
        markdown = post.read_text(encoding="utf-8")
        image = site / dict(_front(markdown))["image"].lstrip("/")
        with Image.open(image) as png:
            assert png.format == "PNG" and png.size == (1200, 630)
        body = markdown.split("\n---\n", 1)[1]
        assert body.lstrip().startswith(">")  # the extractive label survives the export


def test_since_filters_and_export_is_repeatable(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (site / "_posts" / f"{SAMPLE_DATE}-mistral.md").read_bytes()
    assert main(["export", "jekyll", "--out", "site", "--since", SAMPLE_DATE]) == 0
    assert (site / "_posts" / f"{SAMPLE_DATE}-mistral.md").read_bytes() == before
    capsys.readouterr()
    assert main(["export", "jekyll", "--out", "later", "--since", "2026-11-22"]) == 0
    assert "exported 0 post(s)" in capsys.readouterr().err
    assert main(["export", "jekyll", "--out", "x", "--topic", "nope"]) == 2


def test_infographic_counts_match_the_post(site: Path) -> None:
    config = load_config(site.parent / "config.toml")
    topic = config.topics[0]
    db = open_database(config.storage.path)
    day = date.fromisoformat(SAMPLE_DATE)
    posts = load_posts(db, {topic.slug: topic}, since=day)
    post = next(p for p in posts if p.stored.digest.language == topic.language)
    data = infographic_data(post)

    in_window = article_store.articles_in(db, topic.slug, digest_window(topic, day))
    # Stories told are what the post's tagline counts; candidates, what they came from.
    assert data.stories_told == len(post.stored.digest.sources) == 6
    assert data.candidates == len(in_window) > data.stories_told
    assert data.title == f"Mistral AI · {SAMPLE_DATE}"
    assert sum(n for _, n in data.per_source) == len(in_window)
    # Days are publication dates in Asia/Taipei: the window (11-20 08:00 to 11-21 08:00)
    # spans two of them, and the week's earlier articles fall on their own dates.
    assert [d for d, _ in data.per_day] == [day - timedelta(days=n) for n in range(6, -1, -1)]
    taipei = ZoneInfo(topic.timezone)
    assert dict(data.per_day)[day] == sum(
        1 for a in in_window if a.published.astimezone(taipei).date() == day
    )
    assert sum(1 for _, n in data.per_day if n) >= 4
    outlets = [n for _, n in data.top_clusters]
    assert outlets == sorted(outlets, reverse=True) and outlets[0] >= 2
    assert "Mistral Large 4" in data.top_clusters[0][0]


def test_the_infographic_image_has_no_empty_area(site: Path) -> None:
    for path in sorted((site / "assets/img/posts").glob("*.png")):
        with Image.open(path) as image:
            assert image.size == (1200, 630)
            rgb = image.convert("RGB")
        background = rgb.getpixel((0, 0))
        # Every cell of a 4 x 3 grid has ink: no empty third, no blank panel.
        for column in range(4):
            for row in range(3):
                cell = rgb.crop((column * 300, row * 210, (column + 1) * 300, (row + 1) * 210))
                colours = cell.getcolors(maxcolors=300 * 210) or []
                inked = sum(n for n, colour in colours if colour != background)
                assert inked > 500, f"{path.name}: cell ({column}, {row}) is blank"
