"""Sansetu: wiring only. Create the Dash app, set the layout, register callbacks, serve."""

from __future__ import annotations

import os
import socket
import sys

from dash import Dash, html

import callbacks.bigscreen
import callbacks.map_page
import callbacks.stats
import callbacks.table  # noqa: F401
from callbacks import exports
from i18n import t
from layouts.bigscreen import bigscreen_page
from layouts.page import map_page, shell

app = Dash(
    __name__,
    title=t("app.title"),
    update_title=None,
    serve_locally=True,
    compress=False,
)
app.layout = shell
app.validation_layout = html.Div([shell(), map_page(), bigscreen_page()])
server = app.server
exports.register(server)


@server.get("/healthz")
def health() -> tuple[str, int]:
    return "ok", 200


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8050"))
    if not port_free(host, port):
        print(t("cli.port_in_use", port=port), file=sys.stderr)
        sys.exit(1)
    app.run(host=host, port=port, debug=False)


if __name__ == "__main__":
    main()
