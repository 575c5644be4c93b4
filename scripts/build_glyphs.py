"""Build the font the map's labels are drawn from: the installed Noto Sans CJK SC Bold, cut down to exactly the
characters of the community and street names plus the digits (about 40 KB instead of 20 MB).

MapLibre draws label text from this file, named in the map style's font-faces and served from /assets/, so no
glyph is fetched from any other host. `make db` runs this after the demo is loaded; run it again after boundaries
with new names are imported. Without the installed font it keeps the shipped file (built from the demo's names).

    python scripts/build_glyphs.py [--font PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

from data_access.engine import get_engine
from data_access.map_labels import label_names
from domain.divisions import DISTRICT
from i18n import t

ROOT = Path(__file__).resolve().parent.parent
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")  # Debian's fonts-noto-cjk
FAMILY = "Noto Sans CJK SC"
OUT = ROOT / "assets" / "glyphs" / "community-names.woff"
EXTRA = "0123456789"


def characters(names: list[str]) -> str:
    """The characters to keep: every one the names use, and the digits."""
    return "".join(sorted(set("".join(names)) | set(EXTRA)))


def build(font_path: Path, text: str, out: Path) -> None:
    collection = TTCollection(str(font_path), recalcTimestamp=False)  # the same names give the same bytes
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)
    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and the licence (SIL OFL 1.1)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/build_glyphs.py")
    parser.add_argument("--font", type=Path, default=FONT)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.font.exists():
        print(t("glyphs.no_font", font=args.font), file=sys.stderr)
        return 0
    with get_engine().connect() as conn:
        text = characters(label_names(conn, DISTRICT))
    build(args.font, text, args.out)
    print(t("glyphs.built", path=args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out,
            count=len(text), size=args.out.stat().st_size // 1024))
    return 0


if __name__ == "__main__":
    sys.exit(main())
