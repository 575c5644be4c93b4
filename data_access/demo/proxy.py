"""Demo proxy applications (帮办代办), consistent with the register already loaded: the seed's scale (562
agents, about 107,000 people applied for by proxy, an application rate of 99.04%) mapped onto the demo.

- the list: the register's residents aged 70 or more or under 14 (most also on the city's list), and a few
  from the city's list only (residents in their sixties the city knows cannot apply themselves);
- agents: 562 at scale 1, spread over the communities by population (at least one each), each listed
  person assigned to one of their community's agents; 台州路社区's first agent is the demo user tzl.agent;
- outcomes: people without a health-code record were not applied for (not reached, refused, not yet
  contacted) or have moved out or died; everyone else was applied for (most with a citizen card bound) or
  found to have applied on their own phone. Three communities lag behind (台州路 among them);
- contacts: a phone call or visit at each outcome (some not reached first), over the 30 days of colour
  history, most in the first two weeks, so the daily curve rises fast and flattens.

Loaded by load_demo into a new demo, and into an existing demo database whose list is empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from data_access.bulk import copy_frame
from data_access.users.accounts import create_user, hash_password

AGENTS = 562  # at scale 1 (the seed)
NEEDING = 107_000  # people needing a proxy at scale 1
RATE = 0.9904
LAGGING = {"330105005052": 0.88}  # 台州路社区 (the demo agent's); two more are drawn
DEMO_AGENT = ("tzl.agent", "台州路社区代办员", "330105005052", "demo-tzl-agent-2020")


def proxy_empty(conn: Connection) -> bool:
    return not conn.execute(text("SELECT EXISTS (SELECT 1 FROM proxy_person)")).scalar()


def _agents(conn: Connection, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """The agents of each community, by population (largest remainder), at least one each."""
    people = pd.read_sql(text("""SELECT c.code, c.name, count(p.id_number) AS residents FROM community c
                                 LEFT JOIN person p ON p.community_code = c.code GROUP BY c.code, c.name
                                 ORDER BY c.code"""), conn)
    wanted = max(round(AGENTS * scale), 1) * people.residents / max(people.residents.sum(), 1)
    counts = np.floor(wanted).astype(int)
    left = max(round(AGENTS * scale), 1) - counts.sum()
    counts[np.argsort(-(wanted - counts).to_numpy())[:max(left, 0)]] += 1
    people["agents"] = np.maximum(counts, 1)
    rows = [(f"agent.{r.code[6:]}.{n + 1}", f"{r.name}代办员{n + 1}", r.code)
            for r in people.itertuples() for n in range(r.agents)]
    return pd.DataFrame(rows, columns=["username", "display_name", "org_code"])


def _create_agents(conn: Connection, agents: pd.DataFrame) -> pd.DataFrame:
    """Agents as users: the demo agent with its public password, the others sharing one unknown one (an
    administrator resets a password to hand an account over); all marked as demo accounts."""
    username, name, code, password = DEMO_AGENT
    first = agents.index[agents.org_code == code][0]
    agents.loc[first, ["username", "display_name"]] = [username, name]
    if not conn.execute(text("SELECT 1 FROM app_user WHERE username = :u"), {"u": username}).first():
        create_user(conn, username, name, "proxy_agent", code, password, demo=True)
    others = agents[agents.username != username].assign(role="proxy_agent", demo_password=True,
                                                        password_hash=hash_password(np.random.default_rng().bytes(24).hex()))
    copy_frame(conn, "app_user", others[["username", "display_name", "role", "org_code", "password_hash",
                                         "demo_password"]])
    return agents


def _listed(conn: Connection, rng: np.random.Generator) -> pd.DataFrame:
    register = pd.read_sql(text("""
        SELECT r.id_number, r.community_code, h.id_number IS NOT NULL AS has_code, p.address
        FROM proxy_register_candidates('') r JOIN person p USING (id_number)
        LEFT JOIN health_code h USING (id_number)"""), conn).assign(on_register=True)
    register["on_city_list"] = rng.random(len(register)) < 0.95
    sixties = pd.read_sql(text("""
        SELECT p.id_number, p.community_code, h.id_number IS NOT NULL AS has_code, p.address FROM person p
        LEFT JOIN health_code h USING (id_number)
        WHERE p.community_code IS NOT NULL AND substr(p.id_number, 7, 8)::date
              BETWEEN (current_date - interval '70 years')::date + 1 AND (current_date - interval '60 years')::date
        ORDER BY p.id_number"""), conn)
    city = sixties.sample(n=min(len(sixties), round(len(register) * 0.02)), random_state=rng.integers(1 << 31))
    return pd.concat([register, city.assign(on_register=False, on_city_list=True)], ignore_index=True)


def _outcomes(listed: pd.DataFrame, scale: float, rng: np.random.Generator) -> pd.Series:
    """Not needing (own phone, moved out, deceased) so that about NEEDING × scale remain; of those, the
    RATE applied, fewer in the lagging communities; people without a health code never applied."""
    n = len(listed)
    outcome = pd.Series("applied", index=listed.index, dtype=object)
    no_code = ~listed.has_code
    outcome[no_code] = rng.choice(["moved_out", "deceased"], no_code.sum())
    surplus = max(n - round(NEEDING * scale) - no_code.sum(), 0)
    with_code = listed.index[listed.has_code]
    outcome[rng.choice(with_code, min(surplus, len(with_code)), replace=False)] = "own_phone"
    lagging = dict(LAGGING)
    others = sorted(set(listed.community_code) - set(lagging))
    for code in rng.choice(others, min(2, len(others)), replace=False):
        lagging[code] = 0.93
    open_kinds = ["not_reached", "refused", "never"]
    for code, group in listed.groupby("community_code"):
        needing = group.index[outcome[group.index].isin(["applied"]) | no_code[group.index]]
        share = 1 - lagging.get(code, RATE + 0.002)
        count = max(int(rng.binomial(len(needing), share)), 3 if code in lagging else 0)
        chosen = list(needing[no_code[needing]][:count])  # those without a code first
        rest = needing.difference(chosen)
        if count > len(chosen):
            chosen += list(rng.choice(rest, min(count - len(chosen), len(rest)), replace=False))
        outcome[chosen] = rng.choice(open_kinds, len(chosen), p=[0.5, 0.3, 0.2])
    return outcome


def generate_proxy(conn: Connection, scale: float, seed: int,
                   agents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed + 15)
    end = pd.Timestamp(conn.execute(text("SELECT max(changed_at) FROM health_code_history")).scalar())
    start = end - pd.Timedelta(days=30)
    listed = _listed(conn, rng).sort_values(["community_code", "address", "id_number"], ignore_index=True)
    listed["outcome"] = _outcomes(listed, scale, rng)
    # each person to one of their community's agents, in address order (a round of doors)
    by_community = agents.groupby("org_code").username.apply(list)
    rank = listed.groupby("community_code").cumcount()
    listed["agent"] = [by_community[c][r % len(by_community[c])]
                       for c, r in zip(listed.community_code, rank, strict=True)]
    n = len(listed)
    # most contacts in the first two weeks: exponential days from the start, capped at the end
    days = np.minimum(rng.exponential(5.0, n), 29.9)
    at = start + pd.to_timedelta(days * 86400 + rng.uniform(8, 18, n) * 3600 % 86400, unit="s")
    at = at.where(at < end, end - pd.Timedelta(hours=1))
    listed["contacted_at"] = at
    stale = listed.outcome.isin(["not_reached", "refused"]) & (rng.random(n) < 0.5)  # some long unattended
    listed.loc[stale, "contacted_at"] = start + pd.to_timedelta(rng.uniform(1, 10, stale.sum()), unit="D")
    listed["channel"] = np.where(rng.random(n) < 0.6, "phone", "visit")
    first = listed[(listed.outcome == "applied") & (rng.random(n) < 0.3)]  # not reached at first
    contacts = pd.concat([
        first.assign(outcome="not_reached", channel="phone",
                     contacted_at=first.contacted_at - pd.to_timedelta(rng.uniform(0.5, 3, len(first)), unit="D")),
        listed[listed.outcome != "never"],
    ])
    contacts = contacts.assign(contacted_at=contacts.contacted_at.clip(lower=start).dt.floor("s"),
                               recorded_at=contacts.contacted_at.clip(lower=start).dt.floor("s"))
    contacts = contacts[["id_number", "community_code", "agent", "channel", "contacted_at", "outcome", "recorded_at"]]
    applied = listed.outcome == "applied"
    cards = applied & (rng.random(n) < 0.85)
    listed["card_number"] = pd.Series(
        ["3301" + "".join(map(str, rng.integers(0, 10, 12))) for _ in range(cards.sum())], index=listed.index[cards])
    listed["card_bound_at"] = listed.contacted_at.where(cards)
    listed["applied_at"] = listed.contacted_at.where(applied)
    listed["last_contact_at"] = listed.contacted_at.where(listed.outcome != "never")
    listed["outcome"] = listed.outcome.where(listed.outcome != "never")
    listed["listed_at"] = start
    listed["assigned_at"] = start
    listed["assigned_by"] = "demo"
    people = listed[["id_number", "community_code", "on_city_list", "on_register", "listed_at", "agent",
                     "assigned_at", "assigned_by", "outcome", "last_contact_at", "applied_at", "card_number",
                     "card_bound_at"]]
    times = ["listed_at", "assigned_at", "last_contact_at", "applied_at", "card_bound_at"]
    return people.assign(**{c: pd.to_datetime(people[c], utc=True).dt.floor("s") for c in times}), contacts


def load_demo_proxy(conn: Connection, scale: float, seed: int) -> dict[str, int]:
    """Generate and COPY the demo list, agents and contacts (in the caller's transaction); nothing when a
    list exists."""
    if not proxy_empty(conn):
        return {}
    agents = _create_agents(conn, _agents(conn, scale, np.random.default_rng(seed + 16)))
    people, contacts = generate_proxy(conn, scale, seed, agents)
    # The contacts arrive with the state they led to: the triggers that follow a live contact stay out of the way.
    conn.execute(text("ALTER TABLE proxy_contact DISABLE TRIGGER proxy_contact_check;"
                      " ALTER TABLE proxy_contact DISABLE TRIGGER proxy_contact_apply"))
    rows = {"proxy_agent": len(agents), "proxy_person": copy_frame(conn, "proxy_person", people),
            "proxy_contact": copy_frame(conn, "proxy_contact", contacts)}
    conn.execute(text("ALTER TABLE proxy_contact ENABLE TRIGGER proxy_contact_check;"
                      " ALTER TABLE proxy_contact ENABLE TRIGGER proxy_contact_apply"))
    return rows
