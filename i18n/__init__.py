"""Every user-facing text, by key. Chinese (zh-CN) now; an English catalogue can sit beside it.

Imported by layouts, callbacks, data_access and the command line; imports nothing of the project. The
language is chosen once at start-up (app.py, from the settings) with use().
"""

from __future__ import annotations

from i18n import zh_CN

CATALOGUES = {"zh-CN": zh_CN.TEXT}
_chosen = {"language": "zh-CN"}


def use(language: str) -> None:
    """Speak `language` from now on (one of CATALOGUES)."""
    if language not in CATALOGUES:
        raise ValueError(f"no catalogue for {language!r}")
    _chosen["language"] = language


def t(key: str, **values: object) -> str:
    """The text for key in the chosen language (falling back to Chinese), filled with values."""
    text = CATALOGUES[_chosen["language"]].get(key, zh_CN.TEXT[key])
    return text.format(**values) if values else text
