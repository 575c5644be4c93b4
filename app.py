"""Sansetu: wiring only. Create the Dash app, bind login, register each module, serve."""

from __future__ import annotations

import gc
import os
import socket
import sys

from dash import Dash
from flask import Response

import callbacks.api as api  # the live colour endpoint (systems' route, their own tokens)
import callbacks.auth as auth  # login, logout and the gate in front of every route
import callbacks.shell as shell  # the router and the frame, built from MODULES
import i18n
from callbacks import (
    audit,
    bigscreen,
    colour_map,
    enterprises,
    health_services,
    imports,
    inputs,
    keypersons,
    migrants,
    policies,
    proxy,
    scoreboard,
    scoreboard_screen,
    statistics,
    users,
    warnings,
)
from callbacks.gate import NotAllowed
from callbacks.modules import Module, api_paths, check_modules, register_modules, register_public, start_background
from data_access.session import DataUnavailable, writing
from data_access.settings import DEFAULT_APP_PASSWORD, settings
from data_access.users.accounts import demo_passwords_in_use
from i18n import t
from layouts.shell import shell as shell_layout

# Every module of the dashboard, in the order of the navigation and the tabs. A new module is one line here.
MODULES: tuple[Module, ...] = (
    colour_map.MODULE,
    enterprises.MODULE,
    warnings.MODULE,
    statistics.MODULE,
    imports.MODULE,
    bigscreen.MODULE,
    audit.MODULE,
    users.MODULE,
    health_services.MODULE,
    proxy.MODULE,
    keypersons.MODULE,
    # scoreboard (晾晒台): its page and its big-screen page
    scoreboard.MODULE,
    scoreboard_screen.MODULE,
    migrants.MODULE,
    policies.MODULE,  # 民生直达 and 亲清在线
)


class StartRefused(RuntimeError):
    """The app may not start as configured; the message (one line of Chinese) says what to change."""


def create_app(modules: tuple[Module, ...] = MODULES) -> Dash:
    check_modules(modules)
    i18n.use(settings().language)
    os.umask(0o077)  # everything the server writes (secret key, uploads, the job cache) is the owner's alone
    refuse_public_passwords()
    dash_app = Dash(__name__, title=t("app.title"), update_title=None, serve_locally=True, compress=False)
    dash_app.layout = shell_layout
    dash_app.validation_layout = shell.validation_layout(modules)
    server = dash_app.server
    public = frozenset(register_public(server, modules))  # pages anyone may open, by endpoint (migrants)
    auth.register(server, shell.public_pages(modules), {api.PATH} | api_paths(modules), public)
    inputs.register(server)
    api.register(server)
    shell.register(dash_app, modules)
    register_modules(dash_app, modules)
    server.register_error_handler(NotAllowed, _refused)
    server.add_url_rule("/healthz", "healthz", lambda: ("ok", 200))
    start_background(modules)  # scoreboard: the daily brief at its time (SANSETU_BRIEF_AT; off in tests)
    return dash_app


def _refused(error: NotAllowed) -> Response:
    """A request outside the user's rights: 401 without a login, else 403, and a line of Chinese."""
    key, status = ("auth.required", 401) if error.anonymous else ("auth.forbidden", 403)
    return Response(t(key), status=status, mimetype="text/plain")


def refuse_public_passwords() -> None:
    """Outside demo mode (SANSETU_DEMO=1) no account may use a published demo password and the web role may
    not use the published default database password: StartRefused, however the app is started."""
    config = settings()
    if config.demo:
        return
    try:
        with writing(None) as work:
            count = demo_passwords_in_use(work.conn)
    except DataUnavailable as exc:  # cannot tell: refuse rather than start unchecked
        raise StartRefused(t("cli.db_unreachable", url=config.app_database_url.render_as_string(), reason=exc)) from exc
    if count:
        raise StartRefused(t("cli.demo_passwords", count=count))
    if DEFAULT_APP_PASSWORD in (config.app_password, config.app_database_url.password):
        raise StartRefused(t("cli.default_app_password"))


try:
    app = create_app()
except StartRefused as refused:
    print(refused, file=sys.stderr)
    sys.exit(4)  # one line, no traceback; under gunicorn 4 is "app failed to load", which stops the master too
server = app.server
# Everything built at start-up (modules, layouts, callbacks) is long-lived: keep it out of the garbage
# collector's full passes, which otherwise add 100+ ms to one request in twenty (make bench).
gc.freeze()


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def main() -> None:
    config = settings()
    if not port_free(config.host, config.port):
        print(t("cli.port_in_use", port=config.port), file=sys.stderr)
        sys.exit(1)
    app.run(host=config.host, port=config.port, debug=False)


if __name__ == "__main__":
    main()
