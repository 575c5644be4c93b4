"""New residents (新拱墅人一码通): the kinds of declaration, their states, the rental-house sticker code,
conflicts a reviewer is shown, and the pilot communities."""

from __future__ import annotations

import secrets

KINDS = ("migrant", "landlord", "overseas", "returnee", "test")  # 外来人员, 房东, 归国华侨, 返杭人员, 检测登记
STATES = ("waiting", "accepted", "corrected", "rejected")
REVIEWED = ("accepted", "corrected", "rejected")
TEST_KINDS = ("nucleic", "serum")
TEST_RESULTS = ("negative", "positive", "pending")
CONFLICTS = ("bad_check_digit", "two_houses", "over_capacity", "key_person")
PERSONS_PER_ROOM = 2  # a house's capacity when the landlord declares only its rooms
# The seed's four pilots: 台州路社区 and 温州路社区 of 拱宸桥街道, 德胜社区 and 翠玉社区 of 大关街道.
PILOT_NAMES = ("台州路社区", "温州路社区", "德胜社区", "翠玉社区")
HOUSE_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read off a sticker without doubt
HOUSE_CODE_LENGTH = 8


def new_house_code() -> str:
    """A sticker code for a new rental house (random: a code says nothing of where the house is)."""
    return "".join(secrets.choice(HOUSE_CODE_ALPHABET) for _ in range(HOUSE_CODE_LENGTH))


def capacity(rooms: int) -> int:
    return max(1, rooms * PERSONS_PER_ROOM)

# A rental house on the map, by its tenants against what its rooms hold.
OCCUPANCY = ("empty", "within", "over")  # 无租客, 未超员, 超员
DENSITY_WEIGHTS = ("migrants", "houses")  # the district's density layer: persons or houses per cell
DENSITY_CELL_M = 250  # the density layer's cells (metres a side): about a thousand cells for the district


def occupancy(tenants: int, capacity: int) -> str:
    if tenants <= 0:
        return "empty"
    return "over" if tenants > capacity else "within"
