"""Sansetu: wiring only. Create the Dash app, set the layout, register callbacks, serve."""

from __future__ import annotations

import gc
import os
import socket
import sys

from dash import Dash, html

import callbacks.bigscreen
import callbacks.imports
import callbacks.map_page
import callbacks.stats
import callbacks.table  # noqa: F401
from callbacks import auth, exports, imports, live
from data_access.users import demo_passwords_in_use
from i18n import t
from layouts import ids
from layouts.admin import admin_page, audit_page
from layouts.bigscreen import bigscreen_page
from layouts.page import map_page, shell

app = Dash(
    __name__,
    title=t("app.title"),
    update_title=None,
    serve_locally=True,
    compress=False,
    background_callback_manager=imports.MANAGER,
)
app.layout = shell
app.validation_layout = html.Div([
    shell(), map_page(import_tab=True), bigscreen_page(), audit_page(), admin_page(),
    html.Div(id=ids.REVEALED), html.Button(id=ids.reveal(0)),  # drawn inside the enterprise panel
])
server = app.server
auth.register(server)
exports.register(server)
live.register(server)
imports.register(server)
# Everything built at start-up (modules, layouts, callbacks) is long-lived: keep it out of the garbage
# collector's full passes, which otherwise add 100+ ms to one request in twenty (make bench).
gc.freeze()


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


def refuse_public_demo_passwords() -> None:
    """Outside demo mode (SANSETU_DEMO=1), no account may still use a published demo password."""
    if os.environ.get("SANSETU_DEMO") == "1":
        return
    count = demo_passwords_in_use()
    if count:
        print(t("cli.demo_passwords", count=count), file=sys.stderr)
        sys.exit(1)


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8050"))
    if not port_free(host, port):
        print(t("cli.port_in_use", port=port), file=sys.stderr)
        sys.exit(1)
    refuse_public_demo_passwords()
    app.run(host=host, port=port, debug=False)


if __name__ == "__main__":
    main()
