"""One cell at a time: normalise what officials' files really contain, or say in Chinese why not.

Each checker takes the cell's text and returns (value, None) or (None, reason key). Reasons are i18n
keys (``import.reason.*``); the value is what the database stores. Check digits are python-stdnum's.
Codes, numbers, dates and colours are normalised (full width to half width, invisible characters out);
names and addresses are stored as written, only trimmed, so an export matches the registration.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

Checked = tuple[object, str | None]
BEIJING = timezone(timedelta(hours=8))

# Zero-width spaces and joiners, direction marks, BOMs and soft hyphens: pasted from web pages and chat,
# invisible in Excel, and never part of a code.
INVISIBLE = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_NOISE = f"[\\s{INVISIBLE}]+"  # what a code never contains: spaces of any kind and invisible characters
_SPACES = re.compile(_NOISE)
_EDGES = re.compile(f"^{_NOISE}|{_NOISE}$")
_SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$")
_FLOAT_TAIL = re.compile(r"^([0-9]+)\.0+$")
_EXCEL_EPOCH = date(1899, 12, 30)


def normalise(value: str) -> str:
    """Full-width letters and digits to half-width (NFKC), invisible characters and surrounding spaces off:
    for codes, numbers, dates and colours only."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value)).strip()


def as_written(value: str) -> str:
    """A name or address as written: only spaces (and invisible characters) at either end taken off."""
    return _EDGES.sub("", value)


def _compact(value: str) -> str:
    """No spaces anywhere, no leading apostrophe (Excel's 'text' mark), upper case (x -> X)."""
    return _SPACES.sub("", normalise(value)).lstrip("'").upper()


def id_number(value: str) -> Checked:
    """An 18-character resident ID number (GB 11643), with the reason Excel or a typist broke it."""
    number = _compact(value)
    if not number:
        return None, "required"
    if _SCIENTIFIC.match(number):
        return None, "id_scientific"
    tail = _FLOAT_TAIL.match(number)
    if tail:
        number = tail.group(1)
    if len(number) == 15 and number.isdigit():
        return None, "id_15"
    if len(number) != 18:
        return None, "id_length"
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return None, "id_format"
    try:
        ric.get_birth_date(number)  # a date that does not exist says more than the check digit
    except (stdnum_errors.ValidationError, ValueError):
        return None, "id_birth_date"
    # The GB 11643 check character, computed here: python-stdnum's validate() also wants the county code to have
    # existed when the person was born, which refuses every resident of 拱墅区 (330105, from 1983) born before.
    if _CHECK[sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True)) % 11] != number[17]:
        # Excel keeps 15 significant digits: a long number typed into a number cell ends in zeros.
        return None, ("id_truncated" if number.endswith("000") else "id_checksum")
    return number, None


_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.array(list("10X98765432"))


def id_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """id_number for a whole column: (values, reasons), None where not applicable.

    A snapshot holds a million IDs and the per-value check costs about 70 µs (python-stdnum also looks the
    county up), so the common case, a well-formed ID, is checked here with numpy: the GB 11643 check
    character and a birth date that exists. Only the rest go through id_number, which names the reason.
    tests/test_imports.py checks that both agree.
    """
    # Most IDs are already 18 plain characters: only the others are normalised (the costly part).
    shape = r"[0-9]{17}[0-9X]"
    shaped = values.str.fullmatch(shape).fillna(False).to_numpy(dtype=bool, copy=True)
    compact = values.copy()
    if not shaped.all():
        rest = values[~shaped].str.normalize("NFKC").str.replace(_NOISE, "", regex=True).str.lstrip("'").str.upper()
        compact[~shaped] = rest
        shaped[~shaped] = rest.str.fullmatch(shape).fillna(False).to_numpy(dtype=bool)
    ok = np.zeros(len(values), dtype=bool)
    if shaped.any():
        good = compact[shaped]
        digits = np.frombuffer("".join(good.str.slice(0, 17)).encode("ascii"), dtype=np.uint8).reshape(-1, 17)
        expected = _CHECK[((digits.astype(np.int64) - 48) @ _WEIGHTS) % 11]
        born = pd.to_datetime(good.str.slice(6, 14), format="%Y%m%d", errors="coerce")
        ok[shaped] = (expected == good.str.slice(17).to_numpy()) & born.notna().to_numpy() & (
            born.dt.year.to_numpy() >= 1900)
    checked = compact.astype(object).where(ok, None)
    reasons = pd.Series([None] * len(values), index=values.index, dtype=object)
    for position in np.flatnonzero(~ok):
        value, reason = id_number(values.iat[position])
        checked.iat[position], reasons.iat[position] = value, reason
    return checked, reasons


def credit_code(value: str) -> Checked:
    """An 18-character unified social credit code (GB 32100)."""
    code = _compact(value)
    if not code:
        return None, "required"
    if len(code) != 18:
        return None, "credit_length"
    try:
        return uscc.validate(code), None
    except stdnum_errors.InvalidChecksum:
        return None, "credit_checksum"
    except stdnum_errors.ValidationError:
        return None, "credit_format"


def phone(value: str) -> Checked:
    """A mainland mobile number; +86 and separators dropped. Empty is allowed (the column is optional)."""
    number = re.sub(r"[\s\-()]", "", normalise(value)).lstrip("'")
    tail = _FLOAT_TAIL.match(number)
    if tail:
        number = tail.group(1)
    number = re.sub(r"^(\+?86)(?=1[0-9]{10}$)", "", number)
    if not number:
        return None, None
    return (number, None) if re.fullmatch(r"1[3-9][0-9]{9}", number) else (None, "phone")


def text(value: str, required: bool = True, longest: int = 200) -> Checked:
    """A name, an address, an industry: as written."""
    cleaned = as_written(value)
    if not cleaned:
        return None, ("required" if required else None)
    return (cleaned, None) if len(cleaned) <= longest else (None, "too_long")


def place(value: str, required: bool = True) -> Checked:
    """A community or street: its 12-digit code (normalised, as any code) or its name (as written)."""
    code = _compact(value)
    if re.fullmatch(r"[0-9]{12}", code):
        return code, None
    return text(value, required)


def choice(labels: dict[str, str], reason: str) -> Callable[[str], Checked]:
    """A checker mapping any of labels' keys (case and width ignored) to its value."""
    table = {_compact(k): v for k, v in labels.items()}

    def check(value: str) -> Checked:
        key = _compact(value)
        if not key:
            return None, "required"
        return (table[key], None) if key in table else (None, reason)

    return check


COLOUR_LABELS = {
    "绿码": "green", "绿": "green", "绿色": "green", "green": "green",
    "黄码": "yellow", "黄": "yellow", "黄色": "yellow", "yellow": "yellow",
    "红码": "red", "红": "red", "红色": "red", "red": "red",
}
RESIDENCE_LABELS = {
    "户籍": "permanent", "户籍人口": "permanent", "常住": "permanent", "常住人口": "permanent",
    "permanent": "permanent",
    "流动": "temporary", "流动人口": "temporary", "暂住": "temporary", "暂住人口": "temporary",
    "外来": "temporary", "temporary": "temporary",
}
MANAGED_LABELS = {
    "集中隔离": "centralised_isolation", "centralised_isolation": "centralised_isolation",
    "居家隔离": "home_isolation", "居家健康监测": "home_isolation", "home_isolation": "home_isolation",
    "密切接触者": "close_contact", "密接": "close_contact", "close_contact": "close_contact",
    "入境人员": "inbound", "入境": "inbound", "inbound": "inbound",
    "重点地区返回": "key_area_returnee", "重点地区来返人员": "key_area_returnee",
    "key_area_returnee": "key_area_returnee",
}
colour = choice(COLOUR_LABELS, "colour")
residence_type = choice(RESIDENCE_LABELS, "residence_type")
managed_kind = choice(MANAGED_LABELS, "managed_kind")

_DATE = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
_DATE_COMPACT = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
_TIME = re.compile(r"^([0-9]{1,2})[:：时]([0-9]{1,2})(?:[:：分]([0-9]{1,2})(?:\.[0-9]+)?秒?)?$")


_SERIAL = re.compile(r"^[0-9]{5}(\.[0-9]+)?$")
_SERIAL_DAYS = (20000, 80000)  # Excel serials of 1954-10-03 to 2119-01-10: outside, a number is no date


def _serial(value: str) -> datetime | None:
    """An Excel serial date or date-and-time (46353.74: days since 1899-12-30, the fraction the time of day),
    which a cell formatted as General, or a CSV saved from it, holds instead of the date."""
    if not _SERIAL.match(value) or not _SERIAL_DAYS[0] <= float(value) < _SERIAL_DAYS[1]:
        return None
    seconds = round(float(value) * 86400)
    return datetime.combine(_EXCEL_EPOCH, datetime.min.time()) + timedelta(seconds=seconds)


def _parse_date(value: str) -> date | None:
    match = _DATE.match(value) or _DATE_COMPACT.match(value)
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    serial = _serial(value)
    return serial.date() if serial else None


def day(value: str, required: bool = True) -> Checked:
    cleaned = normalise(value)
    if not cleaned:
        return None, ("required" if required else None)
    cleaned = cleaned.split("T")[0].split(" ")[0] if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]", cleaned) else cleaned
    parsed = _parse_date(cleaned)
    return (parsed, None) if parsed and 1900 <= parsed.year <= 2100 else (None, "date")


def moment(value: str, required: bool = True) -> Checked:
    """A time of day with a date; Beijing time unless the text gives an offset."""
    cleaned = normalise(value)
    if not cleaned:
        return None, ("required" if required else None)
    try:
        parsed = _serial(cleaned) or datetime.fromisoformat(cleaned)
    except ValueError:
        parts = cleaned.split()
        when = _parse_date(parts[0]) if parts else None
        clock = _TIME.match(parts[1]) if len(parts) == 2 else None
        if when is None or (len(parts) == 2 and clock is None) or len(parts) > 2:
            return None, "datetime"
        h, m, s = (int(g or 0) for g in clock.groups()) if clock else (0, 0, 0)
        if h > 23 or m > 59 or s > 59:
            return None, "datetime"
        parsed = datetime(when.year, when.month, when.day, h, m, s)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BEIJING)
    return (parsed, None) if 2000 <= parsed.year <= 2100 else (None, "datetime")


def not_after(check: Callable[[str], Checked], latest: datetime) -> Callable[[str], Checked]:
    """check, then refuse a time later than latest (a date after latest's Beijing day): what a row says
    happened cannot lie ahead, and a typo'd year would otherwise outrank every real change after it."""

    def checked(value: str) -> Checked:
        parsed, reason = check(value)
        if isinstance(parsed, datetime):
            return (None, "future_time") if parsed > latest else (parsed, reason)
        if isinstance(parsed, date):
            return (None, "future_date") if parsed > latest.astimezone(BEIJING).date() else (parsed, reason)
        return parsed, reason

    return checked


def number(value: str, low: float, high: float, reason: str) -> Checked:
    cleaned = normalise(value)
    if not cleaned:
        return None, None
    try:
        parsed = float(cleaned)
    except ValueError:
        return None, reason
    return (parsed, None) if low <= parsed <= high else (None, reason)


def longitude(value: str) -> Checked:
    return number(value, 73.0, 136.0, "longitude")


def latitude(value: str) -> Checked:
    return number(value, 3.0, 54.0, "latitude")
