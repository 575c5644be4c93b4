"""Charts for leaders: ranking, 30-day trend, comparison. Plain plotly dicts (SVG: text needs no web fonts)."""

from __future__ import annotations

from i18n import t

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
RED, YELLOW = "#c62828", "#e0a000"
# plotly's own words (toolbar tooltips, hints), keyed by its English text, and the i18n key that replaces them.
PLOTLY_WORDS = {
    "Zoom": "plotly.zoom", "Pan": "plotly.pan", "Zoom in": "plotly.zoom_in", "Zoom out": "plotly.zoom_out",
    "Autoscale": "plotly.autoscale", "Reset axes": "plotly.reset_axes", "Reset view": "plotly.reset_view",
    "Reset views": "plotly.reset_view", "Double-click to zoom back out": "plotly.double_click",
    "Download plot as a png": "plotly.download_png", "Download plot": "plotly.download_png",
}
# Buttons that do nothing here (the cloud "share", selections) or nothing an official needs.
NO_BUTTONS = ["sendChartToCloud", "toImage", "select2d", "lasso2d", "toggleSpikelines", "hoverClosestCartesian",
              "hoverCompareCartesian"]


def graph_config(**extra) -> dict:
    """A graph's config: plotly's toolbar in Chinese, without the logo, the cloud share or selection tools."""
    months = [t("plotly.month", n=n) for n in range(1, 13)]
    days = [t(f"plotly.day{n}") for n in range(7)]
    locale = {"dictionary": {english: t(key) for english, key in PLOTLY_WORDS.items()},
              "format": {"months": months, "shortMonths": months, "days": days, "shortDays": days,
                         "date": "%Y-%m-%d"}}
    return {"displaylogo": False, "showSendToCloud": False, "modeBarButtonsToRemove": NO_BUTTONS,
            "locale": "zh-CN", "locales": {"zh-CN": locale}, **extra}


def _layout(title: str, dark: bool = False, scale: float = 1.0, **extra) -> dict:
    ink = "#e8edf2" if dark else "#1f2328"
    grid = "#2c3742" if dark else "#e6e9ed"
    return {
        "title": {"text": title, "x": 0.01, "font": {"size": round((22 if dark else 16) * scale)}},
        "font": {"family": FONT, "color": ink, "size": round((18 if dark else 13) * scale)},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "legend": {"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"},
        "xaxis": {"gridcolor": grid, "automargin": True}, "yaxis": {"gridcolor": grid, "automargin": True},
        **extra,
    }


def ranking_chart(rows: list[dict], title: str, top: int = 20, dark: bool = False) -> dict:
    """Areas by red ratio then yellow ratio, highest first; rows: name, red_ratio, yellow_ratio."""
    ordered = sorted(rows, key=lambda r: (-(r["red_ratio"] or 0), -(r["yellow_ratio"] or 0)))[:top][::-1]
    names = [r["name"] for r in ordered]
    data = [
        {"type": "bar", "orientation": "h", "y": names, "x": [r["red_ratio"] or 0 for r in ordered],
         "name": t("chart.red_ratio"), "marker": {"color": RED}, "hovertemplate": "%{y}：%{x:.2%}<extra></extra>"},
        {"type": "bar", "orientation": "h", "y": names, "x": [r["yellow_ratio"] or 0 for r in ordered],
         "name": t("chart.yellow_ratio"), "marker": {"color": YELLOW},
         "hovertemplate": "%{y}：%{x:.2%}<extra></extra>"},
    ]
    layout = _layout(title, dark, barmode="group", height=max(360, 26 * len(ordered) + 90))
    layout["xaxis"]["tickformat"] = ".1%"
    return {"data": data, "layout": layout}


def trend_chart(series: list[dict], title: str, dark: bool = False, scale: float = 1.0) -> dict:
    days = [s["day"].isoformat() for s in series]
    data = [
        {"type": "scatter", "mode": "lines+markers", "x": days, "y": [s["red"] for s in series],
         "name": t("chart.red"), "line": {"color": RED, "width": 3 * scale}, "marker": {"size": 6 * scale}},
        {"type": "scatter", "mode": "lines+markers", "x": days, "y": [s["yellow"] for s in series],
         "name": t("chart.yellow"), "line": {"color": YELLOW, "width": 3 * scale}, "marker": {"size": 6 * scale}},
    ]
    for trace in data:  # a value reads as people, with the day
        trace["hovertemplate"] = f"%{{x|%m-%d}} {trace['name']}：%{{y:,}} {t('unit.people')}<extra></extra>"
    layout = _layout(title, dark, scale, **({} if dark else {"height": 360}))
    layout["xaxis"]["tickformat"] = "%m-%d"
    layout["yaxis"].update(title={"text": t("chart.people_axis")}, rangemode="tozero", tickformat=",d")
    return {"data": data, "layout": layout}


def compare_chart(rows: list[dict], title: str, dark: bool = False) -> dict:
    """Red and yellow counts side by side per area; rows: name, red, yellow."""
    names = [r["name"] for r in rows]
    data = [
        {"type": "bar", "x": names, "y": [r["red"] for r in rows], "name": t("chart.red"), "marker": {"color": RED}},
        {"type": "bar", "x": names, "y": [r["yellow"] for r in rows], "name": t("chart.yellow"),
         "marker": {"color": YELLOW}},
    ]
    return {"data": data, "layout": _layout(title, dark, barmode="group", height=380)}
