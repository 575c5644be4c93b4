"""Login, logout and the gate in front of every route: anonymous requests get the login page or 401."""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote, urlsplit

from flask import Flask, Response, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from data_access.session import DataUnavailable
from data_access.settings import settings
from data_access.users import accounts as users
from data_access.users import sessions
from i18n import t
from layouts.login import login_html

PUBLIC = {"/login", "/healthz", "/favicon.ico", "/_favicon.ico"}
USERNAME = re.compile(r"[a-z0-9_.-]{1,40}")
login_manager = LoginManager()


class SessionUser(UserMixin):
    """The logged-in user and their session's secret token (the cookie's id; the database keeps its hash)."""

    def __init__(self, user: users.User, token: str) -> None:
        self.user = user
        self.token = token

    def get_id(self) -> str:
        return self.token


@login_manager.user_loader
def load_user(token: str) -> SessionUser | None:
    """Each request: the session must still be live in the database (not logged out, not ended by a
    disabled account or a new password, not expired)."""
    try:
        user = sessions.session_user(token)
    except DataUnavailable:
        return None
    return SessionUser(user, token) if user else None


def register(server: Flask, pages: set[str], api_paths: set[str], public: frozenset[str] = frozenset()) -> None:
    """Login, logout and the gate; `pages` are the paths a browser opens (anonymous: the login page),
    `api_paths` the routes systems call with their own tokens, `public` the endpoints anyone may open."""
    server.config.update(
        SECRET_KEY=settings().signing_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings().https,
        SESSION_COOKIE_NAME="sansetu_session",
        PERMANENT_SESSION_LIFETIME=sessions.SESSION_LIFETIME,
    )
    login_manager.init_app(server)
    server.before_request(lambda: gate(pages, api_paths, public))
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["POST"])


def gate(pages: set[str], api_paths: set[str], public: frozenset[str] = frozenset()) -> Response | None:
    """Every request but the login page, its stylesheet, the health check and the modules' public pages
    (by endpoint, see callbacks.modules.register_public) needs a logged-in user."""
    path = request.path
    if path in PUBLIC or path == "/assets/style.css" or current_user.is_authenticated:
        return None
    if request.endpoint in public:
        return None
    if path in api_paths:  # systems, not people: each API route checks its own token
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
    username = form.get("username", "").strip().lower()
    if not USERNAME.fullmatch(username):  # no such user can exist: nothing to look up or to record
        return _page(t("login.failed"), next_path, status=401)
    try:
        attempt = sessions.log_in(username, form.get("password", "")[:200], request.remote_addr)
    except DataUnavailable:
        return _page(t("map.error"), next_path, username, status=503)
    if attempt.outcome == "throttled":
        return _page(t("login.throttled"), next_path, username, status=429)
    if attempt.outcome != "ok":
        return _page(t("login.failed"), next_path, username, status=401)
    session.clear()  # a new session at login: nothing from before it survives
    login_user(SessionUser(attempt.user, attempt.token))
    session.permanent = True
    session["csrf"] = secrets.token_urlsafe(24)  # for the forms of the logged-in pages (logout)
    return redirect(next_path)


def logout() -> Response:
    """POST with the session's form token: the session ends in the database, for good."""
    if current_user.is_authenticated:
        if request.form.get("csrf") != session.get("csrf"):
            return Response(t("login.expired"), status=400, mimetype="text/plain")
        try:
            sessions.log_out(current_user.token, request.remote_addr)
        except DataUnavailable:
            return Response(t("map.error"), status=503, mimetype="text/plain")
    logout_user()
    session.clear()
    return redirect("/login")


def _page(message: str, next_path: str, username: str = "", status: int = 200) -> Response:
    session["csrf"] = secrets.token_urlsafe(24)
    html = login_html(message, session["csrf"], _safe_next(next_path), username)
    return Response(html, status=status, mimetype="text/html")


def _safe_next(path: str) -> str:
    """Only a path of this site (no open redirect): no scheme, no host once parsed as a browser would, no
    backslash, no control character (a browser drops tabs and newlines, so "/\t/host" is "//host")."""
    if (not path.startswith("/") or any(c == "\\" or ord(c) < 32 or ord(c) == 127 for c in path)
            or path.startswith("//")):
        return "/"
    parts = urlsplit(path)
    return path if not parts.scheme and not parts.netloc else "/"
