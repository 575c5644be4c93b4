"""The login page: plain HTML (no Dash), so nothing but it and its stylesheet is served before login."""

from __future__ import annotations

from html import escape

from i18n import t


def login_html(message: str, csrf: str, next_path: str, username: str = "") -> str:
    alert = f'<p class="login-message" role="alert">{escape(message)}</p>' if message else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("login.title"))}</title><link rel="stylesheet" href="/assets/style.css"></head>
<body class="login-body"><main class="login-card">
<h1>{escape(t("login.heading"))}</h1>{alert}
<form method="post" action="/login" autocomplete="on">
<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="next" value="{escape(next_path)}">
<label>{escape(t("login.username"))}<input name="username" value="{escape(username)}" required autofocus
 maxlength="40" autocomplete="username"></label>
<label>{escape(t("login.password"))}<input name="password" type="password" required maxlength="200"
 autocomplete="current-password"></label>
<button type="submit">{escape(t("login.submit"))}</button>
</form><p class="login-notice">{escape(t("login.notice"))}</p></main></body></html>"""
