"""The infographic PNG of one post, drawn locally with Pillow: no network, no fonts to
fetch. A CJK-capable system font is used when one is installed (headlines may be Chinese),
else Pillow's bundled scalable font. Data in, image out; the data is computed by
:func:`adapters.jekyll.infographic_data` so it can be tested without looking at pixels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
BACKGROUND = (250, 250, 247)
INK = (30, 30, 30)
BARS = ((232, 97, 44), (46, 117, 182), (90, 155, 90))
LABEL_CHARS = 48
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class InfographicData:
    title: str
    per_source: tuple[tuple[str, int], ...]
    """Stories per outlet (host) in the digest's window, most first."""
    per_day: tuple[tuple[str, int], ...]
    """Stories per digest day over the week ending on the post's date, oldest first."""
    top_clusters: tuple[tuple[str, int], ...]
    """The most widely carried stories: headline and number of outlets."""


# Common install paths of fonts with CJK glyphs (Debian/Ubuntu, Fedora, macOS).
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


def _font(size: int) -> Font:
    for candidate in CJK_FONTS:
        if Path(candidate).is_file():
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _panel(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    heading: str,
    rows: tuple[tuple[str, int], ...],
    colour: tuple[int, int, int],
    font: Font,
    small: Font,
) -> None:
    left, top, right, bottom = box
    draw.text((left, top), heading, fill=INK, font=font)
    if not rows:
        draw.text((left, top + 40), "none", fill=INK, font=small)
        return
    peak = max(count for _, count in rows) or 1
    row_h = min(44, (bottom - top - 40) // len(rows))
    for i, (name, count) in enumerate(rows):
        y = top + 40 + i * row_h
        draw.text((left, y), _label(name), fill=INK, font=small)
        bar_w = int((right - left - 40) * count / peak)
        draw.rectangle((left, y + 18, left + max(bar_w, 2), y + row_h - 6), fill=colour)
        draw.text((left + max(bar_w, 2) + 6, y + 16), str(count), fill=INK, font=small)


def draw_infographic(data: InfographicData, path: Path) -> Path:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title, font, small = _font(34), _font(22), _font(15)
    draw.text((40, 24), data.title, fill=INK, font=title)
    third = (WIDTH - 80) // 3
    panels = (
        ("Stories per source", data.per_source[:8]),
        ("Stories per day", data.per_day[-7:]),
        ("Top stories (outlets)", data.top_clusters[:5]),
    )
    for i, (heading, rows) in enumerate(panels):
        left = 40 + i * third
        _panel(
            draw, (left, 90, left + third - 30, HEIGHT - 30), heading, rows, BARS[i], font, small
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # No timestamps or metadata: the same digest gives the same bytes.
    image.save(path, format="PNG", optimize=True)
    return path
