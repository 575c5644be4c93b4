"""The leaders' daily brief (每日简报) as one self-contained HTML page (printed to PDF by the local
Chromium): the date, the seed's sentences with their times, the three-colour map of the area as SVG, the top
and bottom streets on each measure with the week's changes. Pure: it takes what the callback brings."""

from __future__ import annotations

from html import escape

from domain.scoreboard import SEED_MODULES
from i18n import t
from layouts import formatting
from layouts.metrics import Classes, class_labels
from layouts.scoreboard.page import (
    COMBINED,
    day_changes,
    decimals_of,
    measure_label,
    score_text,
    signed,
    value_text,
)

STYLE = """
@page { size: A4; }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; color: #202124; font-size: 11pt; }
h1 { font-size: 20pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 5mm 0 2mm; border-bottom: 1px solid #999; }
.meta { color: #5f6368; font-size: 9pt; } .as-of { color: #5f6368; font-size: 8pt; margin-left: 3mm; }
ul.lines { padding-left: 5mm; margin: 0; } ul.lines li { margin: 1.2mm 0; }
.map { display: flex; gap: 4mm; align-items: flex-start; } svg { width: 120mm; height: 100mm; }
.legend div { font-size: 8pt; margin: 1mm 0; } .legend span { display: inline-block; width: 5mm; height: 3mm;
  margin-right: 2mm; vertical-align: middle; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin-bottom: 3mm; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #ddd; padding: 1mm 2mm; text-align: left; }
.better { color: #2e7d32; } .worse { color: #c62828; }
"""


def brief_html(content: dict, day: str, made_at: str, shapes: dict, values: dict[str, float | None],
               classes: Classes, legend_title: str, top: int = 3) -> str:
    """content: the board (data_access.scoreboard_views.board); shapes: outlines(); values: each community's
    red ratio; classes: the map's classes for it."""
    title = t("scoreboard.brief.title", area=content["area"])
    lines = "".join(
        f"<li class='headline'>{escape(s['text'])}"
        + (f"<span class='as-of'>{escape(t('scoreboard.as_of', time=formatting.beijing_time(s['as_of'])))}</span>"
           if s["as_of"] else "") + "</li>" for s in content["sentences"])
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>"
            f"<h1>{escape(title)}</h1><div class='meta'>{escape(t('scoreboard.brief.meta', day=day, time=made_at))}"
            f"</div><h2>{escape(t('scoreboard.brief.headlines'))}</h2><ul class='lines'>{lines}</ul>"
            f"<h2>{escape(t('scoreboard.brief.map'))}</h2>{_map(shapes, values, classes, legend_title)}"
            f"<h2>{escape(t('scoreboard.brief.streets'))}</h2>{_streets(content, top)}"
            f"<h2>{escape(t('scoreboard.brief.changes'))}</h2>{_day_changes(content)}"
            f"<p class='meta'>{escape(t('scoreboard.work_note'))}</p></body></html>")


def _map(shapes: dict, values: dict[str, float | None], classes: Classes, legend_title: str) -> str:
    if not shapes["box"]:
        return f"<p>{escape(t('scoreboard.no_data'))}</p>"
    x, y, w, h = shapes["box"]
    paths = []
    for row in shapes["paths"]:
        index = classes.index(values.get(row["code"]))
        fill = "#d0d4d9" if index is None else classes.colours[index]
        paths.append(f"<path d='{escape(row['path'])}' fill='{fill}' stroke='#ffffff' stroke-width='{w / 600:.6f}'>"
                     f"<title>{escape(row['name'])}</title></path>")
    legend = "".join(f"<div><span style='background:{c}'></span>{escape(label)}</div>"
                     for c, label in zip(classes.colours, class_labels(classes), strict=True))
    return (f"<div class='map'><svg class='brief-map' viewBox='{x} {y} {w} {h}'"
            f" preserveAspectRatio='xMidYMid meet'>{''.join(paths)}</svg>"
            f"<div class='legend'><b>{escape(legend_title)}</b>{legend}</div></div>")


def _streets(content: dict, top: int) -> str:
    tables = [_table(COMBINED, "high", content["streets_combined"], top)]
    tables += [_table(m["key"], m["good"], content["streets"][m["key"]], top) for m in content["measures"]]
    return "".join(tables)


def _table(key: str, good: str, rows: list[dict], top: int) -> str:
    ranked = [r for r in rows if r["place"] is not None]
    shown = ranked if len(ranked) <= 2 * top else ranked[:top] + ranked[-top:]
    combined = key == COMBINED
    decimals = 1 if combined else decimals_of([r["value"] for r in ranked])
    body = "".join(
        f"<tr><td>{r['place']}</td><td>{escape(r['name'])}</td>"
        f"<td>{escape(score_text(r['value']) if combined else value_text(r['value'], decimals))}</td>"
        f"<td>{'' if combined else _change(r, 'change', 'better', decimals)}</td>"
        f"<td>{_change(r, 'day_change', 'day_better', decimals)}</td></tr>" for r in shown)
    head = (f"<tr><th>{escape(t('scoreboard.rank.place'))}</th><th>{escape(t('scoreboard.rank.area'))}</th>"
            f"<th>{escape(t('scoreboard.rank.score') if combined else t('scoreboard.rank.value'))}</th>"
            f"<th>{escape('' if combined else t('scoreboard.rank.change'))}</th>"
            f"<th>{escape(t('scoreboard.rank.day_change'))}</th></tr>")
    caption = f"{measure_label(key)}（{t('scoreboard.good.' + good)}）"
    return f"<table><caption>{escape(caption)}</caption>{head}{body}</table>"


def _change(row: dict, field: str, better: str, decimals: int) -> str:
    if not row.get(field):
        return "—" if row.get(field) is None else escape(t("scoreboard.rank.same"))
    word = t("scoreboard.rank.better") if row[better] else t("scoreboard.rank.worse")
    return (f"<span class='{'better' if row[better] else 'worse'}'>{signed(row[field], decimals)} "
            f"{escape(word)}</span>")


def _day_changes(content: dict) -> str:
    """The headlines' figures that moved since yesterday's snapshot (none taken yesterday: said so)."""
    if not content.get("yesterday_taken"):
        return f"<p class='day-changes'>{escape(t('scoreboard.brief.changes.none'))}</p>"
    def name(module: str) -> str:
        return t("scoreboard.module." + module) if module in SEED_MODULES else module

    lines = "".join(f"<li>{escape(name(s['module']))}：{escape(day_changes(s))}</li>"
                    for s in content["sentences"] if day_changes(s))
    return f"<ul class='lines day-changes'>{lines}</ul>"
