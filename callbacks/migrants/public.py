"""The public phone pages (no login; callbacks.modules.register_public lets exactly these endpoints through):
the declaration form (its own form token, throttled per address and per ID in PostgreSQL), the receipt, the
personal QR code (a signed nonce, never personal data) and the verification page a checkpoint opens by
scanning it (the colour read from the health-code table at that moment)."""

from __future__ import annotations

import json
import re
import secrets

import segno
from flask import Flask, Response, redirect, request, session
from itsdangerous import BadSignature, Signer

from data_access.migrants import public
from data_access.session import DataUnavailable
from data_access.settings import settings
from domain import clock
from domain.migrants import KINDS
from geo.viewport import Viewport
from i18n import t
from layouts.formatting import beijing_time
from layouts.migrants import public as pages

SECRET = re.compile(r"[A-Za-z0-9_-]{20,64}")
TOKEN = re.compile(r"[A-Za-z0-9_.-]{20,120}")
COMMUNITY = re.compile(r"[0-9]{12}")
NO_STORE = {"Cache-Control": "no-store"}


def register(server: Flask) -> None:
    server.add_url_rule("/m/declare", "migrants_declare", declare, methods=["GET", "POST"])
    server.add_url_rule("/m/receipt/<secret>", "migrants_receipt", receipt)
    server.add_url_rule("/m/qr/<token>", "migrants_qr", qr_code)
    server.add_url_rule("/m/v/<token>", "migrants_verify", verify)


def _signer() -> Signer:
    return Signer(settings().signing_key(), salt="migrants.qr")


def sign(nonce: str) -> str:
    """The QR code's token: the nonce and the application's signature of it."""
    return _signer().sign(nonce).decode()


def unsign(token: str) -> str | None:
    """The nonce of a token this application signed; None for a forged (or garbled) one."""
    if not TOKEN.fullmatch(token or ""):
        return None
    try:
        return _signer().unsign(token).decode()
    except BadSignature:
        return None


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/html", headers=NO_STORE)


def _csrf() -> str:
    if not session.get("mg_csrf"):
        session["mg_csrf"] = secrets.token_urlsafe(24)
    return session["mg_csrf"]


def _form_page(kind: str, values: dict, message: str = "", status: int = 200) -> Response:
    try:
        communities = public.places(None) if kind != "migrant" else []
        searched = (request.args.get("q") or "").strip() if request.method == "GET" and "q" in request.args else None
        houses: list[dict] = []
        if searched and len(searched) >= 4:
            houses, throttled = public.find_houses(searched, request.remote_addr)
            if throttled:  # no list and no "none found": the register says nothing
                searched, message, status = None, t("migrants.form.search_throttled"), 429
        pick_map = _pick_map(kind, values)
    except DataUnavailable:
        communities, houses, searched, pick_map, message, status = [], [], None, "", t("migrants.form.error"), 503
    return _html(pages.declaration_html(kind, values, _csrf(), message, communities, houses, searched, pick_map),
                 status)


def landlord_view(community: str | None) -> tuple[list[dict], Viewport, str | None]:
    """The landlord map's outlines (the community's, or every community's when none is chosen) and view."""
    chosen = community if community and COMMUNITY.fullmatch(community) else None
    outlines = public.outlines(chosen)
    if chosen and not outlines:
        chosen, outlines = None, public.outlines(None)
    return outlines, Viewport.fit([json.loads(o["geojson"]) for o in outlines]), chosen


def _pick_map(kind: str, values: dict) -> str:
    if kind != "landlord":
        return ""
    outlines, view, chosen = landlord_view(values.get("community_code"))
    try:
        placed = public.point(values)
    except public.Refused:  # what was sent is no point: the map shows none
        placed = {}
    return pages.pick_map_html(kind, outlines, view, chosen, {"lon": placed.get("lon"), "lat": placed.get("lat")})


def pick(kind: str, values: dict) -> Response:
    """A tap on the landlord's map (or its clearing): the point, in the community it lies in (PostGIS); with a
    community chosen, a point outside it is refused in Chinese and the earlier point kept."""
    if "clear_point" in values:
        return _form_page(kind, {**values, "lon": "", "lat": ""})
    try:
        x, y = float(values.get("pick.x", "")), float(values.get("pick.y", ""))
        _outlines, view, _chosen = landlord_view(values.get("map_view"))
        lon, lat = view.lonlat(x, y)
        found = public.community_at(lon, lat) if view.contains_pixel(x, y) else None
    except ValueError:
        return _form_page(kind, values, t("migrants.form.bad_point"), 400)
    except DataUnavailable:
        return _form_page(kind, values, t("migrants.form.error"), 503)
    chosen = values.get("community_code") or ""
    if found is None or (chosen and found != chosen):
        return _form_page(kind, values, t("migrants.form.outside" if chosen else "migrants.form.outside_all"), 400)
    return _form_page(kind, {**values, "community_code": found, "lon": f"{lon:.6f}", "lat": f"{lat:.6f}"})


def declare() -> Response:
    kind = request.args.get("kind") or request.form.get("kind") or "migrant"
    if kind not in KINDS:
        kind = "migrant"
    if request.method == "GET":
        return _form_page(kind, {"house_code": request.args.get("house_code", "")[:8]})
    values = {k: v[:100] for k, v in request.form.items() if k != "csrf"}
    if not request.form.get("csrf") or request.form.get("csrf") != session.get("mg_csrf"):
        return _form_page(kind, values, t("migrants.form.expired"), 400)
    # Enter in a field submits with the form's first button, the map's picture, at (0, 0): a declaration then
    tapped = (values.get("pick.x"), values.get("pick.y")) not in ((None, None), ("0", "0"))
    if kind == "landlord" and (tapped or "clear_point" in values):
        return pick(kind, values)
    values = {k: v for k, v in values.items() if k not in ("pick.x", "pick.y", "clear_point")}
    try:
        declared = public.parse(kind, values)
    except public.Refused as refused:
        label = t("migrants.field." + refused.field) if refused.field in _FIELDS else ""
        reason = t(refused.key)
        return _form_page(kind, values, t("migrants.form.field_error", field=label, reason=reason) if label else reason,
                          400)
    try:
        outcome, secret = public.declare(declared, request.remote_addr)
    except DataUnavailable:
        return _form_page(kind, values, t("migrants.form.error"), 503)
    if outcome != "ok":
        return _form_page(kind, values, t(f"migrants.form.{outcome}"), 429 if outcome == "throttled" else 400)
    return redirect(f"/m/receipt/{secret}?new=1", code=303)


_FIELDS = {"id_number", "name", "phone", "origin", "arrival_date", "employer", "house_code", "community_code",
           "address", "rooms", "country", "city", "test_kind", "test_date", "result", "lon"}


def receipt(secret: str) -> Response:
    if not SECRET.fullmatch(secret):
        return _html(pages.receipt_html(None, False, None), 404)
    try:
        found = public.receipt(secret)
    except DataUnavailable:
        return _html(pages.page(t("migrants.receipt.title"), t("migrants.form.error")), 503)
    if found is None:
        return _html(pages.receipt_html(None, False, None), 404)
    found["declared_at"] = beijing_time(found["declared_at"]) if found["declared_at"] else ""
    qr_path = f"/m/qr/{sign(found['qr_nonce'])}" if found.get("qr_nonce") else None
    return _html(pages.receipt_html(found, request.args.get("new") == "1", qr_path))


def qr_code(token: str) -> Response:
    if unsign(token) is None:
        return _html(pages.verify_html(None, "forged", ""), 400)
    url = request.host_url.rstrip("/") + f"/m/v/{token}"
    svg = segno.make(url, error="m").svg_data_uri(scale=6, border=2)
    return _html(pages.qr_html(svg, f"/m/v/{token}"))


def verify(token: str) -> Response:
    """The scan: forged, unknown, revoked, or the masked holder and the colour as of this request."""
    nonce = unsign(token)
    checked = beijing_time(clock.now(), seconds=True)
    if nonce is None:
        return _html(pages.verify_html(None, "forged", checked), 400)
    try:
        found = public.verify(nonce)
    except DataUnavailable:
        return _html(pages.page(t("migrants.verify.title"), t("migrants.form.error")), 503)
    if found is None:
        return _html(pages.verify_html(None, "unknown", checked), 404)
    if found["revoked"]:
        return _html(pages.verify_html(None, "revoked", checked), 410)
    found["issued_at"] = beijing_time(found["issued_at"])
    return _html(pages.verify_html(found, None, checked))
