"""The public enterprise page (亲清在线 · /apply): plain HTML (no Dash, no login), a form to apply for an open
enterprise policy with the credit code and a contact, and a form to rate a decided application."""

from __future__ import annotations

from html import escape

from i18n import t


def _field(label: str, name: str, value: str = "", maxlength: int = 40, required: bool = True) -> str:
    need = " required" if required else ""
    return (f'<label>{escape(t(label))}<input name="{name}" value="{escape(value)}" maxlength="{maxlength}"'
            f'{need}></label>')


def public_html(policies: list[dict], csrf: str, message: str = "", ok: bool = False,
                values: dict | None = None) -> str:
    """The page; `message` is the last submission's answer (ok: accepted, else what to correct)."""
    v = values or {}
    chosen = str(v.get("policy", ""))
    options = "".join(f'<option value="{p["id"]}"{" selected" if str(p["id"]) == chosen else ""}>'
                      f'{escape(p["name"])}</option>' for p in policies)
    alert = (f'<p class="login-message{" ok" if ok else ""}" role="{"status" if ok else "alert"}">'
             f'{escape(message)}</p>') if message else ""
    levels = "".join(f'<option value="{x}"{" selected" if v.get("talent_level") == x else ""}>{x}</option>'
                     for x in ("", "A", "B", "C", "D", "E"))
    scores = "".join(f'<option value="{n}">{n}</option>' for n in (5, 4, 3, 2, 1))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("policies.public.title"))}</title><link rel="stylesheet" href="/assets/style.css"></head>
<body class="login-body"><main class="login-card public-card">
<h1>{escape(t("policies.public.title"))}</h1><p>{escape(t("policies.public.intro"))}</p>{alert}
<form method="post" action="/apply" autocomplete="off" id="apply-form">
<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="form" value="apply">
<label>{escape(t("policies.policy"))}<select name="policy" required>{options}</select></label>
{_field("policies.public.credit_code", "credit_code", v.get("credit_code", ""), 18)}
{_field("policies.public.contact_name", "contact_name", v.get("contact_name", ""), 40)}
{_field("policies.public.contact_phone", "contact_phone", v.get("contact_phone", ""), 11)}
<label>{escape(t("policies.public.talent_level"))}<select name="talent_level">{levels}</select></label>
<button type="submit">{escape(t("policies.public.submit"))}</button>
</form>
<h2>{escape(t("policies.public.rate_title"))}</h2>
<form method="post" action="/apply" autocomplete="off" id="rate-form">
<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="form" value="rate">
{_field("policies.public.ref", "ref", "", 12)}
{_field("policies.public.credit_code", "credit_code", "", 18)}
<label>{escape(t("policies.public.score"))}<select name="score">{scores}</select></label>
{_field("policies.public.comment", "comment", "", 500, required=False)}
<button type="submit">{escape(t("policies.public.rate"))}</button>
</form></main></body></html>"""
