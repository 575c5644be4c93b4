"""Every user-facing text, by key. Chinese (zh-CN) now; an English catalogue can sit beside it.

Imported by layouts, callbacks, data_access and the command line; imports nothing of the project.
"""

from __future__ import annotations

import os

from i18n import zh_CN

CATALOGUES = {"zh-CN": zh_CN.TEXT}


def t(key: str, **values: object) -> str:
    """The text for key in the configured language (SANSETU_LANG, default zh-CN), filled with values."""
    catalogue = CATALOGUES.get(os.environ.get("SANSETU_LANG", "zh-CN"), zh_CN.TEXT)
    text = catalogue.get(key, zh_CN.TEXT[key])
    return text.format(**values) if values else text
