"""Demo appeals (异议申诉复核), consistent with the register already loaded: the seed's scale (16,300 requests
since 16 February, about 10% converted, all reviewed) mapped onto the demo's 30 days of colour history.

- converted: every return to green the history records as an appeal's (source "appeal"): the request was
  submitted some hours before that change and decided at it, through the tiers its colours need;
- rejected: people whose code turned red or yellow and stayed so, asking again after each refusal, so the
  daily arrivals follow the outbreak's curve;
- open: a backlog today (the last day and a half), some still at the steps, some waiting for a tier, a few
  past the 24-hour deadline.

Loaded by load_demo into a new demo, and into an existing demo database whose appeal tables are empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from data_access.bulk import copy_frame

DEMO_COMMUNITY = "330105005052"  # the demo community worker's (data_access/demo/users.py)
TOTAL = 16_300  # requests at scale 1 (the seed)
OPEN_SHARE = 0.02  # the backlog today
REASONS = (("key_area", 0.45), ("epidemiological", 0.3), ("symptoms", 0.15), ("not_signed", 0.1))
TIERS = {("yellow", "green"): ["community", "street"], ("red", "yellow"): ["community", "street"],
         ("red", "green"): ["community", "street", "district"]}
ASKED = ("因出行需要申请转码", "已解除隔离，申请转为绿码", "未去过中高风险地区，认为赋码有误", "核酸检测阴性，申请复核",
         "同行人员误判，申请复核")


def appeals_empty(conn: Connection) -> bool:
    return not conn.execute(text("SELECT EXISTS (SELECT 1 FROM appeal)")).scalar()


def _people(conn: Connection) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Each person's community (home, else first workplace), and their colour events."""
    # set-based (hash joins): a per-person lookup of workplaces took over 15 minutes at full scale
    places = pd.read_sql(text("""
        WITH changed AS (SELECT DISTINCT id_number FROM health_code_history WHERE previous_colour IS NOT NULL),
        work AS (
          SELECT DISTINCT ON (em.id_number) em.id_number, e.community_code
          FROM employment em JOIN enterprise e USING (credit_code) JOIN changed USING (id_number)
          ORDER BY em.id_number, em.credit_code)
        SELECT p.id_number, coalesce(p.community_code, w.community_code) AS community_code,
               CASE WHEN p.community_code IS NULL THEN 'workplace' ELSE 'residence' END AS routed_by
        FROM person p JOIN changed USING (id_number) LEFT JOIN work w USING (id_number)"""), conn)
    events = pd.read_sql(text("""
        SELECT id_number, colour, previous_colour, changed_at, source FROM health_code_history
        WHERE previous_colour IS NOT NULL ORDER BY id_number, changed_at"""), conn)
    events["changed_at"] = pd.to_datetime(events.changed_at, utc=True)
    end = pd.Timestamp(conn.execute(text("SELECT max(changed_at) FROM health_code_history")).scalar())
    return events.merge(places, on="id_number"), end


def generate_appeals(conn: Connection, scale: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed + 14)
    events, end = _people(conn)
    events = events[events.community_code.notna()]
    def hours(n: int, median: float, sigma: float = 0.8, most: float = 240.0) -> pd.TimedeltaIndex:
        return pd.to_timedelta(np.minimum(median * rng.lognormal(0, sigma, n), most), unit="h")

    # converted: the returns to green the history credits to an appeal
    back = events[(events.source == "appeal") & (events.colour == "green")].copy()
    duration = hours(len(back), 7.0, most=60)
    converted = pd.DataFrame({
        "id_number": back.id_number.to_numpy(), "community_code": back.community_code.to_numpy(),
        "routed_by": back.routed_by.to_numpy(), "current_colour": back.previous_colour.to_numpy(),
        "requested_colour": "green", "decided_at": back.changed_at.to_numpy(),
        "submitted_at": (back.changed_at - duration).to_numpy(), "status": "converted", "reason_key": "all_clear"})

    # rejected and open: people whose code turned and stayed (no later return to green)
    last = events.sort_values("changed_at", kind="stable").drop_duplicates("id_number", keep="last")
    stayed = last[(last.previous_colour == "green") & (last.colour != "green")]  # turned, and still so
    total = max(round(TOTAL * scale), len(converted) + 2)
    n_open = max(2, round(total * OPEN_SHARE))
    n_rejected = max(1, total - len(converted) - n_open)
    # the demo worker's community (台州路社区) has a few in its queue, the rest are spread over the district
    own = stayed[stayed.community_code == DEMO_COMMUNITY].head(3)
    rest = stayed.drop(own.index)
    open_people = pd.concat([own, rest.sample(min(max(n_open - len(own), 0), len(rest)), random_state=seed)])
    pool = stayed[~stayed.id_number.isin(open_people.id_number)]
    picks = pool.sample(n_rejected, replace=True, random_state=seed + 1).sort_values(["id_number"])
    # one person's requests follow each other: each submitted some hours after the last was refused
    picks = picks.reset_index(drop=True)
    first = picks.changed_at + pd.Series(hours(len(picks), 10.0, 1.0))
    taken = pd.Series(hours(len(picks), 7.0, most=60))
    cycle = taken + pd.Series(hours(len(picks), 30.0, 1.0))
    submitted = first + cycle.groupby(picks.id_number).cumsum() - cycle
    keep = (submitted + taken) < end - pd.Timedelta(hours=36)
    red = picks.colour.to_numpy() == "red"
    rejected = pd.DataFrame({
        "id_number": picks.id_number.to_numpy(), "community_code": picks.community_code.to_numpy(),
        "routed_by": picks.routed_by.to_numpy(), "current_colour": picks.colour.to_numpy(),
        "requested_colour": np.where(red & (rng.random(len(picks)) < 0.3), "yellow", "green"),
        "submitted_at": submitted.to_numpy(), "decided_at": (submitted + taken).to_numpy(), "status": "rejected",
        "reason_key": rng.choice([r for r, _ in REASONS], len(picks), p=[p for _, p in REASONS])})[keep.to_numpy()]

    ago = pd.to_timedelta(rng.uniform(0.3, 36, len(open_people)), unit="h")
    pending = pd.DataFrame({
        "id_number": open_people.id_number.to_numpy(), "community_code": open_people.community_code.to_numpy(),
        "routed_by": open_people.routed_by.to_numpy(), "current_colour": open_people.colour.to_numpy(),
        "requested_colour": "green", "submitted_at": (end - ago).to_numpy(), "decided_at": pd.NaT,
        "status": np.where(rng.random(len(open_people)) < 0.55, "open", "review"), "reason_key": "all_clear"})
    appeals = pd.concat([converted, rejected, pending], ignore_index=True)
    for column in ("submitted_at", "decided_at"):
        appeals[column] = pd.to_datetime(appeals[column], utc=True)
    appeals = appeals.sort_values("submitted_at", kind="stable").reset_index(drop=True)
    return _fill(appeals, rng, end)


def _fill(appeals: pd.DataFrame, rng: np.random.Generator, end: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Steps, proposals and reviews, timed between submission and decision."""
    n = len(appeals)
    appeals.insert(0, "id", np.arange(1, n + 1))
    decided = appeals.status.isin(["converted", "rejected"]).to_numpy()
    span = np.where(decided, (appeals.decided_at - appeals.submitted_at).to_numpy(),
                    (end - appeals.submitted_at).to_numpy())
    at = lambda share: appeals.submitted_at + span * share  # noqa: E731
    worker = "w" + appeals.community_code.str.slice(0, 12)
    reason = appeals.reason_key
    stepped = decided | (appeals.status == "review").to_numpy() | (rng.random(n) < 0.5)
    appeals = appeals.assign(
        reason=rng.choice(ASKED, n), channel="demo", received_by="city.platform", received_at=appeals.submitted_at,
        phone=[f"1{rng.integers(30, 99)}{rng.integers(0, 10**8):08d}" for _ in range(n)],
        health_symptoms=np.where(stepped, reason == "symptoms", None),
        health_temperature=np.where(stepped, np.where(reason == "symptoms", 37.8, 36.5), None),
        health_contact=np.where(stepped, reason == "epidemiological", None),
        health_by=np.where(stepped, worker, None), health_at=at(0.1).where(stepped),
        movement_key_area=np.where(stepped, reason == "key_area", None),
        movement_places=np.where(stepped & (reason == "key_area"), "外省中高风险地区", None),
        movement_by=np.where(stepped, worker, None), movement_at=at(0.2).where(stepped),
        commitment_signed=np.where(stepped, reason != "not_signed", None),
        commitment_by=np.where(stepped, worker, None), commitment_at=at(0.3).where(stepped),
    )
    proposed = decided | (appeals.status == "review").to_numpy()
    decision = np.where(appeals.status == "converted", "convert", "reject")
    decision = np.where(appeals.status == "review", "convert", decision)
    tiers = [TIERS[(c, r)] for c, r in zip(appeals.current_colour, appeals.requested_colour, strict=True)]
    waiting_done = [1 if len(t) == 2 or rng.random() < 0.5 else 2 for t in tiers]
    appeals = appeals.assign(
        system_decision=np.where(proposed, decision, None),
        system_reasons=[("{" + r + "}") if p else None for r, p in zip(reason, proposed, strict=True)],
        proposed_decision=np.where(proposed, decision, None), proposed_by=np.where(proposed, worker, None),
        proposed_at=at(0.4).where(proposed),
        tiers=["{" + ",".join(t) + "}" if p else None for t, p in zip(tiers, proposed, strict=True)],
        tiers_done=np.where(decided, [len(t) for t in tiers], np.where(proposed, waiting_done, 0)),
    )
    reviews = []
    for row, tier_list, done in zip(appeals.itertuples(), tiers, appeals.tiers_done, strict=True):
        if pd.isna(row.proposed_by):
            continue
        later = tier_list[1:done] if row.status == "review" else tier_list[1:]
        for k, tier in enumerate(later, start=1):
            share = 0.4 + 0.6 * k / (len(tier_list) - 1)
            when = row.submitted_at + (row.decided_at - row.submitted_at) * share if not pd.isna(row.decided_at) \
                else row.submitted_at + (end - row.submitted_at) * (0.4 + 0.3 * k)
            reviews.append((row.id, row.community_code, tier, "approve",
                            ("s" + row.community_code[:9]) if tier == "street" else "district.reviewer",
                            row.proposed_by, when))
    review_frame = pd.DataFrame(reviews, columns=["appeal_id", "community_code", "tier", "verdict", "reviewer",
                                                  "proposer", "reviewed_at"])
    columns = ["id", "community_code", "id_number", "current_colour", "requested_colour", "reason", "phone",
               "submitted_at", "channel", "received_by", "received_at", "routed_by", "status", "health_symptoms",
               "health_temperature", "health_contact", "health_by", "health_at", "movement_key_area",
               "movement_places", "movement_by", "movement_at", "commitment_signed", "commitment_by", "commitment_at",
               "system_decision", "system_reasons", "proposed_decision", "proposed_by", "proposed_at", "tiers",
               "tiers_done", "decided_at"]
    return appeals[columns], review_frame


def load_demo_appeals(conn: Connection, scale: float, seed: int) -> dict[str, int]:
    """Generate and COPY the demo appeals (in the caller's transaction); nothing when some exist."""
    if not appeals_empty(conn):
        return {}
    appeals, reviews = generate_appeals(conn, scale, seed)
    times = [c for c in appeals.columns if c.endswith("_at")]
    appeals = appeals.assign(**{c: pd.to_datetime(appeals[c], utc=True).dt.floor("s") for c in times})
    reviews = reviews.assign(reviewed_at=pd.to_datetime(reviews.reviewed_at, utc=True).dt.floor("s"))
    # Decided requests arrive whole: the review triggers (which move a live request on) stay out of the way.
    conn.execute(text("ALTER TABLE appeal_review DISABLE TRIGGER appeal_review_check;"
                      " ALTER TABLE appeal_review DISABLE TRIGGER appeal_review_apply"))
    rows = {"appeal": copy_frame(conn, "appeal", appeals), "appeal_review": copy_frame(conn, "appeal_review", reviews)}
    conn.execute(text("ALTER TABLE appeal_review ENABLE TRIGGER appeal_review_check;"
                      " ALTER TABLE appeal_review ENABLE TRIGGER appeal_review_apply"))
    # never backwards: sequences ignore rollbacks, so ids handed out before stay handed out
    conn.execute(text("SELECT setval(pg_get_serial_sequence('appeal', 'id'),"
                      " greatest((SELECT max(id) FROM appeal), (SELECT last_value FROM appeal_id_seq)))"))
    return rows


def demo_scale(conn: Connection) -> float:
    """The scale an existing demo was loaded at (1.05 million people at scale 1)."""
    people = conn.execute(text("SELECT count(*) FROM person WHERE community_code IS NOT NULL")).scalar() or 0
    return max(people / 1_050_000, 0.001)
