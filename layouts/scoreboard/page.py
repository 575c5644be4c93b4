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
        # The brief first: its button is in sight above the rankings, however many rows they have.
        html.Div(className="sb-brief", children=[
            html.A(t("scoreboard.brief.make"), href=BRIEF_PATH, className="button sb-make-brief"),
            html.Details(className="sb-brief-history", children=[
                html.Summary(t("scoreboard.brief.history")),
                html.Ul(id=ids.SB_BRIEFS, className="sb-briefs"),
            ]),
        ]),
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
    ])


def headline_items(sentences: list[dict]) -> list[html.Li]:
    """The seed's sentences, each with its figures' time (a module without data: 暂无数据, no time) and its
    figures' changes since yesterday."""
    def when(s: dict) -> str:
        return t("scoreboard.as_of", time=formatting.beijing_time(s["as_of"])) if s["as_of"] else ""

    return [html.Li([html.Span(s["text"], className="sb-sentence"), html.Span(when(s), className="sb-as-of"),
                     html.Span(day_changes_text(s), className="sb-day")],
                    className="sb-headline" if s["has_data"] else "sb-headline sb-empty",
                    **{"data-module": s["module"]}) for s in sentences]


def figure_label(module: str, key: str) -> str:
    try:
        return t(f"scoreboard.figure.{module}.{key}")
    except KeyError:
        return key


def day_changes_text(sentence: dict) -> str:
    """较昨日：受理 +12，复核率 +1.5 (only figures that moved); nothing without yesterday's snapshot."""
    moved = day_changes(sentence)
    return t("scoreboard.day.changes", changes=moved) if moved else ""


def day_changes(sentence: dict) -> str:
    """受理 +12，复核率 +1.5 (or 无变化); "" without yesterday's snapshot or without data."""
    changes = sentence.get("changes") or {}
    if not sentence["has_data"] or not changes:
        return ""
    moved = [f"{figure_label(sentence['module'], k)} {signed(v)}" for k, v in changes.items() if v]
    return "，".join(moved) if moved else t("scoreboard.day.none")


def signed(value: float, decimals: int | None = None) -> str:
    number = float(value)
    if decimals is None:
        decimals = 0 if number == int(number) else 1
    return f"{number:+,.{decimals}f}"


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
    """The combined score's weights, in words: equal, or each measure's weight where they differ."""
    if not weights:
        return t("scoreboard.weights", weights="—")
    if len(set(weights.values())) == 1:
        return t("scoreboard.weights", weights=t("scoreboard.weights.equal"))
    common = max(set(weights.values()), key=list(weights.values()).count)
    named = [t("scoreboard.weights.left_out", measure=measure_label(k)) if w == 0
             else t("scoreboard.weights.one", measure=measure_label(k), weight=f"{w:g}")
             for k, w in weights.items() if w != common]
    named.append(t("scoreboard.weights.others_out") if common == 0
                 else t("scoreboard.weights.others", weight=f"{common:g}"))
    return t("scoreboard.weights", weights="，".join(named))


def decimals_of(values) -> int:
    """0 when every value of a column is a whole number (counts), else 1: one format per column."""
    numbers = [float(v) for v in values if v is not None]
    return 0 if all(n == int(n) for n in numbers) else 1


def value_text(value, decimals: int | None = None) -> str:
    if value is None:
        return t("scoreboard.rank.none")
    number = float(value)
    if decimals is None:
        decimals = 0 if number == int(number) else 1
    return f"{number:,.{decimals}f}"


def score_text(score) -> str:
    """A score (0 to 100): always one decimal (100.0, 52.2, 53.0)."""
    return "—" if score is None else f"{float(score):.1f}"


def _change(row: dict, field: str = "change", better: str = "better", decimals: int = 1) -> html.Span:
    if row.get(field) is None:
        return html.Span("—")
    if row[field] == 0:
        return html.Span(t("scoreboard.rank.same"), className="sb-same")
    word = t("scoreboard.rank.better") if row[better] else t("scoreboard.rank.worse")
    return html.Span(f"{signed(row[field], decimals)} {word}", className="sb-better" if row[better] else "sb-worse")


def ranking_table(title: str, key: str, good: str, rows: list[dict], own: str | None = None) -> list:
    """A ranking: place, area, this week, a week ago, the week's change, yesterday's change (better or worse),
    score; the combined: place, area, score and its change since yesterday; own: highlighted."""
    combined = key == COMBINED
    head = [t("scoreboard.rank.place"), t("scoreboard.rank.area"),
            t("scoreboard.rank.score") if combined else t("scoreboard.rank.value")]
    if not combined:
        head += [t("scoreboard.rank.week_ago"), t("scoreboard.rank.change")]
    head += [t("scoreboard.rank.day_change")]
    if not combined:
        head += [t("scoreboard.rank.score")]
    decimals = 1 if combined else decimals_of([v for r in rows for v in (r["value"], r.get("week_ago"))])
    body = []
    for row in rows:
        cells = [row["place"] or "—", row["name"] + (t("scoreboard.rank.yours") if row["code"] == own else ""),
                 score_text(row["value"]) if combined else value_text(row["value"], decimals)]
        if not combined:
            cells += [value_text(row.get("week_ago"), decimals) if row.get("week_ago") is not None else "—",
                      _change(row, decimals=decimals)]
        cells += [_change(row, "day_change", "day_better", decimals)]
        if not combined:
            cells += [score_text(row["score"])]
        body.append(html.Tr([html.Td(c) for c in cells], className="sb-own" if row["code"] == own else None,
                            **{"data-code": row["code"]}))
    return [
        html.H3(f"{title} · {measure_label(key)}"),
        html.Div(t("scoreboard.good." + good), className="sb-good"),
        html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], className="sb-table"),
    ]
