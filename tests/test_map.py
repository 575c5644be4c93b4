"""The map page's views, drawn by the callback's function from the database, at every level."""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import pytest
from sqlalchemy import text

from callbacks.colour_map.view import view_outputs
from data_access import aggregates
from data_access.session import reading
from domain.divisions import DISTRICT, Scope
from layouts.metrics import METRICS
from layouts.view import View
from tests.helpers import (
    OUTPUTS,
    access_of,
    fill_colours,
    ids,
    logged_in_client,
    shown_codes,
    texts,
    view_callback_body,
)


def draw(view: View, dropped=(), user: str = "official") -> dict:
    return dict(zip(OUTPUTS, view_outputs(view, list(dropped), access_of(user)), strict=True))


def find(component, predicate) -> list:
    """Components in a tree (or list of trees) for which predicate holds."""
    found, stack = [], list(component) if isinstance(component, list) else [component]
    while stack:
        node = stack.pop()
        if hasattr(node, "to_plotly_json"):
            if predicate(node):
                found.append(node)
            children = getattr(node, "children", None)
            stack += children if isinstance(children, list) else [children]
    return found


@pytest.fixture(scope="module")
def district(engine):
    return draw(View())


@pytest.fixture(scope="module")
def warned(engine):
    """A warned enterprise of the demo with its community."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT credit_code, community_code FROM enterprise_stats WHERE status = 'warned'"
                                 " ORDER BY employees_red DESC, credit_code LIMIT 1")).one()


def test_district_map_has_every_community_once_in_the_colour_of_its_class(district, engine):
    figure = district["figure"]
    go.Figure(figure)  # a valid plotly figure
    codes = shown_codes(figure)
    assert len(codes) == len(set(codes)) == 99
    with engine.connect() as conn:
        ratios = dict(conn.execute(text(
            "SELECT community_code, residents_red::float / nullif(residents_green + residents_yellow"
            " + residents_red + residents_none, 0) FROM community_stats")).all())
    colour_of = fill_colours(figure)
    top = max(ratios, key=ratios.get)
    assert colour_of[top] == METRICS["red_ratio"].colours[-1]
    assert district["message"] == "" and district["time"].startswith("数据时间")


def test_map_names_communities_with_glyphs_from_the_app_only(district):
    figure = go.Figure(district["figure"])
    assert all("text" not in (getattr(t, "mode", None) or "") for t in figure.data)
    style = figure.layout.map.style
    assert "glyphs" not in style and "sprite" not in style  # no font server
    assert [source["type"] for source in style["sources"].values()] == ["geojson"]  # inline data, no tiles
    faces = [face["url"] for stack in style["font-faces"].values() for face in stack]
    assert faces == ["/assets/glyphs/community-names.woff"]
    layers = figure.layout.map.layers
    assert {layer.symbol.text for layer in layers} == {"{name}"} and {layer.symbol.icon for layer in layers} == {""}
    names = [f["properties"]["name"] for layer in layers for f in layer.source["features"]]
    assert len(names) == 99 and "台州路" in names and "拱宸" in names


def test_legend_has_one_entry_per_class_and_names_the_metric(district):
    labels = texts(district["legend"])
    assert "红码率" in labels and "%" in labels
    assert len(find(district["legend"], lambda n: getattr(n, "className", "") == "legend-item")) >= 2


def test_kpis_are_the_area_totals(district, engine):
    with engine.connect() as conn:
        red, warned = conn.execute(text("SELECT sum(residents_red), sum(enterprises_warned)"
                                        " FROM community_stats")).one()
    values = texts(district["kpis"])
    assert f"{red:,}" in values and f"{warned:,}" in values


def test_the_side_list_names_every_community_with_a_link_one_level_down(district):
    links = find(district["side"], lambda n: type(n).__name__ in ("Link", "A") and n.className == "area-name")
    assert len(links) == 99
    assert all(re.fullmatch(r"/\?street=\d{12}&community=\d{12}", link.href) for link in links)


def test_a_street_shows_its_communities_and_a_breadcrumb_back(engine):
    view = draw(View("330105005000"))
    assert sorted(shown_codes(view["figure"])) == [f"3301050050{n}" for n in range(51, 59)]
    crumbs = find(view["breadcrumb"], lambda n: type(n).__name__ == "Link")
    assert [c.href for c in crumbs] == ["/"]
    assert "拱宸桥街道" in texts(view["breadcrumb"])


def test_a_community_shows_its_enterprises_as_points_coloured_by_status(engine, warned):
    code, community = warned
    view = draw(View(community[:9] + "000", community))
    with engine.connect() as conn:
        expected = conn.execute(text("SELECT count(*) FROM enterprise WHERE community_code = :c"),
                                {"c": community}).scalar()
    points = [t for t in view["figure"]["data"] if t["type"] == "scattermap" and t["mode"] == "markers"]
    assert len(points) == 1 and len(points[0]["lon"]) == expected
    assert code in [d[4] for d in points[0]["customdata"]]


def test_an_enterprise_shows_its_counts_and_masked_non_green_staff(engine, warned):
    code, community = warned
    view = draw(View(community[:9] + "000", community, code))
    with engine.connect() as conn:
        stats = conn.execute(text("SELECT employees_green, employees_yellow, employees_red, employees_none"
                                  " FROM enterprise_stats WHERE credit_code = :c"), {"c": code}).one()
    counts = find(view["side"], lambda n: getattr(n, "className", "") == "staff-counts")[0]
    assert counts.to_plotly_json()["props"]["data-counts"] == ",".join(str(v) for v in stats)
    rows = find(view["side"], lambda n: type(n).__name__ == "Tr" and type(n.children[0]).__name__ == "Td")
    assert len(rows) == stats[1] + stats[2] + stats[3]
    for row in rows:
        id_number, phone = row.children[1].children[0].children, row.children[1].children[2].children
        assert re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", id_number)
        assert phone == "—" or re.fullmatch(r"1\d{2}\*{4}\d{4}", phone)
    assert "警告" in texts(view["side"])


def test_an_enterprise_outside_the_community_in_the_url_is_not_shown(engine, warned):
    code, community = warned
    other = "330105005051" if community != "330105005051" else "330105005052"
    view = draw(View(other[:9] + "000", other, code))
    assert "没有找到该企业" in view["message"]
    assert "企业详情" not in texts(view["side"])


def test_dropped_url_parameters_are_named_in_the_message(engine):
    assert "metric" in draw(View(), ["metric"])["message"]


@pytest.mark.parametrize("metric", list(METRICS))
@pytest.mark.parametrize("basis", ["residents", "employees", "both"])
def test_every_metric_and_basis_draws_all_communities(engine, metric, basis):
    assert len(shown_codes(draw(View(metric=metric, basis=basis))["figure"])) == 99


def test_the_view_callback_answers_over_http_like_the_browser_asks(app_module):
    body = view_callback_body("?street=330105005000")
    response = logged_in_client(app_module, "official").post("/_dash-update-component", json=body)
    assert response.status_code == 200
    figure = json.loads(response.data)["response"][ids.MAP_DRAWN]["data"]
    assert len(shown_codes(figure)) == 8


def _colours(figure: dict) -> dict[str, str]:
    return fill_colours(figure)


def test_a_community_keeps_its_colour_from_district_to_street_and_on_the_big_screen(district, engine, as_user):
    """Fixed thresholds: a quiet street's communities are not drawn darkest because they lead their street."""
    from callbacks.bigscreen.screen import draw_screen
    from domain.classes import DEFAULT_BREAKS
    from layouts.metrics import metric_classes

    street = draw(View("330105005000"))
    with as_user("leader"):
        big = draw_screen({"key": "k", "area": "330105005000", "size": [1920, 1080], "at": 1})[2]
    with engine.connect() as conn:
        ratios = dict(conn.execute(text(
            "SELECT community_code, residents_red::float / nullif(residents_green + residents_yellow"
            " + residents_red + residents_none, 0) FROM community_stats"
            " WHERE community_code LIKE '330105005%'")).all())
    classes = metric_classes("red_ratio", DEFAULT_BREAKS["red_ratio"])
    expected = {c: classes.colours[classes.index(r)] for c, r in ratios.items()}
    at_district = _colours(district["figure"])
    assert _colours(street["figure"]) == _colours(big) == expected == {c: at_district[c] for c in expected}
    assert texts(street["legend"]) == texts(district["legend"])  # one legend at every level


@pytest.mark.parametrize("user", ["official", "gcq.official", "tzl.worker"])
def test_the_totals_from_the_map_rows_are_the_area_totals(engine, user):
    """The drill step sums the rows it drew instead of asking again: the same numbers as area_totals, for
    the district, a street and a community, within what each user may see."""
    actor = access_of(user)
    with reading(actor) as conn:
        for shown, area in ((DISTRICT, DISTRICT), (Scope("330105005000"), Scope("330105005000")),
                            (Scope("330105005000"), Scope("330105005052"))):
            if not actor.covers(area.code):
                continue
            summed = aggregates.totals_of(aggregates.community_map_rows(conn, shown), area)
            asked = aggregates.area_totals(conn, area)
            assert summed.keys() == asked.keys()
            for key, value in asked.items():
                assert summed[key] == (pytest.approx(value) if isinstance(value, float) else value), key
