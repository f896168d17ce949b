"""Regenerate the infographic's font: Noto Sans CJK TC subset to what the infographic draws.

    apt-get install -y fonts-noto-cjk        # the source font (Debian/Ubuntu)
    .venv/bin/python tools/subset_font.py    # writes adapters/fonts/*.otf and OFL.txt

The subset holds every character of the infographic's catalog strings (LABEL_KEYS of
``adapters.infographic``) in every catalog language, plus printable ASCII, Latin-1 and
Latin Extended-A (accented names in headlines), general punctuation (proportional, as
Latin text wants it) and the CJK and full-width punctuation Chinese text uses. Run it
again after adding or changing one of those strings (tests/test_infographic.py fails
until you do). The output is the same
bytes for the same input: no timestamps are recalculated.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.infographic import BUNDLED_FONT, FONT_DIR, LABEL_KEYS  # noqa: E402
from bot.i18n import CATALOG  # noqa: E402

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TC_FACE = 3  # the collection's faces: JP, KR, SC, TC, HK, then the Mono ones
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
LICENCE = FONT_DIR / "OFL.txt"
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
RANGES = (
    (0x20, 0x7E),  # printable ASCII
    (0xA0, 0x17F),  # Latin-1 Supplement, Latin Extended-A
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x2030, 0x203A),  # per mille, primes, angle quotes
    (0x2190, 0x2193),  # arrows
    (0x3000, 0x3011),  # CJK space, 、。〈〉《》「」『』【】
    (0xFF01, 0xFF1F),  # full-width ！（），：；？ and digits
)


def characters() -> str:
    wanted = {chr(c) for low, high in RANGES for c in range(low, high + 1)}
    for strings in CATALOG.values():
        for key in LABEL_KEYS:
            wanted.update(_PLACEHOLDER.sub("", strings[key]))
    return "".join(sorted(c for c in wanted if not c.isspace() or c == " "))


def proportional_latin(font: TTFont) -> int:
    """Point the Latin punctuation at the font's proportional glyphs (its ``pwid``
    feature): a CJK font draws ‘’“”… full-width by default, which gapes in a Latin
    headline. Returns how many characters were moved."""
    substitutes: dict[str, str] = {}
    gsub = font["GSUB"].table
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag != "pwid":
            continue
        for index in record.Feature.LookupListIndex:
            for table in gsub.LookupList.Lookup[index].SubTable:
                substitutes.update(getattr(table, "mapping", {}))
    latin = {c for low, high in RANGES[:4] for c in range(low, high + 1)}
    moved = 0
    for table in font["cmap"].tables:
        for code, glyph in list(table.cmap.items()):
            if code in latin and glyph in substitutes:
                table.cmap[code] = substitutes[glyph]
                moved += 1
    return moved


def licence_text(font: TTFont, copyright_file: Path) -> str:
    """The font's copyright notice, then the SIL Open Font License 1.1 as Debian ships it."""
    notice = font["name"].getDebugName(0) or ""
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    start = lines.index("License: SIL-1.1", lines.index("License: SIL-1.1") + 1) + 1
    body = []
    for line in lines[start:]:
        if line and not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    header = (
        f"{notice}\n\nThis is a subset of Noto Sans CJK TC Regular, made by\n"
        "tools/subset_font.py from Debian's fonts-noto-cjk package.\n\n"
    )
    return header + "\n".join(body).strip("\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="Noto Sans CJK .ttc")
    parser.add_argument("--face", type=int, default=TC_FACE, help="face index in the .ttc")
    parser.add_argument("--copyright", type=Path, default=DEBIAN_COPYRIGHT)
    args = parser.parse_args()
    if not args.source.is_file():
        parser.error(f"{args.source} is missing: apt-get install -y fonts-noto-cjk")
    font = TTFont(args.source, fontNumber=args.face, recalcTimestamp=False)
    proportional_latin(font)
    options = subset.Options()
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.name_languages = ["*"]
    options.hinting = False  # drawn at fixed sizes in a PNG: hints only add bytes
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    FONT_DIR.mkdir(parents=True, exist_ok=True)
    font.save(BUNDLED_FONT)
    LICENCE.write_text(licence_text(font, args.copyright), encoding="utf-8")
    print(f"{BUNDLED_FONT.relative_to(ROOT)}: {BUNDLED_FONT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
