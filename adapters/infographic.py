"""The infographic PNG of one post, drawn locally with Pillow: no network, no fonts to
fetch. Data in, image out; the data is computed by :func:`adapters.jekyll.infographic_data`
so it can be tested without looking at pixels.

Labels are in the post's language, drawn with the font the package ships
(``adapters/fonts``: Noto Sans CJK TC, subset to the infographic's catalog strings plus
Latin, digits and punctuation, so it stays small). A label with a character that font
lacks is drawn in English instead, never as a box (tofu): a new catalog string needs the
font regenerated (``tools/subset_font.py``; a test says so). Headlines and outlet names
come from the sources, so they may need any glyph: each is drawn with the first font that
has all of its characters (the shipped one, then installed CJK and Latin fonts), and
what no font has is left out. Layout: a header with the title and the two counts the post
rests on (stories told, candidate articles), then three panels that fill the height:
articles per publication day, per source, and the most widely carried stories.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from bot.i18n import DEFAULT_LANGUAGE, text

WIDTH, HEIGHT = 1200, 630
MARGIN = 40
HEADER_BOTTOM = 160
BACKGROUND = (250, 250, 247)
INK = (30, 30, 30)
MUTED = (110, 110, 110)
RULE = (215, 215, 210)
BARS = ((46, 117, 182), (232, 97, 44), (90, 155, 90))
Font = ImageFont.FreeTypeFont

FONT_DIR = Path(__file__).parent / "fonts"
BUNDLED_FONT = FONT_DIR / "NotoSansCJKtc-Regular-subset.otf"
"""The shipped font: every label's glyphs in every catalog language (see LABEL_KEYS)."""
LABEL_KEYS = (
    "info_told",
    "info_candidates",
    "info_per_day",
    "info_per_day_note",
    "info_per_source",
    "info_top",
    "info_outlet",
    "info_outlets",
    "info_none",
)
"""The catalog strings the infographic draws: the shipped font must cover them all."""

# Installed fonts for headlines the shipped one cannot show whole: (path, face in a
# collection). Debian/Ubuntu, Fedora, macOS; face 3 of Noto's collection is its TC one.
SYSTEM_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 3),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 3),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 3),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", 0),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", 0),
)
# Scripts written without spaces: a headline missing one of their glyphs loses them all
# rather than keep a few scattered characters.
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
class Face:
    """One font file (one face of a collection) and the characters it has."""

    path: str
    index: int
    characters: frozenset[int]

    def covers(self, value: str) -> bool:
        return all(ord(c) in self.characters for c in value if not c.isspace())

    def size(self, points: int) -> Font:
        return _truetype(self.path, self.index, points)


@cache  # a handful of faces and sizes, loaded once per process
def _truetype(path: str, index: int, points: int) -> Font:
    return ImageFont.truetype(path, points, index=index)


def _face(path: str | Path, index: int = 0) -> Face | None:
    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
        face = Face(str(path), index, frozenset(cmap))
        face.size(12)  # FreeType can read it too
    except Exception:  # a missing or unreadable font is one fewer fallback
        return None
    return face


@cache
def bundled_face() -> Face:
    face = _face(BUNDLED_FONT)
    if face is None:  # the package is broken: say so rather than draw boxes
        raise FileNotFoundError(f"the infographic's font is missing: {BUNDLED_FONT}")
    return face


@cache
def _faces() -> tuple[Face, ...]:
    """The shipped face, then the installed fallbacks, for text from the sources."""
    found = [_face(path, index) for path, index in SYSTEM_FONTS if Path(path).is_file()]
    return (bundled_face(), *(face for face in found if face is not None))


class _Writer:
    """Draws text the fonts can show, in the labels' language."""

    def __init__(self, draw: ImageDraw.ImageDraw, data: InfographicData) -> None:
        self.draw = draw
        self.language = data.language
        self.faces = _faces()
        self.face = self.faces[0]

    def size(self, points: int) -> Font:
        return self.face.size(points)

    def label(self, key: str, **values: object) -> str:
        """The catalog's ``key`` in the post's language when the shipped font has all its
        glyphs, else in English (which it always has)."""
        wanted = text(self.language, key, **values)
        return wanted if self.face.covers(wanted) else text(DEFAULT_LANGUAGE, key, **values)

    def showable(self, value: str, points: int) -> tuple[str, Font]:
        """``value`` and a font that draws all of it: the first face that has every glyph,
        else the shipped one with what it lacks left out."""
        for face in self.faces:
            if face.covers(value):
                return value, face.size(points)
        if not self.face.covers("".join(_CJK.findall(value))):
            value = _CJK.sub(" ", value)
        value = "".join(c for c in value if c.isspace() or self.face.covers(c))
        return " ".join(value.split()), self.size(points)

    def fit(self, value: str, font: Font, width: int) -> str:
        if self.draw.textlength(value, font=font) <= width:
            return value
        while value and self.draw.textlength(value + "…", font=font) > width:
            value = value[:-1]
        return value.rstrip() + "…"

    def wrap(self, value: str, points: int, width: int, lines: int) -> tuple[list[str], Font]:
        """At most ``lines`` lines of ``width``, cut at spaces (or anywhere, for CJK)."""
        shown, font = self.showable(value, points)
        words = shown.split(" ")
        out: list[str] = []
        while words and len(out) < lines:
            line = words.pop(0)
            while words and self.draw.textlength(f"{line} {words[0]}", font=font) <= width:
                line += " " + words.pop(0)
            out.append(line)
        if words:
            out[-1] = " ".join([out[-1], *words])
        return [self.fit(line, font, width) for line in out], font

    def at(self, xy: tuple[float, float], value: str, font: Font, fill: tuple[int, ...]) -> None:
        self.draw.text(xy, value, fill=fill, font=font)

    def source_text(
        self, xy: tuple[float, float], value: str, points: int, width: int, fill: tuple[int, ...]
    ) -> None:
        """One line of text from the sources (a title), fitted to ``width``."""
        shown, font = self.showable(value, points)
        self.at(xy, self.fit(shown, font, width), font, fill)


def _header(w: _Writer, data: InfographicData) -> None:
    big, small = w.size(44), w.size(18)
    w.source_text((MARGIN, 26), data.title, 34, WIDTH - 2 * MARGIN, INK)
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
    heading, small = w.size(20), w.size(15)
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
    heading, small = w.size(20), w.size(15)
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
        lines, font = w.wrap(name, 15, right - left, 2 if row_h >= 70 else 1)
        for n, line in enumerate(lines):
            w.at((left, y + n * 19), line, font, INK)
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
