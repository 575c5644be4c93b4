"""Login, logout and the gate in front of every route: anonymous requests get the login page or 401."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import quote

from flask import Flask, Response, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from data_access import audit_trail
from data_access.session import DataUnavailable, writing
from data_access.settings import settings
from data_access.users import accounts as users
from i18n import t
from layouts.login import login_html

PUBLIC = {"/login", "/healthz", "/favicon.ico", "/_favicon.ico"}
API_PREFIX = "/api/"
login_manager = LoginManager()


class SessionUser(UserMixin):
    """The logged-in user. Its id carries the password's date, so a reset ends every older session."""

    def __init__(self, user: users.User) -> None:
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.password_changed_at.timestamp():.6f}"


@login_manager.user_loader
def load_user(key: str) -> SessionUser | None:
    user_id, _, stamp = key.partition(":")
    try:
        with writing(None) as work:
            user = users.get_user(work.conn, int(user_id))
    except (ValueError, DataUnavailable):
        return None
    if user and user.active and f"{user.password_changed_at.timestamp():.6f}" == stamp:
        return SessionUser(user)
    return None


def register(server: Flask, pages: set[str]) -> None:
    """Login, logout and the gate; `pages` are the paths a browser opens (anonymous: the login page)."""
    server.config.update(
        SECRET_KEY=settings().signing_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings().https,
        SESSION_COOKIE_NAME="sansetu_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
    )
    login_manager.init_app(server)
    server.before_request(lambda: gate(pages))
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["GET", "POST"])


def gate(pages: set[str]) -> Response | None:
    """Every request but the login page, its stylesheet and the health check needs a logged-in user."""
    path = request.path
    if path in PUBLIC or path == "/assets/style.css" or current_user.is_authenticated:
        return None
    if path.startswith(API_PREFIX):  # systems, not people: each API route checks its own token
        return None
    if request.method == "GET" and path in pages:
        return redirect("/login?next=" + quote(request.full_path.rstrip("?")))
    return Response(t("auth.required"), status=401, mimetype="text/plain")


def login() -> Response | str:
    if request.method == "GET":
        return _page("", request.args.get("next", "/"))
    form = request.form
    next_path = _safe_next(form.get("next", "/"))
    if not form.get("csrf") or form.get("csrf") != session.get("csrf"):
        return _page(t("login.expired"), next_path)
    username = form.get("username", "").strip().lower()[:40]
    address = request.remote_addr
    try:
        with writing(None) as work:  # nobody is logged in yet: the audit rows name who tried
            conn = work.conn
            if users.throttled(conn, username, address):
                audit_trail.record(conn, username, None, "refused", detail={"reason": "throttled"}, address=address)
                return _page(t("login.throttled"), next_path, username, status=429)
            user = users.authenticate(conn, username, form.get("password", "")[:200])
            if user is None:
                audit_trail.record(conn, username, None, "login_failed", address=address)
                return _page(t("login.failed"), next_path, username, status=401)
            audit_trail.record(conn, user.username, user.role, "login", user.org_code, address=address)
    except DataUnavailable:
        return _page(t("map.error"), next_path, username, status=503)
    session.clear()  # a new session at login: nothing from before it survives
    login_user(SessionUser(user))
    session.permanent = True
    return redirect(next_path)


def logout() -> Response:
    if current_user.is_authenticated:
        user = current_user.user
        try:
            with writing(None) as work:
                audit_trail.record(work.conn, user.username, user.role, "logout", user.org_code,
                                   address=request.remote_addr)
        except DataUnavailable:
            pass
    logout_user()
    session.clear()
    return redirect("/login")


def _page(message: str, next_path: str, username: str = "", status: int = 200) -> Response:
    session["csrf"] = secrets.token_urlsafe(24)
    html = login_html(message, session["csrf"], _safe_next(next_path), username)
    return Response(html, status=status, mimetype="text/html")


def _safe_next(path: str) -> str:
    """Only a path of this site: never //host or a full URL (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\\\" not in path else "/"
