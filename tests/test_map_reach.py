"""Enterprises one search away, managed persons by kind, numbers with their units (#13 items 3, 8, 12)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from callbacks.colour_map.view import view_outputs
from data_access import aggregates
from data_access.colour_map import queries
from domain.divisions import DISTRICT, Scope
from domain.registers import MANAGED_KINDS
from layouts.view import View
from tests.helpers import OUTPUTS, access_of, choropleths, texts

LIVE = "start_date <= current_date AND (end_date IS NULL OR end_date >= current_date)"


def draw(view: View, user: str = "official") -> dict:
    return dict(zip(OUTPUTS, view_outputs(view, [], access_of(user)), strict=True))


def find(component, predicate) -> list:
    found, stack = [], list(component) if isinstance(component, list) else [component]
    while stack:
        node = stack.pop()
        if hasattr(node, "to_plotly_json"):
            if predicate(node):
                found.append(node)
            children = getattr(node, "children", None)
            stack += children if isinstance(children, list) else [children]
    return found


def _prop(node, name: str):
    return node.to_plotly_json()["props"].get(name)


def _listed_by_kind(conn, prefix: str) -> dict[str, int]:
    """The flat list's persons under management today, counted from managed_person itself."""
    rows = conn.execute(text(f"SELECT kind, count(*) FROM managed_person WHERE {LIVE}"
                             " AND community_code LIKE :p GROUP BY kind"), {"p": prefix + "%"}).all()
    return {k: dict(rows).get(k, 0) for k in MANAGED_KINDS}


MEASURE_KIND = {"centralised": "centralised_isolation", "home": "home_isolation"}
BATCH_KIND = {"close_contact": "close_contact", "inbound": "inbound", "port_check": "inbound",
              "key_area": "key_area_returnee"}


def managed_today(conn) -> list[tuple[str, str | None]]:
    """(community, kind) of every person the map should count today (the Beijing day), worked out here in Python
    from the base tables, not through the views the application reads: the key-persons module's measures in
    force, and the flat list's persons not under a measure of the module over their listed period."""
    module = conn.execute(text("""
        SELECT t.community_code, t.measure, b.kind, t.measure_start, k.id_number,
               (t.released_at AT TIME ZONE 'Asia/Shanghai')::date AS released,
               (now() AT TIME ZONE 'Asia/Shanghai')::date AS today
        FROM kp_task t JOIN kp_batch b ON b.id = t.batch_id JOIN kp_person k ON k.id = t.person_id
        WHERE t.measure IS NOT NULL""")).all()
    listed = conn.execute(text("SELECT community_code, kind, id_number, start_date, end_date FROM managed_person"
                               " WHERE start_date <= :d AND (end_date IS NULL OR end_date >= :d)"),
                          {"d": conn.execute(text("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date")).scalar()}).all()
    counted = [(c, MEASURE_KIND.get(m) or BATCH_KIND.get(b)) for c, m, b, start, _i, released, today in module
               if start <= today and released is None]
    periods: dict[str, list] = {}
    for _c, _m, _b, start, id_no, released, _t in module:
        periods.setdefault(id_no, []).append((start, released))

    def taken(id_no, start, end) -> bool:
        return any(s <= (end or s.max) and (r is None or r > start) for s, r in periods.get(id_no, []))

    return counted + [(c, k) for c, k, id_no, start, end in listed if not taken(id_no, start, end)]


def _managed_by_kind(conn, prefix: str) -> dict[str, int]:
    found = [k for c, k in managed_today(conn) if c.startswith(prefix)]
    return {k: found.count(k) for k in MANAGED_KINDS} | {"total": len(found)}


@pytest.fixture
def busy_community(conn):
    """Managed persons of every kind in one community, some ended or not yet started (not counted)."""
    community = "330105005052"
    people = conn.execute(text("SELECT id_number FROM person WHERE community_code = :c ORDER BY id_number"
                               " LIMIT 12"), {"c": community}).scalars().all()
    conn.execute(text("DELETE FROM managed_person WHERE community_code = :c"), {"c": community})
    plan = [(k, 0, None) for k in MANAGED_KINDS] + [("home_isolation", 2, None), ("inbound", 1, -3),
                                                    ("inbound", 20, 5), ("close_contact", 20, 15),
                                                    ("inbound", -3, None)]
    for person, (kind, started, ends) in zip(people, plan, strict=False):
        conn.execute(text("INSERT INTO managed_person (id_number, kind, community_code, start_date, end_date)"
                          " VALUES (:p, :k, :c, current_date - CAST(:s AS integer),"
                          " current_date - CAST(:e AS integer))"),
                     {"p": person, "k": kind, "c": community, "s": started, "e": ends})
    return community


def test_managed_persons_by_kind_equal_an_independent_count(conn, busy_community):
    assert _listed_by_kind(conn, busy_community) == {"centralised_isolation": 1, "home_isolation": 2,
                                                     "close_contact": 1, "inbound": 2, "key_area_returnee": 1}
    # the ended two and the future one not counted
    expected = _managed_by_kind(conn, busy_community)
    row = next(r for r in aggregates.community_map_rows(conn, Scope("330105005000")) if r["code"] == busy_community)
    assert {k: row[f"managed_{k}"] for k in MANAGED_KINDS} | {"total": row["managed_total"]} == expected
    for scope in (DISTRICT, Scope("330105005000"), Scope(busy_community)):
        totals = aggregates.area_totals(conn, scope)
        counted = _managed_by_kind(conn, scope.prefix)
        assert {k: totals[f"managed_{k}"] for k in MANAGED_KINDS} | {"total": totals["managed_total"]} == counted


def test_the_side_panel_counts_managed_persons_by_kind_at_every_level(engine):
    with engine.connect() as conn:
        for view, prefix in ((View(), "330105"), (View("330105005000"), "330105005"),
                             (View("330105005000", "330105005052"), "330105005052")):
            expected = _managed_by_kind(conn, prefix)
            total = expected.pop("total")
            panel = find(draw(view)["side"], lambda n: getattr(n, "className", "") == "managed-kinds")[0]
            shown = {_prop(li, "data-kind"): int(texts(li.children[1]).replace(",", ""))
                     for li in find(panel, lambda n: type(n).__name__ == "Li")}
            assert shown == expected
            assert f"在管人员 {total:,} 人" in texts(panel)


def test_a_managed_kind_is_a_metric_of_the_map_with_its_own_choice(engine):
    view = draw(View(metric="managed_home_isolation"))
    with engine.connect() as conn:
        homes = [c for c, k in managed_today(conn) if k == "home_isolation"]
        counts = {c: homes.count(c) for c in set(homes)}
    hover = {c: d[10] for t in choropleths(view["figure"]) for c, d in zip(t["locations"], t["customdata"],
                                                                          strict=True)}
    assert len(hover) == 99
    assert all(hover[c] == f"{counts.get(c, 0):,} 人" for c in hover)
    assert "居家隔离（人）" in texts(view["legend"])
    kinds = find(view["choices"], lambda n: _prop(n, "data-choice") == "kind")[0]
    assert texts(kinds).split() == ["全部", "集中隔离（橙码）", "居家隔离", "密切接触者", "入境人员", "重点地区返回"]
    current = find(view["choices"], lambda n: "current" in (getattr(n, "className", "") or ""))
    assert sorted(texts(c) for c in current) == sorted(["在管人员", "居家隔离"])


def test_the_map_hover_leads_with_the_chosen_metrics_value_and_unit(engine):
    view = draw(View(metric="red_ratio"))
    with engine.connect() as conn:
        ratios = dict(conn.execute(text(
            "SELECT community_code, residents_red::float / nullif(residents_green + residents_yellow"
            " + residents_red + residents_none, 0) FROM community_stats")).all())
    for trace in choropleths(view["figure"]):
        assert trace["hovertemplate"].split("<br>")[1] == "红码率：<b>%{customdata[10]}</b>"
        for code, data in zip(trace["locations"], trace["customdata"], strict=True):
            assert data[10] == f"{ratios[code]:.2%}"
    warned = draw(View(metric="enterprises_warned"))
    assert all(re.fullmatch(r"[\d,]+ 家", d[10]) for t in choropleths(warned["figure"]) for d in t["customdata"])


def test_a_community_lists_its_enterprises_warned_first_each_opening_it(engine):
    with engine.connect() as conn:
        community = conn.execute(text("SELECT community_code FROM enterprise_stats WHERE status = 'warned'"
                                      " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")).scalar()
        expected = conn.execute(text(
            "SELECT e.credit_code, s.status FROM enterprise e JOIN enterprise_stats s USING (credit_code)"
            " WHERE e.community_code = :c ORDER BY array_position(ARRAY['warned','caution','incomplete','cleared'],"
            " s.status), s.employees_red DESC, e.name, e.credit_code"), {"c": community}).all()
    view = draw(View(community[:9] + "000", community))
    items = find(view["side"], lambda n: _prop(n, "data-code"))  # one link a row
    assert [_prop(li, "data-code") for li in items][::-1] == [c for c, _ in expected][:200]
    links = [li.href for li in items]
    assert all(re.fullmatch(rf"/\?street={community[:9]}000&community={community}&enterprise=\w{{18}}", h)
               for h in links)
    assert f"企业 {len(expected):,} 家" in texts(view["side"])
    assert "各社区" not in texts(view["side"])  # not the street's communities any more


def test_the_legend_names_the_status_colours_of_the_enterprise_dots(engine):
    community = draw(View("330105005000", "330105005052"))
    statuses = [_prop(n, "data-status") for n in find(community["legend"], lambda n: _prop(n, "data-status"))]
    assert sorted(statuses) == sorted(["cleared", "caution", "warned", "warned_unnotified", "incomplete"])
    assert "企业点位" in texts(community["legend"]) and "可复工" in texts(community["legend"])
    assert "企业点位" not in texts(draw(View("330105005000"))["legend"])  # no dots, no dot legend
    assert "企业点位" in texts(draw(View(points=True))["legend"])


def test_the_search_finds_an_enterprise_by_name_code_or_its_community_within_the_users_area(engine):
    with engine.connect() as conn:
        name, code, community = conn.execute(text(
            "SELECT name, credit_code, community_code FROM enterprise WHERE community_code <> '330105005052'"
            " ORDER BY credit_code LIMIT 1")).one()
        first = queries.find_places(conn, DISTRICT, name)[0]
        assert (first["kind"], first["code"], first["community"]) == ("enterprise", code, community)
        assert queries.find_places(conn, DISTRICT, code[:14].lower())[0]["code"] == code
        found = queries.find_places(conn, DISTRICT, "台州路")
        assert ("community", "330105005052") in [(p["kind"], p["code"]) for p in found]
        assert queries.find_places(conn, Scope("330105005052"), name) == []  # another community's enterprise
        assert queries.find_places(conn, DISTRICT, "%") == queries.find_places(conn, DISTRICT, "不存在的名字")


def test_a_search_result_opens_the_enterprise_and_enter_opens_the_first(as_user, engine):
    from callbacks.colour_map.search import open_first_match, show_matches

    with engine.connect() as conn:
        name, code, community = conn.execute(text(
            "SELECT name, credit_code, community_code FROM enterprise ORDER BY credit_code DESC LIMIT 1")).one()
    with as_user("leader"):
        listed = show_matches(name, "?metric=red")
        target, cleared = open_first_match(1, name, "?metric=red")
    hrefs = [n.href for n in find(listed, lambda n: type(n).__name__ == "Link")]
    expected = f"?street={community[:9]}000&community={community}&enterprise={code}&metric=red"
    assert hrefs[0] == "/" + expected
    assert (target, cleared) == (expected, "")
    with as_user("leader"):
        assert "没有找到" in texts(show_matches("没有这样的企业", ""))


def test_the_trend_chart_names_its_unit_and_the_caption_grows_on_a_wall_screen(as_user):
    from callbacks.bigscreen.screen import draw_screen
    from layouts.charts import trend_chart
    from layouts.map_figure import caption_size

    figure = trend_chart([], "趋势")
    assert figure["layout"]["yaxis"]["title"]["text"] == "人数（人）"
    with as_user("leader"):
        small = draw_screen({"key": "k", "area": "330105000000", "size": [1920, 1080], "at": 1})
        large = draw_screen({"key": "k", "area": "330105000000", "size": [3840, 2160], "at": 1})
    sizes = [f[2]["layout"]["annotations"][0]["font"]["size"] for f in (small, large)]
    assert sizes[0] > caption_size((900, 640)) == 12 and sizes[1] >= 2 * sizes[0] - 1
    assert "人" in large[5]["layout"]["yaxis"]["title"]["text"]
