"""Community names on the map: where each goes, from which zoom, in which colour, and the font they are drawn
from (served by the app, holding every character of the names)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from data_access.map_labels import label_names
from domain.divisions import DISTRICT
from geo.labels import label_point
from layouts.map_labels import DARK_TEXT, LIGHT_TEXT, label_layers, short_name, text_size
from layouts.metrics import REDS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_glyphs  # noqa: E402

SHIPPED = ROOT / "assets" / "glyphs" / "community-names.woff"


def polygon(*rings) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [list(r) for r in rings]})


def box(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def row(code: str, name: str, geojson: str) -> dict:
    return {"code": code, "name": name, "geojson": geojson}


def test_a_long_flat_community_is_labelled_on_its_middle_line_and_is_as_deep_as_it_is_half_tall():
    point = label_point(polygon(box(120.00, 30.000, 120.04, 30.010)))
    assert 120.005 < point.lon < 120.035 and point.lat == pytest.approx(30.005, abs=1e-4)
    # 0.005 degrees of latitude look 1/cos(30°) times as long as 0.005 degrees of longitude on the map
    assert point.radius == pytest.approx(0.005 / math.cos(math.radians(30.005)), rel=0.02)


def test_an_l_shaped_community_is_labelled_in_its_thick_arm_not_at_its_centroid_outside_it():
    shape = [[120, 30], [120.03, 30], [120.03, 30.01], [120.01, 30.01], [120.01, 30.03], [120, 30.03], [120, 30]]
    point = label_point(polygon(shape))
    assert point.lon < 120.01 or point.lat < 30.01  # inside the L
    assert point.radius > 0.004


def test_a_community_in_parts_is_labelled_in_its_largest_part():
    multi = json.dumps({"type": "MultiPolygon", "coordinates": [
        [box(120.00, 30.00, 120.001, 30.001)], [box(120.10, 30.10, 120.12, 30.12)]]})
    point = label_point(multi)
    assert 120.10 < point.lon < 120.12 and 30.10 < point.lat < 30.12


def test_labels_leave_off_the_suffix_every_community_has_but_never_leave_a_name_empty_or_one_character():
    assert short_name("台州路社区") == "台州路"
    assert short_name("社区") == "社区" and short_name("新社区") == "新社区" and short_name("红石板") == "红石板"


def _zoom_of(layers: list[dict], name: str) -> float:
    return next(layer["minzoom"] for layer in layers for f in layer["source"]["features"]
                if f["properties"]["name"] == name)


def test_a_name_shows_from_the_zoom_at_which_it_fits_so_longer_names_and_bigger_text_wait_for_more_zoom():
    rows = [row("330105005051", "米市社区", polygon(box(120.00, 30.0, 120.01, 30.01))),
            row("330105005052", "杭玻阔板桥社区", polygon(box(120.02, 30.0, 120.03, 30.01))),
            row("330105005053", "米巷社区", polygon(box(120.04, 30.0, 120.08, 30.04)))]
    page = label_layers(rows, {}, (900, 640))
    wall = label_layers(rows, {}, (2304, 1684))
    assert _zoom_of(page, "米市") < _zoom_of(page, "杭玻阔板桥")  # same community size, longer name
    assert _zoom_of(page, "米巷") < _zoom_of(page, "米市")  # same length, larger community
    assert text_size((2304, 1684)) > text_size((900, 640)) and _zoom_of(wall, "米市") > _zoom_of(page, "米市")
    # two characters of 13 px at 0.7 of the width: the 0.005-degree circle is 18.2 px across from 2**z
    assert _zoom_of(page, "米市") == math.ceil(4 * math.log2(0.7 * 26 * 360 / (512 * 0.01))) / 4
    # the names placed first (MapLibre places the last layer first) are the ones that fit earliest
    assert [f["properties"]["name"] for f in page[-1]["source"]["features"]] == ["米巷"]


def test_names_on_dark_fills_are_white_and_on_pale_fills_dark():
    rows = [row("330105005051", "米市社区", polygon(box(120.00, 30.0, 120.01, 30.01))),
            row("330105005052", "锦绣社区", polygon(box(120.02, 30.0, 120.03, 30.01)))]
    layers = label_layers(rows, {"330105005051": REDS[-1], "330105005052": REDS[0]}, (900, 640))
    colour = {f["properties"]["name"]: layer["symbol"]["textfont"]["color"]
              for layer in layers for f in layer["source"]["features"]}
    assert colour == {"米市": LIGHT_TEXT, "锦绣": DARK_TEXT}


def test_the_shipped_font_holds_every_character_of_the_districts_names_and_the_digits(conn):
    names = label_names(conn, DISTRICT)
    assert "台州路社区" in names and "拱宸桥街道" in names and len(names) == 99 + 10
    covered = {chr(c) for c in TTFont(SHIPPED).getBestCmap()}
    assert set("".join(names)) | set("0123456789") == covered
    assert SHIPPED.stat().st_size < 100_000


def test_the_build_cuts_the_installed_font_to_the_text_and_gives_the_same_bytes_for_the_same_names(tmp_path):
    assert build_glyphs.FONT.exists(), "fonts-noto-cjk is missing: make test installs it"
    text = build_glyphs.characters(["台州路社区", "拱宸桥街道"])
    assert set(text) == set("0123456789台州路社区拱宸桥街道") and len(text) == 20
    first, second = tmp_path / "a.woff", tmp_path / "b.woff"
    build_glyphs.build(build_glyphs.FONT, text, first)
    build_glyphs.build(build_glyphs.FONT, text, second)
    font = TTFont(first)
    assert font.flavor == "woff" and {chr(c) for c in font.getBestCmap()} == set(text)
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC" and "Open Font License" in font["name"].getDebugName(13)
    assert first.read_bytes() == second.read_bytes()


def _boxes(placed, names: dict[str, str], center, zoom, box) -> list[tuple[float, float, float, float]]:
    from geo.labels import WORLD, _pixel

    scale = WORLD * 2 ** zoom
    cx, cy = _pixel(*center, scale)
    out = []
    for p in placed:
        x, y = _pixel(p.lon, p.lat, scale)
        x, y, w, h = x - cx + box[0] / 2, y - cy + box[1] / 2, len(names[p.code]) * p.size, 1.2 * p.size
        out.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    return out


def _apart(boxes) -> bool:
    return all(a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
               for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_on_a_fixed_view_every_crowded_community_is_named_in_place_or_beside_it_and_no_names_overlap():
    from geo.labels import place_names

    # a 6 x 6 block of small squares, four-character names: too long for most of them at 22 px
    rows = [row(f"3301050050{i:02d}", f"社区名称{i:02d}", polygon(box(120.0 + 0.004 * (i % 6), 30.0 + 0.004 * (i // 6),
                                                                   120.004 + 0.004 * (i % 6),
                                                                   30.004 + 0.004 * (i // 6))))
            for i in range(36)]
    names = {r["code"]: f"名称{r['code'][-2:]}" for r in rows}
    center, zoom, view = (120.012, 30.012), 13.0, (1100, 800)
    placed = place_names([(r["code"], len(names[r["code"]]), r["geojson"]) for r in rows], center, zoom, view,
                         (22, 18, 14))
    assert sorted(p.code for p in placed) == sorted(names)
    assert any(p.leader for p in placed) and any(not p.leader for p in placed)
    boxes = _boxes(placed, names, center, zoom, view)
    assert _apart(boxes)
    assert all(b[0] >= 0 and b[2] <= view[0] and b[1] >= 0 and b[3] <= view[1] for b in boxes)


def test_the_big_screen_names_every_community_of_the_district(conn):
    from callbacks.bigscreen.screen import screen_content

    figure = screen_content(conn, DISTRICT.code, (1920, 1080))[2]
    named = [f["properties"]["code"] for layer in figure["layout"]["map"]["layers"]
             for f in layer["source"]["features"]]
    assert len(named) == len(set(named)) == 99
    assert all(layer["minzoom"] == 0 for layer in figure["layout"]["map"]["layers"])
