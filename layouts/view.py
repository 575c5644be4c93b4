"""What the page shows, as it stands in the URL: area, enterprise, metric, basis, and a past day.

/?street=330105005000&community=330105005051&enterprise=913301...&metric=red_ratio&basis=residents&day=2026-11-20
The URL is the whole state, so a link reproduces the view and the back button steps back up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import parse_qs, urlencode

from domain.clock import today
from domain.divisions import CREDIT_CODE, DISTRICT_CODE, DIVISION_CODE, STREET_CODE, is_community_code
from layouts.metrics import BASES, DEFAULT_BASIS, DEFAULT_METRIC, METRICS


@dataclass(frozen=True)
class View:
    street: str | None = None
    community: str | None = None
    enterprise: str | None = None
    metric: str = DEFAULT_METRIC
    basis: str = DEFAULT_BASIS
    points: bool = False  # every enterprise as a point, at district and street level
    day: date | None = None  # the figures at the end of this past day (None: now)

    @property
    def area(self) -> str:
        """The 12-digit code of the area shown: the community, else the street, else the district."""
        return self.community or self.street or DISTRICT_CODE

    @property
    def level(self) -> str:
        if self.enterprise:
            return "enterprise"
        return "community" if self.community else "street" if self.street else "district"

    def up_to(self, level: str) -> View:
        """The same view at a higher level: 'district', 'street' or 'community'."""
        keep = {"district": 0, "street": 1, "community": 2}[level]
        return replace(self, street=self.street if keep >= 1 else None,
                       community=self.community if keep >= 2 else None, enterprise=None)


def drill(view: View, code: str, community: str | None = None) -> View:
    """Where a click on the map leads: a community one level down, an enterprise point to the enterprise."""
    if CREDIT_CODE.fullmatch(code or "") and community:
        return replace(view, street=community[:9] + "000", community=community, enterprise=code)
    if not DIVISION_CODE.fullmatch(code or ""):
        return view
    if view.level == "district":
        return replace(view, street=code[:9] + "000", community=None, enterprise=None)
    return replace(view, street=code[:9] + "000", community=code, enterprise=None)


def parse_view(search: str | None) -> tuple[View, list[str]]:
    """The view a query string asks for, and the names of the parameters that were dropped as invalid."""
    params = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}
    dropped = []

    def take(name: str, valid) -> str | None:
        value = params.get(name)
        if value is None:
            return None
        if valid(value):
            return value
        dropped.append(name)
        return None

    street = take("street", STREET_CODE.fullmatch)
    community = take("community", is_community_code)
    if community and street and not community.startswith(street[:9]):
        dropped.append("community")
        community = None
    if community and not street:
        street = community[:9] + "000"
    enterprise = take("enterprise", CREDIT_CODE.fullmatch) if community else None
    metric = take("metric", METRICS.__contains__) or DEFAULT_METRIC
    basis = take("basis", BASES.__contains__) or DEFAULT_BASIS
    points = take("points", lambda v: v in ("0", "1")) == "1"
    day = take("day", _past_day)
    return View(street, community, enterprise, metric, basis, points, date.fromisoformat(day) if day else None), dropped


def _past_day(value: str) -> bool:
    """A day before today, written YYYY-MM-DD (today is the live view, not a day of the history)."""
    try:
        return len(value) == 10 and date.fromisoformat(value) < today()
    except ValueError:
        return False


def view_search(view: View) -> str:
    """The query string of a view (defaults left out), with its leading '?', or '' for the default view."""
    params = {"street": view.street, "community": view.community, "enterprise": view.enterprise,
              "metric": None if view.metric == DEFAULT_METRIC else view.metric,
              "basis": None if view.basis == DEFAULT_BASIS else view.basis,
              "points": "1" if view.points else None, "day": view.day.isoformat() if view.day else None}
    query = urlencode({k: v for k, v in params.items() if v})
    return "?" + query if query else ""
