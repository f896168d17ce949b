"""The infographic PNG of one post, drawn locally with Pillow: no network, no fonts to
fetch. Data in, image out; the data is computed by :func:`adapters.jekyll.infographic_data`
so it can be tested without looking at pixels.

Labels are in the post's language when a font that has its glyphs is installed (a CJK
system font for zh-TW); otherwise in English, and any CJK character in a headline is left
out rather than drawn as a box (tofu). Layout: a header with the title and the two counts
the post rests on (stories told, candidate articles), then three panels that fill the
height: articles per publication day, per source, and the most widely carried stories.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.i18n import text

WIDTH, HEIGHT = 1200, 630
MARGIN = 40
HEADER_BOTTOM = 160
BACKGROUND = (250, 250, 247)
INK = (30, 30, 30)
MUTED = (110, 110, 110)
RULE = (215, 215, 210)
BARS = ((46, 117, 182), (232, 97, 44), (90, 155, 90))
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Common install paths of fonts with CJK glyphs (Debian/Ubuntu, Fedora, macOS).
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
# Latin fonts with accents (é, ’, “”), else Pillow's bundled one.
LATIN_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
# Scripts a Latin font lacks: CJK ideographs, kana, hangul, CJK punctuation, full width.
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")


@dataclass(frozen=True)
class InfographicData:
    title: str
    language: str
    timezone: str
    stories_told: int
    """The stories the post tells: the sources it lists, as its tagline counts them."""
    candidates: int
    """The articles kept in the digest's window, which the stories were chosen from."""
    per_day: tuple[tuple[date, int], ...]
    """Articles by publication date in the topic's timezone, the week ending with the
    date the window closes on, oldest first."""
    per_source: tuple[tuple[str, int], ...]
    """Articles per outlet (host) in the digest's window, most first."""
    top_clusters: tuple[tuple[str, int], ...]
    """The most widely carried stories: headline and number of outlets."""


@dataclass(frozen=True)
class _Fonts:
    path: str | None
    cjk: bool

    def size(self, points: int) -> Font:
        if self.path is None:
            return ImageFont.load_default(size=points)
        return ImageFont.truetype(self.path, points)


@cache
def _fonts() -> _Fonts:
    for candidates, cjk in ((CJK_FONTS, True), (LATIN_FONTS, False)):
        for candidate in candidates:
            if Path(candidate).is_file():
                try:
                    ImageFont.truetype(candidate, 12)
                except OSError:
                    continue
                return _Fonts(candidate, cjk)
    return _Fonts(None, False)


class _Writer:
    """Draws text the fonts can show, in the labels' language."""

    def __init__(self, draw: ImageDraw.ImageDraw, data: InfographicData) -> None:
        self.draw = draw
        self.fonts = _fonts()
        self.language = data.language if self.fonts.cjk or data.language == "en" else "en"

    def label(self, key: str, **values: object) -> str:
        return text(self.language, key, **values)

    def showable(self, value: str) -> str:
        if self.fonts.cjk:
            return value
        return " ".join(_CJK.sub(" ", value).split())

    def fit(self, value: str, font: Font, width: int) -> str:
        value = self.showable(value)
        if self.draw.textlength(value, font=font) <= width:
            return value
        while value and self.draw.textlength(value + "…", font=font) > width:
            value = value[:-1]
        return value.rstrip() + "…"

    def wrap(self, value: str, font: Font, width: int, lines: int) -> list[str]:
        """At most ``lines`` lines of ``width``, cut at spaces (or anywhere, for CJK)."""
        words = self.showable(value).split(" ")
        out: list[str] = []
        while words and len(out) < lines:
            line = words.pop(0)
            while words and self.draw.textlength(f"{line} {words[0]}", font=font) <= width:
                line += " " + words.pop(0)
            out.append(line)
        if words:
            out[-1] = " ".join([out[-1], *words])
        return [self.fit(line, font, width) for line in out]

    def at(self, xy: tuple[float, float], value: str, font: Font, fill: tuple[int, ...]) -> None:
        self.draw.text(xy, value, fill=fill, font=font)


def _header(w: _Writer, data: InfographicData) -> None:
    title, big, small = w.fonts.size(34), w.fonts.size(44), w.fonts.size(18)
    w.at((MARGIN, 26), w.fit(data.title, title, WIDTH - 2 * MARGIN), title, INK)
    x = MARGIN
    for count, key, colour in (
        (data.stories_told, "info_told", BARS[1]),
        (data.candidates, "info_candidates", BARS[0]),
    ):
        number = str(count)
        w.at((x, 82), number, big, colour)
        x += int(w.draw.textlength(number, font=big)) + 10
        label = w.label(key)
        w.at((x, 104), label, small, MUTED)
        x += int(w.draw.textlength(label, font=small)) + 48
    w.draw.line((MARGIN, HEADER_BOTTOM - 8, WIDTH - MARGIN, HEADER_BOTTOM - 8), fill=RULE, width=2)


def _per_day(w: _Writer, box: tuple[int, int, int, int], data: InfographicData) -> None:
    left, top, right, bottom = box
    heading, small = w.fonts.size(20), w.fonts.size(15)
    w.at((left, top), w.fit(w.label("info_per_day"), heading, right - left), heading, INK)
    note = w.label("info_per_day_note", timezone=data.timezone)
    w.at((left, top + 28), w.fit(note, small, right - left), small, MUTED)
    days = data.per_day
    if not days:
        w.at((left, top + 40), w.label("info_none"), small, MUTED)
        return
    peak = max(n for _, n in days) or 1
    chart_top, axis = top + 60, bottom - 26
    slot = (right - left) / len(days)
    for i, (day, count) in enumerate(days):
        x0 = int(left + i * slot + slot * 0.15)
        x1 = int(left + (i + 1) * slot - slot * 0.15)
        height = int((axis - chart_top) * count / peak)
        w.draw.rectangle((x0, axis - max(height, 2), x1, axis), fill=BARS[0])
        number = str(count)
        nx = (x0 + x1 - w.draw.textlength(number, font=small)) / 2
        w.at((nx, axis - max(height, 2) - 20), number, small, INK)
        stamp = f"{day:%m-%d}"
        sx = (x0 + x1 - w.draw.textlength(stamp, font=small)) / 2
        w.at((sx, axis + 6), stamp, small, MUTED)
    w.draw.line((left, axis, right, axis), fill=MUTED, width=1)


def _bars(
    w: _Writer,
    box: tuple[int, int, int, int],
    heading_text: str,
    rows: tuple[tuple[str, int], ...],
    colour: tuple[int, int, int],
    count_text: Callable[[int], str] = str,
) -> None:
    """Labelled horizontal bars spread over the whole panel height."""
    left, top, right, bottom = box
    heading, small = w.fonts.size(20), w.fonts.size(15)
    w.at((left, top), w.fit(heading_text, heading, right - left), heading, INK)
    if not rows:
        w.at((left, top + 40), w.label("info_none"), small, MUTED)
        return
    peak = max(n for _, n in rows) or 1
    first = top + 44
    row_h = (bottom - first) // len(rows)
    thickness = max(8, min(26, row_h - 44))
    for i, (name, count) in enumerate(rows):
        y = first + i * row_h
        lines = w.wrap(name, small, right - left, 2 if row_h >= 70 else 1)
        for n, line in enumerate(lines):
            w.at((left, y + n * 19), line, small, INK)
        bar_top = y + len(lines) * 19 + 4
        label = count_text(count)
        room = right - left - int(w.draw.textlength(label, font=small)) - 10
        bar_w = max(int(room * count / peak), 3)
        w.draw.rectangle((left, bar_top, left + bar_w, bar_top + thickness), fill=colour)
        w.at((left + bar_w + 8, bar_top + (thickness - 17) / 2), label, small, INK)


def draw_infographic(data: InfographicData, path: Path) -> Path:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    w = _Writer(ImageDraw.Draw(image), data)
    _header(w, data)
    gap = 36
    column = (WIDTH - 2 * MARGIN - 2 * gap) // 3
    top, bottom = HEADER_BOTTOM + 12, HEIGHT - 28
    boxes = [
        (MARGIN + i * (column + gap), top, MARGIN + i * (column + gap) + column, bottom)
        for i in range(3)
    ]
    _per_day(w, boxes[0], data)
    _bars(w, boxes[1], w.label("info_per_source"), data.per_source[:8], BARS[1])

    def outlets(n: int) -> str:
        return w.label("info_outlet" if n == 1 else "info_outlets", n=n)

    _bars(w, boxes[2], w.label("info_top"), data.top_clusters[:5], BARS[2], outlets)
    path.parent.mkdir(parents=True, exist_ok=True)
    # No timestamps or metadata: the same digest gives the same bytes.
    image.save(path, format="PNG", optimize=True)
    return path
