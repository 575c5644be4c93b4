"""The daily brief (每日简报): one request makes today's PDF with the headlines (text read back from the PDF),
the three-colour map as an image and the Chinese font embedded; it is kept, audited and reopened by leaders,
and PostgreSQL keeps a street's user to his street's briefs."""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader
from sqlalchemy import text

from tests.helpers import logged_in_client


def _plain(value: str) -> str:
    """The text without spaces; NFKC, since the font's ToUnicode map gives Kangxi radicals (⽇) for some
    characters (日)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def _fonts(reader: PdfReader) -> list[tuple[str, str, bool]]:
    """Every font the pages use: (its subtype, its descendant's subtype, whether its glyphs are in the file)."""
    found = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in [d.get_object() for d in font.get("/DescendantFonts") or []] or [font]:
                descriptor = descendant.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                found.append((str(font.get("/Subtype")), str(descendant.get("/Subtype")),
                              any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))))
    return found


def test_the_brief_holds_the_headlines_the_map_image_and_its_font_and_is_kept(app_module, engine):
    leader = logged_in_client(app_module, "leader")
    response = leader.get("/scoreboard/brief.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    words = _plain("".join(page.extract_text() for page in reader.pages))
    with engine.connect() as conn:
        received = conn.execute(text("SELECT count(*) FROM appeal")).scalar()
        enterprises = conn.execute(text("SELECT count(*) FROM enterprise")).scalar()
        migrants = conn.execute(text("SELECT count(*) FROM mg_migrant")).scalar()
        kept = conn.execute(text("SELECT id, area, made_by, sha256 FROM scoreboard_brief ORDER BY id DESC")).first()
        audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'scoreboard_brief'"
                                    " AND detail->>'brief' = :i"), {"i": str(kept.id)}).scalar()
    for expected in ("拱墅区每日简报", f"累计收到复核申请{received}条", f"涵盖企业{enterprises}家",
                     f"共收录流动人口信息{migrants}条", "街道工作排名", "今日变化（较昨日）"):
        assert _plain(expected) in words, expected
    assert sum(len(page.images) for page in reader.pages) >= 1  # the three-colour map, as an image
    fonts = _fonts(reader)  # the Chinese glyphs travel with the file, as a TrueType CID font (never Type 3)
    assert fonts and set(fonts) == {("/Type0", "/CIDFontType2", True)}
    assert (kept.area, kept.made_by, audited) == ("330105000000", "leader", 1)
    again = leader.get(f"/scoreboard/brief/{kept.id}.pdf")
    assert again.status_code == 200 and again.data == response.data


def test_a_street_official_cannot_reopen_the_districts_brief(app_module, engine):
    with engine.connect() as conn:
        district = conn.execute(text("SELECT id FROM scoreboard_brief WHERE area = '330105000000' LIMIT 1")).scalar()
    if district is None:  # this module run alone: make one
        leader = logged_in_client(app_module, "leader")
        assert leader.get("/scoreboard/brief.pdf").status_code == 200
        with engine.connect() as conn:
            district = conn.execute(text("SELECT max(id) FROM scoreboard_brief")).scalar()
    official = logged_in_client(app_module, "gcq.official")
    assert official.get(f"/scoreboard/brief/{district}.pdf").status_code == 404
    worker = logged_in_client(app_module, "tzl.worker")
    assert worker.get("/scoreboard/brief.pdf").status_code == 403
