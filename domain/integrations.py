"""The doors other systems call with a bearer token. A token opens only the doors it was made for: the health-code
platform's token cannot send key-person batches."""

from __future__ import annotations

# Each API by its name in the token table (and its label key "api.name.<name>" in i18n).
APIS = ("health_codes", "keyperson_batches", "appeals")


def unknown_apis(apis: list[str] | tuple[str, ...]) -> list[str]:
    """The names among apis that are no API of ours."""
    return [a for a in apis if a not in APIS]
