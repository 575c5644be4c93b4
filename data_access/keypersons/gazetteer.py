"""Placing a person by the address text departments write: community names, residential compounds, and
roads with house-number ranges, from the gazetteer the project keeps as data (table kp_gazetteer, loaded
from data_access/reference/gongshu_gazetteer.csv). Old road names and common miswritings are aliases;
a road written with one wrong character is still found, with less confidence.

The matching is plain Python over a few hundred names (a batch of 5,000 addresses takes well under a
second); below MIN_CONFIDENCE a person goes to the district's queue to be placed by hand.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, text

MIN_CONFIDENCE = 0.6
OTHER_DISTRICTS = ("上城区", "下城区", "江干区", "西湖区", "滨江区", "萧山区", "余杭区", "富阳区", "临安区", "临平区",
                   "钱塘区", "桐庐县", "淳安县", "建德市")
_PREFIX = re.compile(r"^(中国)?(浙江省?)?(杭州市?)?(拱墅区?)?")
_NUMBER = re.compile(r"^(\d{1,4})号")


@dataclass(frozen=True)
class Placed:
    community_code: str | None
    confidence: float
    how: str  # community | compound | road_number | road | typo | outside | none

    @property
    def placed(self) -> bool:
        return self.community_code is not None and self.confidence >= MIN_CONFIDENCE


@dataclass(frozen=True)
class Gazetteer:
    communities: dict[str, str]  # full name -> code
    compounds: dict[str, str]
    roads: dict[str, list[tuple[int, int, str]]]  # road -> [(from, to, code)]
    aliases: dict[str, str]  # old or miswritten name -> road

    @classmethod
    def from_rows(cls, rows: list[dict]) -> Gazetteer:
        communities, compounds, roads, aliases = {}, {}, {}, {}
        for r in rows:
            if r["kind"] == "community":
                communities[r["name"]] = r["community_code"]
            elif r["kind"] == "compound":
                compounds[r["name"]] = r["community_code"]
            elif r["kind"] == "road":
                roads.setdefault(r["name"], []).append((int(r["house_from"]), int(r["house_to"]), r["community_code"]))
            else:
                aliases[r["name"]] = r["alias_of"]
        return cls(communities, compounds, roads, aliases)

    def place(self, address: str | None) -> Placed:
        written = normalise(address or "")
        if not written:
            return Placed(None, 0.0, "none")
        if any(d in written for d in OTHER_DISTRICTS):
            return Placed(None, 0.0, "outside")
        rest = _PREFIX.sub("", written)
        for name in _longest_first(self.communities):
            if name in rest:
                return Placed(self.communities[name], 0.95, "community")
        for name in _longest_first(self.compounds):
            if name in rest:
                return Placed(self.compounds[name], 0.85, "compound")
        return self._road(rest)

    def _road(self, rest: str) -> Placed:
        names = {**{r: r for r in self.roads}, **self.aliases}
        for name in _longest_first(names):
            at = rest.find(name)
            if at >= 0:
                return self._on_road(names[name], rest[at + len(name):], 1.0)
        for at in range(len(rest)):  # one character miswritten: 莫干三路 for 莫干山路
            for road in self.roads:
                piece = rest[at:at + len(road)]
                if len(piece) == len(road) and piece[-1] == road[-1] and _one_off(piece, road):
                    return self._on_road(road, rest[at + len(road):], 0.85)
        return Placed(None, 0.0, "none")

    def _on_road(self, road: str, after: str, certainty: float) -> Placed:
        segments = self.roads[road]
        number = _NUMBER.match(after)
        how = "road_number" if certainty == 1.0 else "typo"
        if number:
            house = int(number.group(1))
            for low, high, code in segments:
                if low <= house <= high:
                    return Placed(code, round(0.9 * certainty, 2), how)
        if len({code for _, _, code in segments}) == 1:
            return Placed(segments[0][2], round(0.7 * certainty, 2), "road")
        # a road through several communities, without a house number in range: the district places it
        return Placed(segments[0][2], 0.4, "road")


def normalise(address: str) -> str:
    """Full-width to half-width, spaces and invisible characters out (the text as written is kept too)."""
    folded = unicodedata.normalize("NFKC", address)
    return re.sub(r"[\s\u200b-\u200f\u2060\ufeff]", "", folded)


def _longest_first(names) -> list[str]:
    return sorted(names, key=len, reverse=True)


def _one_off(a: str, b: str) -> bool:
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1


def gazetteer(conn: Connection) -> Gazetteer:
    rows = conn.execute(text("SELECT kind, name, alias_of, community_code, house_from, house_to FROM kp_gazetteer"))
    return Gazetteer.from_rows([dict(r) for r in rows.mappings()])
