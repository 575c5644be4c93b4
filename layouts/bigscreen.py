"""The big screen (placeholder replaced below)."""

from dash import html


def bigscreen_page() -> html.Div:
    return html.Div()
