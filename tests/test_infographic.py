"""The infographic in the post's language with the font the package ships: every label it
draws is covered by that font (else it is drawn in English, never as boxes), the images are
looked at (size, ink in every region, zh-TW unlike en), and text from the sources that no
font can draw is left out."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from adapters import infographic
from bot.i18n import CATALOG

REGENERATE = "apt-get install -y fonts-noto-cjk && .venv/bin/python tools/subset_font.py"
WEEK = tuple((date(2026, 11, 15) + timedelta(days=n), n + 1) for n in range(7))
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


@pytest.fixture
def shipped_font_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine with no fonts installed: the package's own font is all there is."""
    monkeypatch.setattr(infographic, "_faces", lambda: (infographic.bundled_face(),))


def _data(
    language: str, headline: str = "Mistral Large 4 ships with open weights"
) -> infographic.InfographicData:
    return infographic.InfographicData(
        title="Mistral AI · 2026-11-21",
        language=language,
        timezone="Asia/Taipei",
        stories_told=6,
        candidates=23,
        per_day=WEEK,
        per_source=(("techwire.example", 5), ("devnotes.example", 4), ("café.example", 2)),
        top_clusters=((headline, 4), ("Le Chat Enterprise arrive à Paris", 2)),
    )


def _draw(data: infographic.InfographicData, path: Path) -> Image.Image:
    infographic.draw_infographic(data, path)
    with Image.open(path) as image:
        return image.convert("RGB")


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    background = image.getpixel((0, 0))
    colours = image.crop(box).getcolors(maxcolors=1_000_000) or []
    return sum(n for n, colour in colours if colour != background)


def test_the_shipped_font_covers_every_label_in_every_language() -> None:
    face = infographic.bundled_face()
    for language, strings in CATALOG.items():
        for key in infographic.LABEL_KEYS:
            fixed = _PLACEHOLDER.sub("", strings[key])
            missing = sorted({c for c in fixed if not face.covers(c)})
            assert not missing, (
                f"{language} {key!r} has characters the infographic's font lacks "
                f"({''.join(missing)}): regenerate it with `{REGENERATE}`"
            )
    assert face.covers("0123456789 Asia/Taipei Europe/Paris é ’ “” – …")


def test_the_shipped_font_is_small_and_carries_its_licence() -> None:
    font = infographic.BUNDLED_FONT
    assert font.stat().st_size < 200_000
    licence = (font.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_a_zh_tw_infographic_is_drawn_in_chinese(tmp_path: Path, shipped_font_only: None) -> None:
    english = _draw(_data("en"), tmp_path / "en.png")
    chinese = _draw(_data("zh-TW"), tmp_path / "zh.png")
    assert chinese.size == english.size == (1200, 630)
    # Ink in every cell of a 4 x 3 grid: no empty third, no blank panel.
    for image in (english, chinese):
        for column in range(4):
            for row in range(3):
                box = (column * 300, row * 210, (column + 1) * 300, (row + 1) * 210)
                assert _ink(image, box) > 500, (column, row)
    # Same numbers and bars; the labels differ: the header's, and each panel's heading.
    for box in ((60, 90, 600, 140), (40, 172, 380, 225), (425, 172, 780, 205)):
        assert english.crop(box).tobytes() != chinese.crop(box).tobytes(), box
    assert (
        english.crop((40, 240, 380, 570)).tobytes() == chinese.crop((40, 240, 380, 570)).tobytes()
    )


def test_a_label_the_font_cannot_draw_falls_back_to_english(
    tmp_path: Path, shipped_font_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    face = infographic.bundled_face()
    rare = "𠀋"  # an ideograph no catalog string uses
    assert not face.covers(rare)
    english = _draw(_data("en"), tmp_path / "en.png")
    strings = {**CATALOG["zh-TW"], **{k: CATALOG["zh-TW"][k] + rare for k in ("info_top",)}}
    monkeypatch.setitem(CATALOG, "zh-TW", strings)
    chinese = _draw(_data("zh-TW"), tmp_path / "zh.png")
    heading = (810, 172, 1160, 205)  # the third panel's, now in English
    assert chinese.crop(heading).tobytes() == english.crop(heading).tobytes()
    header = (60, 90, 600, 140)  # the others stay Chinese
    assert chinese.crop(header).tobytes() != english.crop(header).tobytes()


def test_source_text_no_font_has_is_left_out_not_drawn_as_boxes(
    tmp_path: Path, shipped_font_only: None
) -> None:
    face = infographic.bundled_face()
    headline = "Mistral 推出 Large 4：開放權重"
    assert not face.covers(headline)
    with_cjk = _draw(_data("en", headline), tmp_path / "cjk.png")
    without = _draw(_data("en", "Mistral Large 4"), tmp_path / "plain.png")
    assert with_cjk.tobytes() == without.tobytes()
