"""The public enterprise page (/apply): no login. GET draws the forms with a form token kept in the signed
cookie; POST checks the token, then the fields (the credit code's GB 32100 check digit, the contact), then
writes through the database, which dispatches the application, keeps it to a public enterprise application
and refuses a sixth submission from one address within ten minutes. A refusal is a Chinese line; nothing is
written unless all of it is."""

from __future__ import annotations

import secrets

from flask import Flask, Response, request, session

from data_access.policies import applications, catalogue
from data_access.session import DataUnavailable, reading
from domain import clock
from domain.actor import Actor
from domain.policies import ENTERPRISE, contact_error, credit_code_error, period_of
from i18n import t
from layouts.policies.public import public_html

PATH = "/apply"
NOBODY = Actor("-", "-", None, "330105000000")  # reads only the catalogue, which the database shows to everyone


def register(server: Flask) -> None:
    server.add_url_rule(PATH, "policies_public", public_page, methods=["GET", "POST"])


def public_page() -> Response:
    if request.method == "GET":
        return _page()
    form = request.form
    values = {k: (form.get(k) or "").strip()[:500] for k in ("policy", "credit_code", "contact_name",
                                                              "contact_phone", "talent_level", "ref", "score",
                                                              "comment")}
    values["credit_code"] = values["credit_code"].upper()
    if not form.get("csrf") or form.get("csrf") != session.get("public_csrf"):
        return _page(t("policies.error.expired"), values=values, status=400)
    if form.get("form") == "rate":
        return _rate(values)
    return _apply(values)


def _apply(values: dict) -> Response:
    problem = credit_code_error(values["credit_code"]) or contact_error(values["contact_name"],
                                                                         values["contact_phone"])
    if not problem and not values["policy"].isdigit():
        problem = "policy"
    if problem:
        return _page(t(f"policies.error.{problem}"), values=values, status=400)
    fields = {"talent_level": values["talent_level"]} if values["talent_level"] in ("A", "B", "C", "D", "E") else {}
    try:
        ref = applications.submit_public(int(values["policy"]), values["credit_code"], values["contact_name"],
                                         values["contact_phone"], fields, period_of(clock.today()),
                                         request.remote_addr)
    except applications.Refused as refused:
        return _page(t(f"policies.error.{refused.key}"), values=values, status=429 if refused.key == "throttled"
                     else 400)
    except DataUnavailable:
        return _page(t("policies.error.other"), values=values, status=503)
    return _page(t("policies.public.done", ref=ref), ok=True)


def _rate(values: dict) -> Response:
    problem = credit_code_error(values["credit_code"])
    if not problem and values["score"] not in ("1", "2", "3", "4", "5"):
        problem = "score"
    if problem:
        return _page(t(f"policies.error.{problem}"), status=400)
    try:
        applications.rate_public(values["ref"].upper(), values["credit_code"], int(values["score"]),
                                 values["comment"])
    except applications.Refused as refused:
        return _page(t(f"policies.error.{refused.key}"), status=400)
    except DataUnavailable:
        return _page(t("policies.error.other"), status=503)
    return _page(t("policies.public.rated"), ok=True)


def _page(message: str = "", ok: bool = False, values: dict | None = None, status: int = 200) -> Response:
    session["public_csrf"] = session.get("public_csrf") or secrets.token_urlsafe(24)
    try:
        with reading(NOBODY) as conn:
            policies = catalogue.policies(conn, ENTERPRISE, clock.today())
    except DataUnavailable:
        policies = []
    html = public_html(policies, session["public_csrf"], message, ok, values)
    return Response(html, status=status, mimetype="text/html")
