"""Generate the demo district: registers at real scale, deterministic from a seed.

Full scale (scale=1): 27,227 enterprises, 650,000 permanent and 400,000 temporary residents, about
350,000 employment links, health codes mostly green with red and yellow clustered in a few hotspot
communities, a few thousand managed persons and 30 days of colour history. Divisions are always the real
10 streets and 99 communities; their polygons are illustrative (geo.tessellation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
import pandas as pd

from data_access.demo import vocabulary as vocab
from data_access.demo.colours import Colours, simulate_colours
from data_access.demo.identities import credit_codes, id_numbers
from data_access.demo.names import enterprise_names
from data_access.demo.shape_cache import demo_tessellation
from data_access.reference import district_outline, divisions
from domain.divisions import DISTRICT_CODE, DISTRICT_NAME
from geo.tessellation import random_points_in

FULL = {"enterprises": 27_227, "permanent": 650_000, "temporary": 400_000, "links": 350_000,
        "managed": 3_000}
CST = timezone(timedelta(hours=8))
# Street order from the south of the district to the north, for the tessellation.
SOUTH_TO_NORTH = ["330105001000", "330105002000", "330105003000", "330105004000", "330105007000",
                  "330105005000", "330105008000", "330105009000", "330105010000", "330105011000"]
GEOMETRY_SEED = 2020
ORIGINS = [("330105",), ("3301",), ("33",), ("34", "36", "41", "42", "43", "51", "52", "32", "37")]


@dataclass(frozen=True)
class DemoData:
    divisions: pd.DataFrame  # level, code, name, parent_code, wkt
    persons: pd.DataFrame
    enterprises: pd.DataFrame  # community_code is where the point was drawn; the loader omits it
    employment: pd.DataFrame
    colours: Colours
    managed: pd.DataFrame


def generate(scale: float = 1.0, seed: int = 2020, as_of: date | None = None) -> DemoData:
    """Build the demo district. as_of is the last day of the colour history (default: today in Beijing)."""
    rng = np.random.default_rng(seed)
    today = datetime.now(CST)
    as_of = as_of or today.date()
    # History ends at 20:00 of as_of, or now when as_of is today: no colour is set in the future.
    now = min(datetime.combine(as_of, time(20, 0), CST), today.replace(second=0, microsecond=0))
    n = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    regions = _divisions()
    communities = regions[regions.level == "community"].reset_index(drop=True)
    residents = _residents(rng, communities, n["permanent"], n["temporary"], as_of)
    enterprises = _enterprises(rng, regions, n["enterprises"])
    employment, outsiders = _employment(rng, residents, enterprises, n["links"], as_of)
    persons = pd.concat([residents, outsiders], ignore_index=True)
    persons["id_number"] = id_numbers(
        rng, persons.pop("birth_date").to_numpy(), persons.pop("female").to_numpy(),
        persons.pop("origin").to_numpy(), ORIGINS,
    )
    employment["id_number"] = persons["id_number"].to_numpy()[employment.pop("person")]
    colours = simulate_colours(rng, persons, communities.code.to_numpy(), employment, now)
    managed = _managed(rng, persons, colours, n["managed"], as_of)
    return DemoData(regions, persons, enterprises, employment, colours, managed)


def _divisions() -> pd.DataFrame:
    """Real codes and names; illustrative polygons, the same whatever the data seed (so computed once)."""
    rows = divisions()
    children = {s: [r.code for r in rows if r.parent_code == s] for s in SOUTH_TO_NORTH}
    outline = district_outline()
    tess = demo_tessellation(outline, children, GEOMETRY_SEED)
    shapes = {DISTRICT_CODE: outline, **tess.streets, **tess.communities}
    frame = pd.DataFrame(
        [{"level": "district", "code": DISTRICT_CODE, "name": DISTRICT_NAME, "parent_code": None}]
        + [r.__dict__ for r in rows]
    )
    frame["wkt"] = [shapes[code].wkt for code in frame.code]
    frame["geometry"] = [shapes[code] for code in frame.code]
    return frame


def _choice(rng: np.random.Generator, words: list[str], size: int) -> np.ndarray:
    return np.array(words)[rng.integers(0, len(words), size)]


def _names(rng: np.random.Generator, size: int) -> np.ndarray:
    given = _choice(rng, vocab.GIVEN, size)
    second = np.where(rng.random(size) < 0.7, _choice(rng, vocab.GIVEN, size), "")
    return np.char.add(np.char.add(_choice(rng, vocab.SURNAMES, size), given), second)


def _residents(
    rng: np.random.Generator, communities: pd.DataFrame, permanent: int, temporary: int, as_of: date
) -> pd.DataFrame:
    size = permanent + temporary
    weights = rng.lognormal(0, 0.45, len(communities))
    home = rng.choice(len(communities), size, p=weights / weights.sum())
    is_temp = np.arange(size) >= permanent
    age = np.where(is_temp, _ages(rng, 33, 9, 16, 65, size), _ages(rng, 42, 21, 0, 99, size))
    birth = np.datetime64(as_of) - (age * 365.25).astype("timedelta64[D]")
    origin = np.where(is_temp, 3, rng.choice(3, size, p=[0.7, 0.2, 0.1]))
    origin = np.where((origin == 0) & (birth < np.datetime64("1983-01-01")), 1, origin)
    codes = communities.code.to_numpy()[home]
    compounds = np.char.add(
        np.char.replace(communities.name.to_numpy()[home].astype(str), "社区", ""),
        _choice(rng, vocab.COMPOUNDS, size),
    )
    address = np.char.add(np.char.add(compounds, rng.integers(1, 40, size).astype(str)), "幢")
    address = np.char.add(np.char.add(address, rng.integers(1, 5, size).astype(str)), "单元")
    address = np.char.add(np.char.add(address, (rng.integers(1, 19, size) * 100
                                               + rng.integers(1, 5, size)).astype(str)), "室")
    return pd.DataFrame({
        "name": _names(rng, size), "phone": _phones(rng, size, age),
        "residence_type": np.where(is_temp, "temporary", "permanent"), "community_code": codes,
        "address": address, "birth_date": birth, "female": rng.random(size) < 0.5, "origin": origin,
        "age": age,
    })


def _ages(rng: np.random.Generator, mean: float, sd: float, low: float, high: float, size: int) -> np.ndarray:
    """Normal ages; those outside [low, high] drawn uniformly inside it (clipping would pile up birthdays)."""
    age = rng.normal(mean, sd, size)
    outside = (age < low) | (age > high)
    age[outside] = rng.uniform(low, high, outside.sum())
    return age


def _phones(rng: np.random.Generator, size: int, age: np.ndarray) -> np.ndarray:
    numbers = np.char.add(_choice(rng, vocab.PHONE_PREFIXES, size),
                          np.char.zfill(rng.integers(0, 10**8, size).astype(str), 8))
    # Young children and some of the very old have no phone of their own.
    none = (age < 10) | ((age > 80) & (rng.random(size) < 0.4))
    return np.where(none, None, numbers)


def _enterprises(rng: np.random.Generator, regions: pd.DataFrame, size: int) -> pd.DataFrame:
    communities = regions[regions.level == "community"].reset_index(drop=True)
    weights = rng.lognormal(0, 0.8, len(communities))
    counts = rng.multinomial(size, weights / weights.sum())
    points, homes = [], []
    for i, count in enumerate(counts):
        points.append(random_points_in(communities.geometry[i], count, rng))
        homes += [communities.code[i]] * count
    xy = np.concatenate(points)
    individual = rng.random(size) < 0.2
    codes = credit_codes(rng, list(np.where(individual, "92", "91")), DISTRICT_CODE[:6])
    industries = list(vocab.INDUSTRIES)
    share = np.array(list(vocab.INDUSTRIES.values()))
    industry = np.array(industries)[rng.choice(len(industries), size, p=share / share.sum())]
    name = enterprise_names(rng, industry, individual)
    address = np.char.add(np.char.add(_choice(rng, vocab.ROADS, size),
                                      rng.integers(1, 800, size).astype(str)), "号")
    return pd.DataFrame({
        "credit_code": codes, "name": name, "address": address, "industry": industry,
        "lon": xy[:, 0], "lat": xy[:, 1], "community_code": homes,
    })


def _employment(
    rng: np.random.Generator, residents: pd.DataFrame, enterprises: pd.DataFrame, links: int, as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Employment links: mostly residents of working age, some outsiders, a few people with two jobs."""
    n_ent = len(enterprises)
    # Every enterprise insures at least one person; the rest follow a long-tailed size distribution.
    weights = rng.lognormal(0, 1.3, n_ent)
    sizes = 1 + rng.multinomial(max(0, links - n_ent), weights / weights.sum())
    outsiders_n = round(0.15 * links)
    workers = np.flatnonzero((residents.age >= 18) & (residents.age <= 60))
    resident_jobs = min(links - outsiders_n, len(workers))
    first_jobs = resident_jobs - round(0.02 * resident_jobs)
    chosen = rng.choice(workers, first_jobs, replace=False)
    second_jobs = rng.choice(chosen, resident_jobs - first_jobs, replace=False)
    outsiders = _outsiders(rng, links - resident_jobs, as_of)
    people = np.concatenate([chosen, second_jobs, len(residents) + np.arange(len(outsiders))])
    rng.shuffle(people)
    frame = pd.DataFrame({
        "credit_code": np.repeat(enterprises.credit_code.to_numpy(), sizes)[: len(people)],
        "person": people[: sizes.sum()],
        "since": np.datetime64(as_of) - rng.integers(30, 3650, len(people)).astype("timedelta64[D]"),
    })
    return frame.drop_duplicates(["credit_code", "person"]).reset_index(drop=True), outsiders


def _outsiders(rng: np.random.Generator, size: int, as_of: date) -> pd.DataFrame:
    """Employees insured here who live outside the district: no community, no residence type."""
    age = _ages(rng, 36, 10, 18, 60, size)
    return pd.DataFrame({
        "name": _names(rng, size), "phone": _phones(rng, size, age), "residence_type": None,
        "community_code": None, "address": None,
        "birth_date": np.datetime64(as_of) - (age * 365.25).astype("timedelta64[D]"),
        "female": rng.random(size) < 0.5, "origin": rng.choice([1, 2, 3], size), "age": age,
    })


KINDS = {"key_area_returnee": 0.35, "home_isolation": 0.2, "close_contact": 0.2,
         "centralised_isolation": 0.15, "inbound": 0.1}


def _managed(
    rng: np.random.Generator, persons: pd.DataFrame, colours: Colours, size: int, as_of: date
) -> pd.DataFrame:
    """Managed persons: mostly people with a red or yellow code, the rest from the hotspot communities."""
    resident = persons.community_code.notna().to_numpy()
    current = colours.current.set_index("id_number").colour.reindex(persons.id_number).to_numpy()
    flagged = np.flatnonzero(resident & np.isin(current, ["red", "yellow"]))
    near = np.flatnonzero(resident & np.isin(persons.community_code, colours.hotspots))
    pool = np.concatenate([flagged, rng.permutation(np.setdiff1d(near, flagged))])[:size]
    kinds = list(KINDS)
    kind = np.array(kinds)[rng.choice(len(kinds), len(pool), p=list(KINDS.values()))]
    start = np.datetime64(as_of) - rng.integers(0, 30, len(pool)).astype("timedelta64[D]")
    end = pd.Series(start + np.timedelta64(13, "D"))
    end[rng.random(len(pool)) < 0.15] = pd.NaT
    return pd.DataFrame({
        "id_number": persons.id_number.to_numpy()[pool], "kind": kind,
        "community_code": persons.community_code.to_numpy()[pool], "start_date": start, "end_date": end,
    })
