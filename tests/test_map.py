"""The map page's figure and callback, called directly and through Dash's HTTP endpoint."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from sqlalchemy import text

from callbacks.map_page import map_view
from data_access.scope import DISTRICT, Scope
from layouts import ids
from layouts.metrics import METRICS


@pytest.fixture(scope="module")
def district_view(engine):
    return map_view("residents_red_ratio", DISTRICT)


def _metric_trace(figure: dict) -> dict:
    (trace,) = [t for t in figure["data"] if t["type"] == "choroplethmap" and t.get("showscale", True)]
    return trace


def test_figure_is_a_valid_plotly_figure(district_view):
    go.Figure(district_view[0])  # raises on any property plotly does not know


def test_map_has_one_feature_per_community_with_the_databases_numbers(engine, district_view):
    figure, _, when, message = district_view
    assert message == ""
    assert when.startswith("数据时间")
    metric_trace = _metric_trace(figure)
    assert len(metric_trace["geojson"]["features"]) == 99
    with engine.connect() as conn:
        expected = dict(conn.execute(text(
            "SELECT community_code, residents_red::float / nullif(residents_green + residents_yellow"
            " + residents_red + residents_none, 0) FROM community_stats")).all())
    shown = dict(zip(metric_trace["locations"], metric_trace["z"], strict=True))
    assert shown.keys() == expected.keys()
    for code, value in expected.items():
        assert shown[code] == pytest.approx(value)


@pytest.mark.parametrize("metric", list(METRICS))
def test_every_metric_colours_all_communities(engine, metric):
    figure, kpis, _, message = map_view(metric, DISTRICT)
    assert message == "" and len(kpis) == 8
    assert len(_metric_trace(figure)["z"]) == 99
    assert figure["layout"]["map"]["style"] == "white-bg"


def test_street_outlines_are_drawn_over_the_communities(district_view):
    (lines,) = [t for t in district_view[0]["data"] if t["type"] == "scattermap"]
    assert lines["mode"] == "lines"
    assert sum(1 for v in lines["lon"] if v is None) >= 10  # at least one ring per street


def test_map_draws_no_text_that_would_need_online_glyphs(district_view):
    figure = go.Figure(district_view[0])
    for trace in figure.data:
        assert "text" not in (getattr(trace, "mode", None) or "")
    assert figure.layout.map.layers == ()


def test_kpi_tiles_show_the_district_totals(engine, district_view):
    kpis = {tile.to_plotly_json()["props"]["data-kpi"]: tile for tile in district_view[1]}
    with engine.connect() as conn:
        red = conn.execute(text("SELECT count(*) FROM person p JOIN health_code h USING (id_number)"
                                " WHERE p.community_code IS NOT NULL AND h.colour = 'red'")).scalar()
        warned = conn.execute(text("SELECT count(*) FROM enterprise_stats WHERE status = 'warned'")).scalar()
    assert _tile_value(kpis["residents_red"]) == f"{red:,}"
    assert _tile_value(kpis["enterprises_warned"]) == f"{warned:,}"


def _tile_value(tile) -> str:
    return tile.children[1].children[0].children


def test_a_street_scope_shows_only_its_communities(engine):
    figure, *_ = map_view("residents_red", Scope("330105005000"))
    codes = set(_metric_trace(figure)["locations"])
    assert len(codes) == 8 and all(c.startswith("330105005") for c in codes)


def test_unknown_metric_gets_a_message_not_an_error(engine):
    figure, kpis, _, message = map_view("'; DROP TABLE person; --", DISTRICT)
    assert "未知的指标" in message and kpis == [] and not figure["data"]


def test_callback_answers_over_http_like_the_browser_asks(engine):
    import app

    outputs = [(ids.MAP, "figure"), (ids.KPIS, "children"), (ids.DATA_TIME, "children"),
               (ids.MESSAGE, "children")]
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": ids.METRIC, "property": "value", "value": "residents_yellow"}],
        "changedPropIds": [f"{ids.METRIC}.value"],
        "state": [],
    }
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200
    figure = json.loads(response.data)["response"][ids.MAP]["figure"]
    assert len(_metric_trace(figure)["locations"]) == 99
