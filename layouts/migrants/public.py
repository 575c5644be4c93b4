"""The public phone pages of 新拱墅人一码通 (no login): the declaration form, the receipt, the personal QR code
and the checkpoint's verification page. Plain server-rendered HTML (works on a 390×844 screen, no script, no
outside request; the style is inline). Builders take what the routes bring and do no I/O."""

from __future__ import annotations

import json
from html import escape

from domain.migrants import KINDS, TEST_KINDS, TEST_RESULTS
from geo.viewport import Viewport, svg_path
from i18n import t

STYLE = """
body{margin:0;font-family:"Noto Sans CJK SC","Noto Sans SC",sans-serif;background:#f3f5f7;color:#1f2933;font-size:16px}
main{max-width:480px;margin:0 auto;padding:16px}
h1{font-size:21px;margin:8px 0 12px}
.mgp-card{background:#fff;border-radius:10px;padding:16px;margin-bottom:14px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.mgp-kinds{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:12px}
.mgp-kinds a{padding:7px 10px;border-radius:16px;background:#e4e9ee;color:#1f2933;text-decoration:none;font-size:14px}
.mgp-kinds a.on{background:#0b6e4f;color:#fff}
label{display:block;margin:10px 0;font-size:14px;color:#52606d}
input,select{display:block;width:100%;box-sizing:border-box;margin-top:4px;padding:10px;font-size:16px;
 border:1px solid #cbd2d9;border-radius:6px;background:#fff}
button,.mgp-button{display:block;width:100%;margin-top:14px;padding:12px;font-size:17px;border:0;border-radius:8px;
 background:#0b6e4f;color:#fff;text-align:center;text-decoration:none;box-sizing:border-box}
.mgp-error{background:#fde8e8;color:#9b1c1c;padding:10px;border-radius:6px}
.mgp-ok{background:#e3f9e5;color:#05603a;padding:10px;border-radius:6px}
.mgp-notice{font-size:13px;color:#7b8794}
.mgp-found a{display:block;padding:8px 0;color:#0b5cad}
.mgp-row{display:flex;justify-content:space-between;padding:6px 0;border-bottom:1px solid #eef1f4}
.mgp-colour{font-size:30px;font-weight:700;text-align:center;padding:22px;border-radius:10px;color:#fff}
.mgp-green{background:#1a9850}.mgp-yellow{background:#e6b800}.mgp-red{background:#d73027}.mgp-none{background:#9aa5b1}
.mgp-photo{width:96px;height:120px;margin:0 auto 10px;background:#e4e9ee;border-radius:6px;display:flex;
 align-items:center;justify-content:center;color:#7b8794}
.mgp-map{position:relative;margin:6px auto 4px;border:1px solid #cbd2d9;border-radius:6px;background:#fff}
.mgp-map svg{display:block}
.mgp-map input{position:absolute;left:0;top:0;width:100%;height:100%;margin:0;padding:0;border:0;cursor:crosshair;
 background:transparent}
.mgp-link{background:none;color:#0b5cad;padding:4px 0;margin:0;font-size:14px;text-align:left;width:auto}
.mgp-qr{display:block;margin:0 auto;width:260px;height:260px;image-rendering:pixelated}
"""


def page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{STYLE}</style></head>
<body><main>{body}</main></body></html>"""


def _input(name: str, values: dict, kind: str = "text", required: bool = True, extra: str = "") -> str:
    value = escape(values.get(name) or "")
    need = " required" if required else ""
    return (f'<label>{escape(t("migrants.field." + name))}<input name="{name}" type="{kind}" value="{value}"'
            f'{need}{extra}></label>')


def _select(name: str, options: list[tuple[str, str]], values: dict, required: bool = True) -> str:
    chosen = values.get(name) or ""
    items = "".join(f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(label)}</option>'
                    for v, label in options)
    need = " required" if required else ""
    return (f'<label>{escape(t("migrants.field." + name))}<select name="{name}"{need}>'
            f'<option value="">{escape(t("migrants.field.choose"))}</option>{items}</select></label>')


# A transparent GIF stretched over the map's picture: the tap's place is sent with the form (no script).
CLEAR_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def pick_map_html(kind: str, outlines: list[dict], view: Viewport, chosen: str | None, values: dict) -> str:
    """The landlord's small map: the chosen community's outline (or every community's), the tapped point;
    a tap posts the form with the place tapped, the page comes back with the point drawn."""
    shapes = "".join(f'<path d="{svg_path(json.loads(o["geojson"]), view)}" fill="{"#e8f3ee" if chosen else "#f5f7f9"}"'
                     f' stroke="{"#0b6e4f" if chosen else "#9aa5b1"}" stroke-width="{2 if chosen else 0.8}"/>'
                     for o in outlines)
    marker, placed = "", ""
    lon, lat = values.get("lon"), values.get("lat")
    if lon and lat:
        x, y = view.pixel(float(lon), float(lat))
        if view.contains_pixel(x, y):
            marker = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#d73027" stroke="#fff" stroke-width="2"/>'
        placed = (f'<p class="mgp-notice" id="pick-placed">{escape(t("migrants.map.placed", lon=lon, lat=lat))}</p>'
                  f'<button type="submit" name="clear_point" value="1" formnovalidate class="mgp-link"'
                  f' formaction="/m/declare?kind={kind}#pick-map">{escape(t("migrants.map.clear"))}</button>')
    hint = t("migrants.map.hint_community" if chosen else "migrants.map.hint_district")
    return (f'<div class="mgp-field" id="pick-map"><label>{escape(t("migrants.field.location"))}</label>'
            f'<p class="mgp-notice">{escape(hint)}</p>'
            f'<div class="mgp-map" style="width:{view.width}px;height:{view.height}px">'
            f'<svg width="{view.width}" height="{view.height}" viewBox="0 0 {view.width} {view.height}"'
            f' role="img" aria-label="{escape(t("migrants.field.location"))}">{shapes}{marker}</svg>'
            f'<input type="image" name="pick" src="{CLEAR_GIF}" alt="{escape(t("migrants.map.tap"))}" formnovalidate'
            f' formaction="/m/declare?kind={kind}#pick-map"></div>{placed}'
            f'<input type="hidden" name="map_view" value="{escape(chosen or "")}">'
            f'<input type="hidden" name="lon" value="{escape(str(lon or ""))}">'
            f'<input type="hidden" name="lat" value="{escape(str(lat or ""))}"></div>')


def declaration_html(kind: str, values: dict, csrf: str, message: str = "", communities: list[dict] | None = None,
                     houses: list[dict] | None = None, searched: str | None = None, pick_map: str = "") -> str:
    """The declaration form of one kind, with the values typed (kept after a refusal) and an error line."""
    tabs = "".join(f'<a href="/m/declare?kind={k}"{" class=on" if k == kind else ""}>'
                   f'{escape(t("migrants.kind." + k))}</a>' for k in KINDS)
    alert = f'<p class="mgp-error" role="alert">{escape(message)}</p>' if message else ""
    places = [(c["code"], c["label"]) for c in communities or []]
    house = _input("house_code", values, required=kind == "migrant",
                   extra=' maxlength="8" autocapitalize="characters" autocomplete="off"')
    identity = (_input("id_number", values, extra=' maxlength="18" autocomplete="off"')
                + _input("name", values, extra=' maxlength="40"')
                + _input("phone", values, "tel", extra=' maxlength="11" inputmode="numeric"'))
    if kind == "migrant":
        fields = (identity + _input("origin", values, extra=' maxlength="60"')
                  + _input("arrival_date", values, "date") + _input("employer", values, required=False,
                                                                       extra=' maxlength="60"') + house)
    elif kind == "landlord":
        fields = (identity + _select("community_code", places, values)
                  + _input("address", values, extra=' maxlength="60"')
                  + _input("rooms", values, "number", extra=' min="1" max="60"') + pick_map)
    else:
        place = house + _select("community_code", places, values, required=False)
        if kind == "overseas":
            extra = _input("country", values, extra=' maxlength="60"') + _input("arrival_date", values, "date")
        elif kind == "returnee":
            extra = _input("city", values, extra=' maxlength="60"') + _input("arrival_date", values, "date")
        else:
            extra = (_select("test_kind", [(k, t("migrants.test_kind." + k)) for k in TEST_KINDS], values)
                     + _input("test_date", values, "date")
                     + _select("result", [(r, t("migrants.result." + r)) for r in TEST_RESULTS], values))
        fields = identity + extra + place
    search = ""
    if kind != "landlord":
        found = ""
        if searched is not None:
            links = "".join(f'<a href="/m/declare?kind={kind}&amp;house_code={escape(h["code"])}">{escape(h["label"])}'
                            f'（{escape(h["code"])}）</a>' for h in houses or [])
            found = (f'<div class="mgp-found"><p>{escape(t("migrants.public.found"))}</p>{links}</div>' if links
                     else f'<p class="mgp-notice">{escape(t("migrants.public.none_found"))}</p>')
        search = (f'<form method="get" action="/m/declare" class="mgp-card">'
                  f'<input type="hidden" name="kind" value="{kind}">'
                  f'<label>{escape(t("migrants.field.house_search"))}<input name="q" value="{escape(searched or "")}"'
                  f' minlength="4" maxlength="60" required></label><button type="submit">'
                  f'{escape(t("migrants.field.search"))}</button>{found}</form>')
    body = f"""<h1>{escape(t("migrants.public.heading"))}</h1>
<nav class="mgp-kinds" aria-label="{escape(t("migrants.public.choose"))}">{tabs}</nav>{alert}{search}
<form method="post" action="/m/declare?kind={kind}" class="mgp-card" autocomplete="on" id="declaration">
<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="kind" value="{kind}">
{fields}<button type="submit">{escape(t("migrants.public.submit"))}</button></form>
<p class="mgp-notice">{escape(t("migrants.public.notice"))}</p>"""
    return page(t("migrants.public.title"), body)


def receipt_html(found: dict | None, fresh: bool, qr_path: str | None) -> str:
    if found is None:
        return page(t("migrants.receipt.title"), f'<h1>{escape(t("migrants.receipt.title"))}</h1>'
                    f'<p class="mgp-error" role="alert">{escape(t("migrants.receipt.unknown"))}</p>')
    # only a migrant's own declaration promises the personal QR code (a landlord gets none)
    saved_key = "migrants.receipt.saved" if found["kind"] == "migrant" else "migrants.receipt.saved_plain"
    saved = f'<p class="mgp-ok" role="status">{escape(t(saved_key))}</p>' if fresh else ""
    rows = [("migrants.receipt.kind", t("migrants.kind." + found["kind"])),
            ("migrants.receipt.state", t("migrants.state." + found["state"])),
            ("migrants.receipt.time", found["declared_at"])]
    if found.get("reason"):
        rows.append(("migrants.receipt.reason", found["reason"]))
    table = "".join(f'<div class="mgp-row"><span>{escape(t(k))}</span><b>{escape(str(v))}</b></div>' for k, v in rows)
    link = f'<a class="mgp-button" href="{escape(qr_path)}">{escape(t("migrants.receipt.qr"))}</a>' if qr_path else ""
    return page(t("migrants.receipt.title"), f'<h1>{escape(t("migrants.receipt.title"))}</h1>{saved}'
                f'<div class="mgp-card">{table}{link}</div>')


def qr_html(svg_data_uri: str, verify_path: str) -> str:
    return page(t("migrants.qr.title"), f'<h1>{escape(t("migrants.qr.title"))}</h1><div class="mgp-card">'
                f'<img class="mgp-qr" src="{escape(svg_data_uri)}" alt="{escape(t("migrants.qr.title"))}">'
                f'<p class="mgp-notice">{escape(t("migrants.qr.hint"))}</p>'
                f'<a class="mgp-button" href="{escape(verify_path)}">{escape(t("migrants.qr.open"))}</a></div>')


def verify_html(found: dict | None, problem: str | None, checked_at: str) -> str:
    """The checkpoint's view: the colour now, the masked name, a photo placeholder, the community; or why not."""
    title = t("migrants.verify.title")
    if problem:
        return page(title, f'<h1>{escape(title)}</h1><p class="mgp-error" role="alert" id="verdict">'
                    f'{escape(t("migrants.verify." + problem))}</p>')
    colour = found["colour"] or "none"
    label = t(f"migrants.colour.{colour}") if found["colour"] else t("migrants.verify.no_colour")
    rows = [("migrants.verify.name", found["masked_name"]),
            ("migrants.verify.community", f'{found["street_name"]} {found["community_name"]}'),
            ("migrants.verify.issued", found["issued_at"])]
    table = "".join(f'<div class="mgp-row"><span>{escape(t(k))}</span><b>{escape(str(v))}</b></div>' for k, v in rows)
    return page(title, f'<h1>{escape(title)}</h1><div class="mgp-card">'
                f'<div class="mgp-colour mgp-{colour}" id="verdict" data-colour="{colour}">{escape(label)}</div></div>'
                f'<div class="mgp-card"><div class="mgp-photo" aria-label="{escape(t("migrants.verify.photo"))}">'
                f'{escape(t("migrants.verify.photo"))}</div>{table}'
                f'<p class="mgp-notice">{escape(t("migrants.verify.checked", time=checked_at))}</p></div>')
