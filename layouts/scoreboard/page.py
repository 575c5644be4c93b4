"""The scoreboard page (晾晒台) at /scoreboard: the seed's sentences with today's figures and their times, then
streets and communities ranked on their work, each measure with its direction of good, its week-on-week change
and a combined score whose weights are stated. The layout takes no data; the builders draw what callbacks bring.
"""

from __future__ import annotations

from dash import dcc, html

from i18n import t
from layouts import formatting
from layouts.scoreboard import ids

COMBINED = "combined"
BRIEF_PATH = "/scoreboard/brief.pdf"  # today's brief as a PDF, made on the click (callbacks/scoreboard/brief.py)


def scoreboard_page() -> html.Div:
    return html.Div(className="scoreboard", children=[
        html.Div(id=ids.SB_MESSAGE, className="message", role="alert"),
        html.H2(t("scoreboard.headlines")),
        html.Ul(id=ids.SB_HEADLINES, className="sb-headlines"),
        html.P(t("scoreboard.work_note"), className="sb-note"),
        html.Div(className="sb-controls", children=[
            html.Label(t("scoreboard.measure_choice"), htmlFor=ids.SB_MEASURE),
            dcc.Dropdown(id=ids.SB_MEASURE, value=COMBINED, clearable=False, searchable=False,
                         options=[{"label": t("scoreboard.rank.combined"), "value": COMBINED}]),
        ]),
        html.P(id=ids.SB_WEIGHTS, className="sb-weights"),
        html.P(id=ids.SB_PLACE, className="sb-place"),
        html.Div(className="sb-rankings", children=[
            html.Div(id=ids.SB_STREETS, className="sb-ranking"),
            html.Div(id=ids.SB_COMMUNITIES, className="sb-ranking"),
        ]),
        html.Div(className="sb-brief", children=[
            html.A(t("scoreboard.brief.make"), href=BRIEF_PATH, className="button sb-make-brief"),
            html.H3(t("scoreboard.brief.history")),
            html.Ul(id=ids.SB_BRIEFS, className="sb-briefs"),
        ]),
    ])


def headline_items(sentences: list[dict]) -> list[html.Li]:
    """The seed's sentences, each with its figures' time (a module without data: 暂无数据, no time)."""
    def when(s: dict) -> str:
        return t("scoreboard.as_of", time=formatting.beijing_time(s["as_of"])) if s["as_of"] else ""

    return [html.Li([html.Span(s["text"], className="sb-sentence"), html.Span(when(s), className="sb-as-of")],
                    className="sb-headline" if s["has_data"] else "sb-headline sb-empty",
                    **{"data-module": s["module"]}) for s in sentences]


def measure_label(key: str) -> str:
    """The measure's name (a module that joined without one in i18n: its key)."""
    if key == COMBINED:
        return t("scoreboard.rank.combined")
    try:
        return t("scoreboard.measure." + key)
    except KeyError:
        return key


def measure_options(measures: list[dict]) -> list[dict]:
    return [{"label": t("scoreboard.rank.combined"), "value": COMBINED},
            *({"label": f"{measure_label(m['key'])}（{t('scoreboard.good.' + m['good'])}）", "value": m["key"]}
              for m in measures)]


def weights_line(weights: dict[str, float]) -> str:
    listed = "；".join(f"{measure_label(k)} ×{w:g}" for k, w in weights.items())
    return t("scoreboard.weights", weights=listed or "—")


def value_text(value) -> str:
    if value is None:
        return t("scoreboard.rank.none")
    number = float(value)
    return f"{int(number):,}" if number == int(number) else f"{number:,.2f}"


def _change(row: dict) -> html.Span:
    if row.get("change") is None:
        return html.Span("—")
    if row["change"] == 0:
        return html.Span(t("scoreboard.rank.same"), className="sb-same")
    word = t("scoreboard.rank.better") if row["better"] else t("scoreboard.rank.worse")
    return html.Span(f"{row['change']:+g} {word}", className="sb-better" if row["better"] else "sb-worse")


def ranking_table(title: str, key: str, good: str, rows: list[dict], own: str | None = None) -> list:
    """A ranking: place, area, this week, a week ago, change (better or worse), score; own: highlighted."""
    head = [t("scoreboard.rank.place"), t("scoreboard.rank.area"),
            t("scoreboard.rank.score") if key == COMBINED else t("scoreboard.rank.value")]
    if key != COMBINED:
        head += [t("scoreboard.rank.week_ago"), t("scoreboard.rank.change"), t("scoreboard.rank.score")]
    body = []
    for row in rows:
        cells = [row["place"] or "—", row["name"] + (t("scoreboard.rank.yours") if row["code"] == own else ""),
                 value_text(row["value"])]
        if key != COMBINED:
            cells += [value_text(row.get("week_ago")) if row.get("week_ago") is not None else "—", _change(row),
                      "—" if row["score"] is None else f"{row['score']:g}"]
        body.append(html.Tr([html.Td(c) for c in cells], className="sb-own" if row["code"] == own else None,
                            **{"data-code": row["code"]}))
    return [
        html.H3(f"{title} · {measure_label(key)}"),
        html.Div(t("scoreboard.good." + good), className="sb-good"),
        html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], className="sb-table"),
    ]
