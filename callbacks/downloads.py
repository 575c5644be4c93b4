"""Web plumbing for files: an attachment with a Chinese file name, and a plain-text refusal."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from i18n import t

TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}


def attachment(content: bytes, name: str, kind: str) -> Response:
    """A download named `name` (any characters, RFC 5987), of type TYPES[kind]."""
    return Response(content, mimetype=TYPES[kind],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def refusal(key: str, status: int, **values: object) -> Response:
    return Response(t(key, **values), status=status, mimetype="text/plain")
