"""The leaders' daily brief (每日简报): the map's outlines as SVG paths (PostGIS draws them), the PDF printed
by the local Chromium from the brief's HTML (nothing fetched: the page is handed over whole, every request
from it refused), and the history of briefs (scoreboard_brief, within the session's area)."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

from playwright.sync_api import sync_playwright
from sqlalchemy import Connection, text

from data_access.scoreboard_views.fonts import FAMILY, font_face_css
from data_access.settings import settings
from domain.divisions import Scope

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def outlines(conn: Connection, scope: Scope) -> dict:
    """The area's communities as SVG path data (y down, 5 decimals) and the view box around them."""
    rows = conn.execute(text("""
        SELECT code, name, ST_AsSVG(ST_SimplifyPreserveTopology(geom, 0.00005), 0, 5) AS path
        FROM community WHERE code LIKE :p ORDER BY code"""), {"p": scope.prefix + "%"}).mappings().all()
    box = conn.execute(text("""
        SELECT ST_XMin(e), -ST_YMax(e), ST_XMax(e) - ST_XMin(e), ST_YMax(e) - ST_YMin(e)
        FROM (SELECT ST_Extent(geom) AS e FROM community WHERE code LIKE :p) x"""), {"p": scope.prefix + "%"}).one()
    return {"paths": [dict(r) for r in rows], "box": None if box[0] is None else [float(v) for v in box]}


def render_pdf(page_html: str) -> bytes:
    """A4 PDF of the page, printed by the local Chromium; any request the page would make is aborted. The
    page's characters are drawn from a font of their own, embedded as TrueType (fonts.py)."""
    page_html = with_embedded_font(page_html)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=settings().chromium_path, args=FLAGS)
        try:
            page = browser.new_page(device_scale_factor=2)
            page.route("**/*", lambda route: route.abort())
            page.set_content(page_html, wait_until="load")
            _map_as_image(page)
            return page.pdf(format="A4", print_background=True,
                            margin={"top": "12mm", "bottom": "12mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()


def with_embedded_font(page_html: str) -> str:
    """The page with its own TrueType font (exactly its characters) as its first choice."""
    css = font_face_css(page_html)
    if not css:
        return page_html
    rule = f"body {{ font-family: '{FAMILY}', 'Noto Sans CJK SC', sans-serif; }}"
    return page_html.replace("</head>", f"<style>{css}\n{rule}</style></head>", 1)


def _map_as_image(page) -> None:
    """The SVG map drawn once as a PNG (2× for print) and put in its place: the PDF holds the map as an image."""
    found = page.locator("svg.brief-map")
    if not found.count():
        return
    png = base64.b64encode(found.screenshot(scale="device")).decode()
    page.evaluate("""png => { const svg = document.querySelector('svg.brief-map'); const img = new Image();
        img.src = 'data:image/png;base64,' + png; img.className = 'brief-map'; img.style.width = '120mm';
        svg.replaceWith(img); return new Promise(done => img.complete ? done() : (img.onload = done)); }""", png)


def save_brief(conn: Connection, area: str, day: date, made_by: str, pdf: bytes, scheduled: bool = False) -> int:
    """Keep a brief (PostgreSQL checks the area and the maker's name against the session, and keeps one
    scheduled brief per area and day)."""
    return conn.execute(text("""
        INSERT INTO scoreboard_brief (area, day, made_by, pdf, sha256, scheduled)
        VALUES (:a, :d, :m, :pdf, :h, :s) RETURNING id"""),
        {"a": area, "d": day, "m": made_by, "pdf": pdf, "h": hashlib.sha256(pdf).hexdigest(),
         "s": scheduled}).scalar_one()


def claim_scheduled(conn: Connection, area: str, day: date) -> bool:
    """Whether this transaction is the one to make the area's scheduled brief of the day: nobody else is making
    it now (a lock held to the end of the transaction; another server process skips rather than waits) and
    none has been kept. The unique index is the last word if two ever got past this."""
    got = conn.execute(text("SELECT pg_try_advisory_xact_lock(hashtext('sansetu.scheduled_brief:' || :a || :d))"),
                       {"a": area, "d": day.isoformat()}).scalar_one()
    return bool(got) and not conn.execute(text(
        "SELECT EXISTS (SELECT 1 FROM scoreboard_brief WHERE area = :a AND day = :d AND scheduled)"),
        {"a": area, "d": day}).scalar_one()


def briefs(conn: Connection, scope: Scope, limit: int = 60) -> list[dict]:
    """The briefs of the area, newest first (without their PDF)."""
    rows = conn.execute(text("""
        SELECT id, area, day, made_at, made_by, scheduled, length(pdf) AS size FROM scoreboard_brief
        WHERE area LIKE :p ORDER BY made_at DESC, id DESC LIMIT :n"""), {"p": scope.prefix + "%", "n": limit})
    return [dict(r) for r in rows.mappings()]


def brief_pdf(conn: Connection, brief_id: int) -> tuple[date, bytes] | None:
    """A kept brief's day and PDF, if the session may see it."""
    row = conn.execute(text("SELECT day, pdf FROM scoreboard_brief WHERE id = :i"), {"i": brief_id}).first()
    return (row[0], bytes(row[1])) if row else None
