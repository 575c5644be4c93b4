"""The public page's side of the database: a declaration checked field by field (all or nothing), then written
by the one function the web role may call for it (mg_declare, which also throttles); a receipt, a QR
nonce's verification and the form's choices. Nobody is logged in: the policies show these requests
nothing, the functions answer exactly what the page needs (0013_migrants)."""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from data_access.importing.cells import id_number as checked_id_number
from data_access.session import reading, writing
from domain import clock
from domain.migrants import KINDS, TEST_KINDS, TEST_RESULTS

PHONE = re.compile(r"1[3-9][0-9]{9}")
HOUSE_CODE = re.compile(r"[0-9A-HJ-NP-Z]{8}")
COMMUNITY = re.compile(r"[0-9]{12}")
MOST_TEXT = 60


@dataclass
class Declared:
    """A declaration as checked: what mg_declare writes."""

    kind: str
    id_number: str
    name: str
    phone: str | None
    house_code: str | None
    community_code: str | None
    fields: dict = field(default_factory=dict)


class Refused(ValueError):
    """Input the page cannot take: the message is an i18n key (migrants.form.*), the field it is about."""

    def __init__(self, key: str, field_name: str = "") -> None:
        super().__init__(key)
        self.key = key
        self.field = field_name


def _text(form: dict, name: str, required: bool = False, most: int = MOST_TEXT) -> str | None:
    value = (form.get(name) or "").strip()
    if not value:
        if required:
            raise Refused("migrants.form.required", name)
        return None
    if len(value) > most or any(ord(c) < 32 for c in value):
        raise Refused("migrants.form.too_long", name)
    return value


def _date(form: dict, name: str, required: bool = True) -> str | None:
    value = _text(form, name, required)
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Refused("migrants.form.bad_date", name) from None
    if day > clock.today() or day.year < 2000:
        raise Refused("migrants.form.bad_date", name)
    return day.isoformat()


def _choice(form: dict, name: str, choices: tuple[str, ...]) -> str:
    value = form.get(name) or ""
    if value not in choices:
        raise Refused("migrants.form.required", name)
    return value


def parse(kind: str, form: dict) -> Declared:
    """The declaration of one kind from the form's fields; Refused on the first field it cannot take."""
    if kind not in KINDS:
        raise Refused("migrants.form.kind", "kind")
    number, reason = checked_id_number(form.get("id_number") or "")
    if number is None:
        raise Refused(f"import.reason.{reason}", "id_number")
    name = _text(form, "name", required=True, most=40)
    phone = _text(form, "phone", required=True)
    if not PHONE.fullmatch(phone):
        raise Refused("migrants.form.bad_phone", "phone")
    house = (_text(form, "house_code") or "").upper() or None
    if house and not HOUSE_CODE.fullmatch(house):
        raise Refused("migrants.form.bad_house", "house_code")
    community = _text(form, "community_code")
    if community and not COMMUNITY.fullmatch(community):
        raise Refused("migrants.form.bad_community", "community_code")
    fields: dict = {}
    if kind == "migrant":
        if not house:
            raise Refused("migrants.form.house_required", "house_code")
        fields = {"origin": _text(form, "origin", required=True), "arrival_date": _date(form, "arrival_date"),
                  "employer": _text(form, "employer")}
        community = None
    elif kind == "landlord":
        rooms = _text(form, "rooms", required=True)
        if not rooms.isdigit() or not 1 <= int(rooms) <= 60:
            raise Refused("migrants.form.bad_rooms", "rooms")
        if not community:
            raise Refused("migrants.form.community_required", "community_code")
        fields = {"address": _text(form, "address", required=True), "rooms": int(rooms), **point(form)}
        house = None
    else:
        if not house and not community:
            raise Refused("migrants.form.place_required", "house_code")
        community = None if house else community
        if kind == "overseas":
            fields = {"country": _text(form, "country", required=True), "arrival_date": _date(form, "arrival_date")}
        elif kind == "returnee":
            fields = {"city": _text(form, "city", required=True), "arrival_date": _date(form, "arrival_date")}
        else:
            fields = {"test_kind": _choice(form, "test_kind", TEST_KINDS), "test_date": _date(form, "test_date"),
                      "result": _choice(form, "result", TEST_RESULTS)}
    return Declared(kind, number, name, phone, house, community, {k: v for k, v in fields.items() if v is not None})


def point(form: dict) -> dict:
    """The house's point tapped on the form's map ({} when none): longitude and latitude, both or neither."""
    lon, lat = (form.get("lon") or "").strip(), (form.get("lat") or "").strip()
    if not lon and not lat:
        return {}
    try:
        x, y = float(lon), float(lat)
    except ValueError:
        raise Refused("migrants.form.bad_point", "lon") from None
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        raise Refused("migrants.form.bad_point", "lon")
    return {"lon": round(x, 6), "lat": round(y, 6)}


def receipt_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def declare(declared: Declared, client_address: str | None) -> tuple[str, str | None]:
    """Write the declaration ('ok' and the receipt's secret), or say why not ('throttled', 'no_house',
    'no_community', 'outside': a landlord's point not in the chosen community; no secret). The same answer
    whether or not the register knows the ID."""
    secret = secrets.token_urlsafe(24)
    with writing(None) as work:
        outcome = work.conn.execute(text(
            "SELECT mg_declare(:kind, :id, :name, :phone, :house, :community, CAST(:fields AS jsonb), :address,"
            " :receipt)"), {"kind": declared.kind, "id": declared.id_number, "name": declared.name,
                            "phone": declared.phone, "house": declared.house_code,
                            "community": declared.community_code,
                            "fields": json.dumps(declared.fields, ensure_ascii=False), "address": client_address,
                            "receipt": receipt_hash(secret)}).scalar()
    return outcome, (secret if outcome == "ok" else None)


def receipt(secret: str) -> dict | None:
    """The declaration behind a receipt's secret: kind, state, reason, time, the live QR nonce."""
    with reading(None) as conn:
        row = conn.execute(text("SELECT * FROM mg_receipt(:h)"), {"h": receipt_hash(secret)}).mappings().first()
    return dict(row) if row else None


def verify(nonce: str) -> dict | None:
    """What a scan of the nonce shows: masked name, colour now, community, street, revoked."""
    with reading(None) as conn:
        row = conn.execute(text("SELECT * FROM mg_verify(:n)"), {"n": nonce}).mappings().first()
    return dict(row) if row else None


def places(query: str | None) -> list[dict]:
    """The communities (no query) or the registered houses matching a sticker code or an address's start."""
    with reading(None) as conn:
        rows = conn.execute(text("SELECT kind, code, label FROM mg_places(:q)"),
                            {"q": (query or "").strip()[:MOST_TEXT]}).mappings()
        return [dict(r) for r in rows]


def find_houses(query: str, client_address: str | None) -> tuple[list[dict], bool]:
    """Registered houses matching a sticker code or an address's start (at most 8), and whether this address
    has searched too often (then no house): counted in PostgreSQL like the declarations."""
    with writing(None) as work:
        rows = work.conn.execute(text("SELECT code, label, throttled FROM mg_find_houses(:q, :a)"),
                                 {"q": (query or "").strip()[:MOST_TEXT], "a": client_address}).mappings().all()
    if any(r["throttled"] for r in rows):
        return [], True
    return [{"code": r["code"], "label": r["label"]} for r in rows], False


def outlines(community_code: str | None) -> list[dict]:
    """The public map's polygons: the community's outline, or every community's (GeoJSON text)."""
    code = community_code if community_code and COMMUNITY.fullmatch(community_code) else None
    with reading(None) as conn:
        return [dict(r) for r in conn.execute(text("SELECT code, geojson FROM mg_outline(:c)"),
                                              {"c": code}).mappings()]


def community_at(lon: float, lat: float) -> str | None:
    """The community whose polygon holds the point (PostGIS), if any."""
    with reading(None) as conn:
        return conn.execute(text("SELECT mg_community_at(:x, :y)"), {"x": lon, "y": lat}).scalar()
