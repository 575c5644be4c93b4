"""The appeals oversight tab's map and daily list of decisions, and who sees the review and reassign controls,
on the real PostGIS with the small demo: each number is compared with one computed independently from the
base tables."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
from sqlalchemy import text

from callbacks.health_services import page
from callbacks.health_services.exports import decisions_href
from data_access.health_services import appeals, oversight
from data_access.masking import mask_id_number
from data_access.session import reading
from domain.divisions import DISTRICT, Scope
from i18n import t
from layouts.health_services.oversight import OPEN_CLASSES
from layouts.metrics import NO_DATA
from tests.helpers import access_of, fill_colours, logged_in_client

GCQ = "330105005000"
BEIJING = "Asia/Shanghai"


def _open_counts(engine) -> pd.Series:
    """Open requests (open or in review) per community, every community listed, from the base tables."""
    with engine.connect() as conn:
        places = pd.read_sql(text("SELECT code FROM community"), conn)
        appeals = pd.read_sql(text("SELECT community_code FROM appeal WHERE status IN ('open', 'review')"), conn)
    counts = appeals.community_code.value_counts()
    return places.code.map(counts).fillna(0).astype(int).set_axis(places.code)


def test_the_open_requests_map_counts_equal_an_independent_count(engine):
    expected = _open_counts(engine)
    assert expected.sum() > 0
    official = access_of("official")
    with reading(official) as conn:
        rows = oversight.open_by_community(conn, DISTRICT)
        street_rows = oversight.open_by_community(conn, Scope(GCQ))
    assert {r["code"]: r["open"] for r in rows} == expected.to_dict()
    assert {r["code"] for r in street_rows} == {c for c in expected.index if c.startswith(GCQ[:9])}

    figure, legend = page.open_map_view(official)
    coloured = fill_colours(figure)
    for trace in figure["data"]:
        if trace.get("type") == "choroplethmap":
            assert [c[2] for c in trace["customdata"]] == [expected[c] for c in trace["locations"]]
    assert set(coloured) == set(expected.index)  # every community drawn, none as "no data"
    assert NO_DATA not in coloured.values()
    for code, colour in coloured.items():
        assert colour == OPEN_CLASSES.colours[OPEN_CLASSES.index(expected[code])], code
    legend_items = [c for c in legend if "legend-item" in (getattr(c, "className", "") or "")]
    assert len(legend_items) == len(OPEN_CLASSES.colours)
    assert legend[0].children == t("appeals.map.legend")


def test_the_map_is_not_drawn_for_a_role_without_oversight(engine):
    figure, legend = page.open_map_view(access_of("tzl.worker"))
    assert not any(tr.get("type") == "choroplethmap" for tr in figure["data"]) and legend == []


def _busiest_day(engine) -> date:
    with engine.connect() as conn:
        return conn.execute(text(f"""
            SELECT (decided_at AT TIME ZONE '{BEIJING}')::date FROM appeal WHERE decided_at IS NOT NULL
            GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1""")).scalar_one()


def _decided_on(engine, day: date, prefix: str = "") -> list[tuple]:
    """The day's decisions from the base tables: (number, masked ID, from → to, decision, decided at, by)."""
    with engine.connect() as conn:
        appeals = pd.read_sql(text("SELECT id, id_number, current_colour, requested_colour, status, decided_at,"
                                   " community_code FROM appeal WHERE decided_at IS NOT NULL"), conn)
        reviews = pd.read_sql(text("SELECT appeal_id, reviewer, reviewed_at, id FROM appeal_review"), conn)
    appeals["local"] = appeals.decided_at.dt.tz_convert(BEIJING)
    chosen = appeals[(appeals.local.dt.date == day) & appeals.community_code.str.startswith(prefix)]
    last = reviews.sort_values(["reviewed_at", "id"]).groupby("appeal_id").reviewer.last()
    colour = {"red": "红码", "yellow": "黄码", "green": "绿码"}
    return [(int(r.id), mask_id_number(r.id_number), f"{colour[r.current_colour]} → {colour[r.requested_colour]}",
             "予以转码" if r.status == "converted" else "不予转码", r.local.strftime("%Y-%m-%d %H:%M:%S"),
             last.get(r.id, ""))
            for r in chosen.sort_values(["decided_at", "id"]).itertuples()]


def _audits(engine, action: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_log WHERE action = :a"), {"a": action}).scalar()


def test_the_daily_decisions_file_matches_the_database_and_prints_with_title_and_rule(engine, app_module):
    day = _busiest_day(engine)
    expected = _decided_on(engine, day)
    assert expected
    client = logged_in_client(app_module, "official")
    exports_before = _audits(engine, "export")
    response = client.get(decisions_href("330105000000", day.isoformat()))
    assert response.status_code == 200, response.data[:200]
    assert _audits(engine, "export") == exports_before + 1
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    table = book.worksheets[0]
    assert table.cell(1, 1).value == t("appeals.decisions.title", area="拱墅区", day=day.isoformat())
    assert table.cell(2, 1).value.startswith("清单规则：" + t("appeals.decisions.rule"))
    assert [c.value for c in table[3]] == ["申请编号", "市平台申请编号", "身份证号", "社区", "颜色变更（原 → 申请）",
                                           "复核结论", "办结时间", "办结人"]
    assert table.page_setup.orientation == "landscape" and str(table.page_setup.paperSize) == "9"
    assert table.print_title_rows == "$3:$3"
    rows = [tuple(c.value for c in row) for row in table.iter_rows(min_row=4)]
    assert [(int(r[0]), r[2], r[4], r[5], r[6], r[7] or "") for r in rows] == expected
    assert all("*" in r[2] for r in rows)  # masked, never the full ID number


def test_a_street_gets_its_own_decisions_and_the_district_list_is_refused_to_it(engine, app_module):
    day = _busiest_day(engine)
    client = logged_in_client(app_module, "gcq.official")
    refused_before = _audits(engine, "refused")
    assert client.get(decisions_href("330105000000", day.isoformat())).status_code == 403
    assert _audits(engine, "refused") == refused_before + 1
    response = client.get(decisions_href(GCQ, day.isoformat()))
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(min_row=4, values_only=True))
    assert [int(r[0]) for r in rows] == [e[0] for e in _decided_on(engine, day, GCQ[:9])]
    assert client.get(decisions_href(GCQ, "2022-02-30")).status_code == 400


def test_only_officials_get_the_decisions_link_and_route(engine, app_module):
    assert page.decisions_link(access_of("official"), "2022-04-01") == (
        "/export/appeal-decisions.xlsx?area=330105000000&day=2022-04-01", {})
    assert page.decisions_link(access_of("leader"), None) == ("", {"display": "none"})
    worker = logged_in_client(app_module, "tzl.worker")
    assert worker.get(decisions_href("330105005052", "2022-04-01")).status_code == 403


def _open_case(engine) -> dict:
    """An open demo request of 台州路社区, as the page reads it."""
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM appeal WHERE community_code = '330105005052' AND status = 'open'"
                                  " ORDER BY id LIMIT 1")).scalar_one()
    with reading(access_of("official")) as conn:
        return appeals.appeal(conn, DISTRICT, found)


def test_case_controls_show_only_to_roles_that_may_use_them_on_that_case(engine):
    """Styles in CASE_OUTPUTS' order: three step buttons, the upload, the proposal, review, reassign."""
    button, shown, hidden = {"display": "inline-block"}, {"display": "block"}, {"display": "none"}
    steps, nothing = (button, button, button, shown, shown), (hidden,) * 5
    open_case = _open_case(engine)  # the same request as the district would see it later, by construction:
    waiting_street = {**open_case, "status": "review", "tiers": ["community", "street", "district"],
                      "tiers_done": 1, "proposed_by": "tzl.worker"}
    decided = {**waiting_street, "status": "converted", "tiers_done": 3}
    expected = {  # (user, case): (steps and proposal, review, reassign)
        ("tzl.worker", "open"): (steps, hidden, hidden),
        ("tzl.worker", "street"): (nothing, hidden, hidden),
        ("leader", "open"): (nothing, hidden, hidden),
        ("leader", "street"): (nothing, hidden, hidden),
        ("gcq.official", "open"): (steps, hidden, hidden),
        ("gcq.official", "street"): (nothing, shown, hidden),  # its tier: reviews; only the district moves
        ("official", "open"): (steps, hidden, shown),
        ("official", "street"): (nothing, hidden, shown),  # not the district's tier yet
        ("official", "converted"): (nothing, hidden, hidden),
    }
    cases = {"open": open_case, "street": waiting_street, "converted": decided}
    for (user, case), (first, review, reassign) in expected.items():
        assert page.actions_shown(access_of(user), cases[case]) == (*first, review, reassign), (user, case)
    own = {**waiting_street, "proposed_by": "gcq.official"}
    assert page.actions_shown(access_of("gcq.official"), own)[-2] == hidden  # nobody approves their own proposal

    view = page.case_view(access_of("leader"), open_case["id"])
    names = [i for i, _p in page.CASE_OUTPUTS]
    for name in ("appeals-health-save", "appeals-proposal-actions", "appeals-review-actions", "appeals-reassign-row"):
        assert view[names.index(name)] == hidden
    assert page.case_view(access_of("official"), open_case["id"])[-3:] == (hidden, shown, False)  # steps editable
    assert view[names.index("appeals-steps-form")] is True  # the leader's steps are read-only


def test_the_pages_tabs_and_configuration_show_by_role(engine):
    """(walk-in tab, oversight tab, configuration): a tab's style None is the tab shown."""
    hidden = {"display": "none"}
    assert page.parts_shown(access_of("leader")) == (hidden, None, hidden)
    assert page.parts_shown(access_of("tzl.worker")) == (None, hidden, hidden)
    assert page.parts_shown(access_of("gcq.official")) == (None, None, hidden)  # the district configures
    assert page.parts_shown(access_of("official")) == (None, None, {"display": "block"})
