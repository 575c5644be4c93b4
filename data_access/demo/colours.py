"""Health-code colours for the demo: mostly green, red and yellow clustered in hotspots, 30 days of history.

Each person's story is at most three events: the code issued green before the window; for some, a turn to
yellow or red (most before the window, the rest inside it, later in hotspots as an outbreak grows); for some
of those, a return to green after review inside the window. The current colour is the last event, so the
current table and the history agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

WINDOW = timedelta(days=30)
BASE = {"red": 0.0001, "yellow": 0.0015}
NEAR = {"red": 0.0015, "yellow": 0.01}  # other communities of a hotspot's street
HOT = {"red": 0.06, "yellow": 0.08}
APPEAL_SHARE = 14  # percent of returns to green that an appeal converted (demo appeals, data_access/demo/appeals.py)
NO_RECORD = 0.006  # no code yet: elderly without smartphones, before a proxy application
# Share of today's red and yellow codes that turned before the window: the district had codes before the
# history's first day, so its trend starts near today's level instead of climbing from zero.
EARLIER = {"hot": 0.55, "elsewhere": 0.7}
BEFORE_DAYS = 20  # an earlier turn lies up to this many days before the window


@dataclass(frozen=True)
class Colours:
    current: pd.DataFrame  # id_number, colour, changed_at, source
    history: pd.DataFrame  # id_number, colour, previous_colour, changed_at, source
    hotspots: np.ndarray  # community codes


def simulate_colours(
    rng: np.random.Generator,
    persons: pd.DataFrame,
    community_codes: np.ndarray,
    employment: pd.DataFrame,
    now: datetime,
) -> Colours:
    size = len(persons)
    hotspots = rng.choice(community_codes, 4, replace=False)
    home = persons.community_code.to_numpy()
    street = np.array([c[:9] if isinstance(c, str) else "" for c in home])
    hot = np.isin(home, hotspots)
    near = ~hot & np.isin(street, [h[:9] for h in hotspots])
    rate = {k: np.where(hot, HOT[k], np.where(near, NEAR[k], BASE[k])) for k in BASE}
    draw = rng.random(size)
    colour = np.where(draw < rate["red"], "red",
                      np.where(draw < rate["red"] + rate["yellow"], "yellow", "green"))
    colour = _workplace_outbreaks(rng, persons, employment, colour)
    age = persons.age.to_numpy()
    missing = rng.random(size) < np.where(age > 75, 8 * NO_RECORD, NO_RECORD)
    flagged = colour != "green"
    recovered = ~flagged & ~missing & (rng.random(size) < np.where(hot | near, 0.02, 0.001))

    start = now - WINDOW
    issued = start - pd.to_timedelta(rng.uniform(BEFORE_DAYS + 1, 80, size), unit="D")
    # Outbreak events skew late in the window; beta(3, 1.5) puts most of them in the last two weeks.
    inside = start + pd.to_timedelta(30 * rng.beta(np.where(hot, 3, 1.2), 1.5, size), unit="D")
    before = start - pd.to_timedelta(rng.uniform(0.5, BEFORE_DAYS, size), unit="D")
    earlier = rng.random(size) < np.where(hot, EARLIER["hot"], EARLIER["elsewhere"])
    turned = inside.where(~earlier, before)
    back = inside + (now - inside) * rng.uniform(0.2, 0.9, size)  # a review inside the window
    recover_colour = np.where(rng.random(size) < 0.4, "red", "yellow")

    ids = persons.id_number.to_numpy()
    # A return to green is an appeal's conversion for about one in seven (the seed: 1,613 of 16,300 requests
    # converted), else the platform's own (management ended); chosen by the ID's sequence digits, no draw.
    by_appeal = (pd.Series(ids).str.slice(14, 17).astype(int) % 100 < APPEAL_SHARE).to_numpy()
    back_source = np.where(by_appeal, "appeal", "platform")
    events = [
        (~missing, ids, "green", None, issued, "platform"),
        (flagged & ~missing, ids, colour, "green", turned, "platform"),
        (recovered, ids, recover_colour, "green", turned, "platform"),
        (recovered, ids, "green", recover_colour, back, back_source),
    ]
    history = pd.concat([_events(*e) for e in events], ignore_index=True)
    history = history.sort_values(["changed_at"], kind="stable").reset_index(drop=True)
    current = history.drop_duplicates("id_number", keep="last")
    current = current[["id_number", "colour", "changed_at", "source"]].reset_index(drop=True)
    return Colours(current, history, hotspots)


def _events(mask, ids, colour, previous, when, source) -> pd.DataFrame:
    pick = lambda v: v[mask] if isinstance(v, np.ndarray) else v  # noqa: E731
    return pd.DataFrame({
        "id_number": ids[mask], "colour": pick(colour), "previous_colour": pick(previous),
        "changed_at": pd.DatetimeIndex(when)[mask] if not np.isscalar(when) else when, "source": pick(source),
    })


def _workplace_outbreaks(
    rng: np.random.Generator, persons: pd.DataFrame, employment: pd.DataFrame, colour: np.ndarray
) -> np.ndarray:
    """Three larger enterprises where a fifth of the staff turned red or yellow."""
    sizes = employment.groupby("credit_code").size()
    large = sizes[sizes >= 20].index.to_numpy()
    if len(large) == 0:
        return colour
    hit = rng.choice(large, min(3, len(large)), replace=False)
    staff = employment.loc[employment.credit_code.isin(hit)]
    index = pd.Index(persons.id_number).get_indexer(staff.id_number)
    draw = rng.random(len(index))
    colour = colour.copy()
    colour[index[draw < 0.1]] = "red"
    colour[index[(draw >= 0.1) & (draw < 0.2)]] = "yellow"
    return colour
