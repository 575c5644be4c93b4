"""The printable door-to-door list: /proxy/print (the agent's own) or /proxy/print?agent=NAME (an agent of
the user's area, for the community). Names and masked phones only; every print is audited."""

from __future__ import annotations

from flask import Flask, Response, request

from callbacks.downloads import refusal
from callbacks.gate import require
from data_access import areas
from data_access.proxy import work
from data_access.session import reading, writing
from domain import clock
from domain.divisions import Scope
from domain.permissions import READ_PROXY, WORK_PROXY
from layouts.proxy.views import printable

PATH = "/proxy/print"


def register(server: Flask) -> None:
    server.add_url_rule(PATH, "proxy_print", print_list)


def print_list() -> Response:
    actor = require(READ_PROXY)
    agent = request.args.get("agent") or (actor.username if actor.may(WORK_PROXY) else "")
    with reading(actor) as conn:
        found = next((a for a in work.agents(conn, actor.scope) if a["username"] == agent), None)
        if found is None:
            return refusal("proxy.error.no_agent", 404)
        rows = work.listed(conn, actor.scope, actor.username, agent=agent, open_only=True)
        area = areas.area_name(conn, Scope(found["community_code"]))
    with writing(actor) as unit:
        unit.audit("proxy_list_printed", found["community_code"], {"agent": agent, "rows": len(rows)})
    return Response(printable(found, area, rows, clock.now()), mimetype="text/html")
