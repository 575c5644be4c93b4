"""Synthetic identifiers with valid check digits: ID numbers (GB 11643) and credit codes (GB 32100).

ID numbers are made a million at a time, so their check digit is computed with numpy here; tests check
every one with python-stdnum. Credit codes are few enough to use python-stdnum directly.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
from stdnum import numdb
from stdnum.cn import uscc

ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])
ID_CHECK = np.array(list("10X98765432"))
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@cache
def area_codes(prefixes: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """County codes under the given province/city prefixes, with the years they were in use."""
    found = []
    for _, province, _, _, counties in numdb.get("cn/loc").prefixes:
        for _, county, _, props, _ in counties:
            code = province + county
            if not code.startswith(prefixes) or county.endswith("00"):
                continue
            match = re.match(r"\[(\d*)-(\d*)\]", props.get("county", ""))
            start, end = (match.group(1), match.group(2)) if match else ("", "")
            found.append((code, int(start or 0), int(end or 9999)))
    return found


def id_numbers(
    rng: np.random.Generator,
    birth_dates: np.ndarray,
    female: np.ndarray,
    origin: np.ndarray,
    origins: list[tuple[str, ...]],
) -> np.ndarray:
    """Distinct 18-character ID numbers, one per birth date (numpy datetime64[D]).

    origin[i] indexes origins, the province/city prefixes of the counties person i may be born in; the
    county is one in use in the birth year, so stdnum's full validation accepts the number.
    """
    years = birth_dates.astype("datetime64[Y]").astype(int) + 1970
    areas = np.empty(len(years), dtype="U6")
    for group, prefixes in enumerate(origins):
        pool = area_codes(prefixes)
        for year in np.unique(years[origin == group]):
            valid = np.array([code for code, start, end in pool if start <= year <= end])
            mask = (years == year) & (origin == group)
            areas[mask] = valid[rng.integers(0, len(valid), mask.sum())]
    dates = np.char.replace(np.datetime_as_string(birth_dates, unit="D").astype("U10"), "-", "")
    head = np.char.add(areas, dates)
    numbers = np.empty(len(years), dtype="U18")
    todo = np.arange(len(years))
    for _ in range(50):
        if not len(todo):
            return numbers
        # Sequence: odd for men, even for women (GB 11643); draw again where two people collide.
        seq = rng.integers(0, 500, len(todo)) * 2 + np.where(female[todo], 0, 1)
        body = np.char.add(head[todo], np.char.zfill(seq.astype("U3"), 3))
        numbers[todo] = np.char.add(body, _id_check(body))
        _, first = np.unique(numbers, return_index=True)
        todo = np.setdiff1d(np.arange(len(years)), first)
    raise ValueError("too many people share a birth date and county for distinct ID numbers")


def _id_check(body: np.ndarray) -> np.ndarray:
    digits = body.astype("S17").view("S1").reshape(len(body), 17).astype(np.int64)
    return ID_CHECK[(digits * ID_WEIGHTS).sum(axis=1) % 11]


def credit_codes(rng: np.random.Generator, kinds: list[str], division: str) -> list[str]:
    """Distinct unified social credit codes registered in division (6 digits).

    kinds holds the first two characters per code: '91' an enterprise, '92' an individual business.
    The organisation code inside carries its own GB 11714 check character.
    """
    serials = rng.choice(10**8, size=len(kinds), replace=False)
    codes = []
    for kind, serial in zip(kinds, serials, strict=True):
        body = f"{serial:08d}"
        org = body + _org_check(body)
        head = kind + division + org
        codes.append(head + uscc.calc_check_digit(head))
    return codes


def _org_check(body: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))
