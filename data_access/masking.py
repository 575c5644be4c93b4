"""Personal data masked by default: what leaves data_access unmasked must be asked for explicitly."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str | None:
    """330105199001011234 -> 330105********1234 (area code and last four kept)."""
    if not value:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    """13812345678 -> 138****5678."""
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_name(value: str | None) -> str | None:
    """张伟 -> 张*, 欧阳明华 -> 欧***: the surname's first character only."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)
