"""The brief's Chinese font, made to travel in the PDF as a TrueType CID font (CIDFontType2 with FontFile2).

Chromium's PDF writer embeds TrueType fonts as such, but draws the glyphs of a CFF font (Debian's Noto Sans
CJK collection is one) and of a synthetic bold as Type 3 procedures, which some readers and printers render
poorly and whose text is hard to search. So the brief carries its own font: Noto Sans CJK SC Regular and Bold
cut down to the characters of that brief (fontTools' subsetter, some 20-40 KB each), their cubic outlines
turned into TrueType's quadratic ones (cu2qu), handed to the page as @font-face data (nothing is fetched)."""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

FAMILY = "SansetuBrief"
FONTS = {"normal": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
         "bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")}  # Debian's fonts-noto-cjk
SOURCE_FAMILY = "Noto Sans CJK SC"
ALWAYS = "0123456789.,:;%+-−×·（）()：，。、—–↑↓ "
MAX_ERROR = 1.0  # font units (of 1000 an em): how far a quadratic outline may stray from the cubic one


def font_face_css(page_text: str) -> str:
    """@font-face rules of the brief's family in both weights, holding exactly the characters of page_text
    (empty if the font is not installed: the page then falls back to the system's fonts)."""
    return _font_face_css("".join(sorted(set(page_text + ALWAYS))))


@lru_cache(maxsize=8)
def _font_face_css(characters: str) -> str:
    """Kept per set of characters: one day's brief uses the same as the day before (names, words, digits),
    and cutting the two fonts down takes a second or more."""
    rules = []
    for weight, path in FONTS.items():
        if not path.exists():
            continue
        data = base64.b64encode(truetype_subset(path, characters)).decode()
        rules.append(f"@font-face {{ font-family: '{FAMILY}'; font-weight: {weight}; font-style: normal;"
                     f" src: url(data:font/ttf;base64,{data}) format('truetype'); }}")
    return "\n".join(rules)


def truetype_subset(path: Path, characters: str) -> bytes:
    """The collection's SC font cut down to the characters, with TrueType (glyf) outlines."""
    collection = TTCollection(str(path), lazy=True)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == SOURCE_FAMILY)
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(sorted(set(characters))))
    cutter.subset(font)
    if "CFF " in font:
        _to_truetype(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _to_truetype(font: TTFont) -> None:
    """CFF outlines to glyf/loca (the glyph order and metrics stay as they are)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxPoints", "maxContours",
                  "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat, font["head"].glyphDataFormat = 0, 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"
