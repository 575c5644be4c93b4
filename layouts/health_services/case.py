"""Builders of one appeal's case: what was asked, what the registers know of the person, each step's
state, the system's proposal, the reviews, and the text to tell the applicant. Pure: data in, components out."""

from __future__ import annotations

from dash import html

from domain.appeals import Proposal, waiting_tier
from i18n import t
from layouts.formatting import beijing_time


def _colour(value: str | None) -> str:
    return t(f"colour.{value}") if value else t("colour.none")


def change(current: str, requested: str) -> str:
    return t("appeals.change", current=_colour(current), requested=_colour(requested))


def queue_rows(rows: list[dict]) -> list[dict]:
    """The grid's rows: only the columns it shows (and the id), each label looked up once per call."""
    changes, statuses, channels, tiers = {}, {}, {}, {"": ""}

    def once(cache: dict, key, make):
        if key not in cache:
            cache[key] = make(key)
        return cache[key]

    return [{"id": r["id"], "name": r["name"], "id_number": r["id_number"], "community": r["community"],
             "change": once(changes, (r["current_colour"], r["requested_colour"]), lambda k: change(*k)),
             "submitted": beijing_time(r["submitted_at"]), "hours": r["hours"],
             "status_name": once(statuses, r["status"], lambda k: t(f"appeals.status.{k}")),
             "waiting": once(tiers, r["waiting"] or "", lambda k: t(f"appeals.tier.{k}")),
             "channel_name": once(channels, r["channel"], lambda k: t(f"appeals.channel.{k}"))} for r in rows]


def _waiting(case: dict) -> str | None:
    return waiting_tier(case["tiers"], case["tiers_done"]) if case["status"] == "review" else None


def case_header(case: dict) -> html.Div:
    tier = _waiting(case)
    lines = [
        html.H2(t("appeals.case.title", id=case["id"], name=case["name"], id_number=case["id_number"]),
                className="section-title"),
        html.P(t("appeals.case.request", change=change(case["current_colour"], case["requested_colour"]),
                 reason=case["reason"], submitted=beijing_time(case["submitted_at"]), phone=case["phone"] or "-",
                 channel=t(f"appeals.channel.{case['channel']}"))),
        html.P(t("appeals.case.routing", community=case["community"], street=case["street"],
                 routed=t(f"appeals.routed.{case['routed_by']}"))),
        html.P(t("appeals.case.status", status=t(f"appeals.status.{case['status']}")), className="appeal-status"),
    ]
    if tier:
        lines.append(html.P(t("appeals.case.waiting", tier=t(f"appeals.tier.{tier}"), total=len(case["tiers"]),
                              tiers=" → ".join(t(f"appeals.tier.{x}") for x in case["tiers"]))))
    if case["status"] == "open" and case.get("sent_back_reason"):
        lines.append(html.P(t("appeals.case.sent_back", reason=case["sent_back_reason"]), className="warned"))
    return html.Div(lines)


def record_view(case: dict, record: dict) -> html.Div:
    residence = case["residence_type"] if case["home_code"] else "none"
    colour = (t("appeals.record.colour_now", colour=_colour(case["colour_now"]),
                since=beijing_time(case["colour_since"])) if case["colour_now"] else t("appeals.record.no_colour"))
    none = [html.Li(t("appeals.record.none"))]
    return html.Div([
        html.H3(t("appeals.record")),
        html.P(t(f"appeals.record.residence.{residence}")),
        html.P(colour),
        html.H4(t("appeals.record.history")),
        html.Ul([html.Li(t("appeals.record.history_row", at=beijing_time(h["changed_at"]),
                           previous=_colour(h["previous_colour"]), colour=_colour(h["colour"]),
                           source=history_source(h["source"])))
                 for h in record["history"]] or none),
        html.H4(t("appeals.record.managed")),
        html.Ul(className="appeal-managed", children=[html.Li(managed_row(m)) for m in record["managed"]] or none),
        html.H4(t("appeals.record.employers")),
        html.Ul([html.Li(t("appeals.record.employer_row", name=e["name"],
                           status=t(f"status.{e['status']}") if e["status"] else "-"))
                 for e in record["employers"]] or none),
        html.H4(t("appeals.keyperson")),
        html.Ul(className="appeal-keyperson", children=[html.Li(keyperson_row(k)) for k in record.get("keyperson", [])]
                or [html.Li(t("appeals.keyperson.none"))]),
    ])


def managed_row(entry: dict) -> str:
    """One managed period as the map counts it (view managed_period): kind, days, in force today, and whether
    it is a measure of the key-person module or the managed-person list."""
    return t("appeals.record.managed_row", kind=t(f"appeals.managed.{entry['kind']}"), start=entry["start_date"],
             end=entry["end_date"] or "—",
             current=t("appeals.record.managed_current") if entry["current"] else "",
             origin=t(f"appeals.managed.origin.{entry.get('origin') or 'list'}"))


def keyperson_state(entry: dict) -> str:
    """Where the community's task on one batch entry stands: released, a measure, contacted, or waiting."""
    if entry["released_at"] is not None:
        return t("appeals.keyperson.released", at=beijing_time(entry["released_at"]))
    if entry["measure"]:
        return t("appeals.keyperson.measure", measure=t(f"keypersons.measure.{entry['measure']}"),
                 start=entry["measure_start"], days=entry["measure_days"])
    if entry["contacted_at"] is not None:
        return t("appeals.keyperson.contacted", at=beijing_time(entry["contacted_at"]))
    if entry["dispatched_at"] is not None:
        return t("appeals.keyperson.dispatched")
    return t("appeals.keyperson.unplaced")


def keyperson_row(entry: dict) -> str:
    """One key-person batch naming the person: when, what kind, which community holds the task, its state."""
    flags = [t(k) for k, on in (("appeals.keyperson.case", entry["is_case"]),
                                 ("appeals.keyperson.linked", entry["linked_to_case"])) if on]
    return t("appeals.keyperson.row", received=beijing_time(entry["received_at"]),
             kind=t(f"keypersons.kind.{entry['batch_kind']}"),
             community=entry["community"] or t("appeals.keyperson.queue"),
             state=keyperson_state(entry), flags="".join(f"（{f}）" for f in flags))


def step_state(case: dict, step: str) -> str:
    if case.get(f"{step}_at") is None:
        return t("appeals.step.not_recorded")
    state = t("appeals.step.recorded", by=case[f"{step}_by"], at=beijing_time(case[f"{step}_at"]))
    if step == "commitment" and case.get("commitment_file_name"):
        state += "；" + t("appeals.commitment.file_saved", name=case["commitment_file_name"],
                         sha=case["commitment_sha256"][:12])
    return state


def _reasons(keys) -> str:
    return "；".join(t(f"appeals.reason.{r}") for r in keys)


def proposal_view(case: dict, proposal: Proposal | None, missing: tuple[str, ...]) -> html.Div:
    parts = []
    if case.get("proposed_at") and case["status"] != "open":
        override = (t("appeals.proposal.override", reason=case["override_reason"]) if case["override_reason"] else "")
        parts.append(html.P(t("appeals.proposal.made", decision=t(f"appeals.decision.{case['proposed_decision']}"),
                              by=case["proposed_by"], at=beijing_time(case["proposed_at"]), override=override)))
    if proposal is not None:
        parts.append(html.P(t("appeals.proposal.system", decision=t(f"appeals.decision.{proposal.decision}"),
                              reasons=_reasons(proposal.reasons)), className="appeal-proposal"))
    else:
        parts.append(html.P(t("appeals.proposal.missing", steps="、".join(t(f"appeals.step.{s}") for s in missing)),
                            className="note"))
    return html.Div(parts)


def review_history(reviews: list[dict]) -> html.Ul:
    return html.Ul([html.Li(t("appeals.review.row", at=beijing_time(r["reviewed_at"]),
                              tier=t(f"appeals.tier.{r['tier']}"), verdict=t(f"appeals.verdict.{r['verdict']}"),
                              reviewer=r["reviewer"], reason=("：" + r["reason"]) if r["reason"] else ""))
                    for r in reviews])


def outcome_text(case: dict) -> str:
    """What to tell the applicant, once decided."""
    if case["status"] not in ("converted", "rejected"):
        return ""
    values = {"submitted": beijing_time(case["submitted_at"]), "community": case["community"],
              "current": _colour(case["current_colour"]), "requested": _colour(case["requested_colour"])}
    if case["status"] == "converted":
        return t("appeals.outcome.converted", **values)
    if case["system_decision"] == "reject":
        reasons = _reasons(case["system_reasons"] or [])
    else:
        reasons = case["override_reason"] or t("appeals.outcome.rejected_other")
    return t("appeals.outcome.rejected", reasons=reasons, **values)


def history_source(source: str | None) -> str:
    """Where a colour change came from, in words: the city platform, an appeal converted here, the key-person
    module; an integration's or a file's own name as it is."""
    kind, _, rest = (source or "").partition(":")
    if kind == "appeal" and rest:
        return t("appeals.source.appeal", id=rest)
    if kind in ("platform", "keypersons", "demo"):
        return t(f"appeals.source.{kind}")
    return source or "—"
