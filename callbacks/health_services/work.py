"""What a user does to an appeal, each one unit of work with its audit row: record a step, propose,
review (the last approval of a conversion through the colour path), reassign, register a walk-in,
configure. Each returns a message; PostgreSQL checks area, role, name and tier again."""

from __future__ import annotations

import base64
import hashlib

from callbacks.gate import ensure
from data_access.health_services import appeals, colour_path
from data_access.health_services.appeals import AppealError
from data_access.session import DataUnavailable, reading, writing
from domain import clock
from domain.actor import Actor
from domain.appeals import STEPS, TIER_CHOICES, propose, steps_missing, waiting_tier
from domain.permissions import CONFIGURE_APPEALS, HANDLE_APPEALS, REASSIGN_APPEALS, REVIEW_APPEALS
from i18n import t

MOST_FILE_BYTES = 5 * 1024 * 1024


def _refused(exc: DataUnavailable) -> str:
    text_ = str(exc)
    if "row-level security" in text_ or "permission denied" in text_ or "reviewer <> proposer" in text_ \
            or "appeal_review_check" in text_ or "check constraint" in text_:
        return t("appeals.error.refused")
    return t("appeals.error.conversion", reason=text_)


def _case(conn, actor: Actor, appeal_id: int) -> tuple[dict, dict]:
    case = appeals.appeal(conn, actor.scope, appeal_id)
    if case is None:
        raise AppealError("appeals.error.not_found")
    return case, appeals.person_record(case)


def step_answers(step: str, values: dict) -> dict:
    """The form's values as the step's columns; AppealError for a missing or impossible answer."""
    if step == "health":
        if values.get("symptoms") is None or values.get("contact") is None:
            raise AppealError("appeals.error.answer")
        temperature = values.get("temperature")
        if temperature not in (None, "") and not 34 <= float(temperature) <= 43:
            raise AppealError("appeals.error.temperature")
        return {"health_symptoms": values["symptoms"], "health_contact": values["contact"],
                "health_temperature": None if temperature in (None, "") else round(float(temperature), 1)}
    if step == "movement":
        if values.get("key_area") is None:
            raise AppealError("appeals.error.answer")
        return {"movement_key_area": values["key_area"], "movement_places": (values.get("places") or "").strip()
                or None}
    if values.get("signed") is None:
        raise AppealError("appeals.error.answer")
    answers = {"commitment_signed": values["signed"]}
    upload = values.get("file")  # a dcc.Upload's data URL
    if upload:
        try:  # refused whole, never cut short: the checksum is of the file as scanned
            content = base64.b64decode(upload.split(",", 1)[1], validate=True)
        except (ValueError, IndexError) as exc:
            raise AppealError("appeals.error.file") from exc
        if not content or len(content) > MOST_FILE_BYTES:
            raise AppealError("appeals.error.file")
        answers.update(commitment_file=content, commitment_sha256=hashlib.sha256(content).hexdigest(),
                       commitment_file_name=(values.get("file_name") or "scan")[:200])
    return answers


def save_step(actor: Actor, appeal_id: int, step: str, values: dict) -> str:
    ensure(actor, HANDLE_APPEALS)
    if step not in STEPS:
        return t("appeals.error.answer")
    try:
        answers = step_answers(step, values)
        with writing(actor) as work:
            case, _record = _case(work.conn, actor, appeal_id)
            if "commitment_file" not in answers and step == "commitment":
                answers.update(commitment_file=None, commitment_sha256=None, commitment_file_name=None)
            appeals.record_step(work.conn, appeal_id, step, answers, actor.username, clock.now())
            work.audit("appeal_step", case["community_code"],
                       {"appeal": appeal_id, "step": step,
                        **{k: v for k, v in answers.items() if k != "commitment_file"}})
    except AppealError as exc:
        return t(str(exc))
    except (ValueError, TypeError):
        return t("appeals.error.temperature")
    except DataUnavailable as exc:
        return _refused(exc)
    return t("appeals.done.step", step=t(f"appeals.step.{step}"))


def propose_decision(actor: Actor, appeal_id: int, decision: str | None, override: str | None) -> str:
    """The worker confirms the system's proposal or overrides it with a reason; the request goes to review."""
    ensure(actor, HANDLE_APPEALS)
    override = (override or "").strip()
    try:
        with writing(actor) as work:
            case, record = _case(work.conn, actor, appeal_id)
            facts = appeals.facts(case, record)
            missing = steps_missing(facts)
            if missing:
                raise AppealError("appeals.error.steps_missing")
            system = propose(facts)
            if decision not in ("convert", "reject"):
                raise AppealError("appeals.error.no_decision")
            if decision != system.decision and not override:
                raise AppealError("appeals.error.override_reason")
            tiers = appeals.propose(work.conn, appeal_id, system.decision, system.reasons, decision,
                                    override if decision != system.decision else None, actor.username, clock.now())
            work.audit("appeal_proposed", case["community_code"],
                       {"appeal": appeal_id, "decision": decision, "system": system.decision,
                        "reasons": list(system.reasons), "override": override or None, "tiers": tiers})
    except AppealError as exc:
        key = str(exc)
        if key == "appeals.error.steps_missing":
            return t(key, steps="、".join(t(f"appeals.step.{s}") for s in missing))
        return t(key)
    except DataUnavailable as exc:
        return _refused(exc)
    return t("appeals.done.proposed", tiers=" → ".join(t(f"appeals.tier.{x}") for x in tiers))


def review_case(actor: Actor, appeal_id: int, verdict: str, reason: str | None) -> str:
    """Approve or send back at the tier the request waits for, which must be the reviewer's own level."""
    ensure(actor, REVIEW_APPEALS)
    reason = (reason or "").strip()
    try:
        with reading(actor) as conn:
            case, _record = _case(conn, actor, appeal_id)
        tier = waiting_tier(case["tiers"], case["tiers_done"]) if case["status"] == "review" else None
        if tier is None:
            raise AppealError("appeals.error.not_waiting")
        if tier != actor.scope.level:
            return t("appeals.error.wrong_tier", tier=t(f"appeals.tier.{tier}"))
        if case["proposed_by"] == actor.username:
            raise AppealError("appeals.error.own_proposal")
        if verdict == "send_back" and not reason:
            raise AppealError("appeals.error.reason_required")
        final = verdict == "approve" and case["tiers_done"] + 1 == len(case["tiers"])
        if final and case["proposed_decision"] == "convert":
            colour_path.approve_and_convert(actor, appeal_id, tier)
            return t("appeals.done.converted", colour=t(f"colour.{case['requested_colour']}"))
        with writing(actor) as work:
            state = appeals.insert_review(work.conn, appeal_id, tier, verdict, reason, actor.username)
            work.audit("appeal_rejected" if state["status"] == "rejected" else "appeal_reviewed",
                       case["community_code"], {"appeal": appeal_id, "tier": tier, "verdict": verdict,
                                                "reason": reason or None})
    except colour_path.ConversionRefused as exc:
        return t("appeals.error.conversion", reason=exc.result.problem or "；".join(
            t(f"import.reason.{e.reason}") for e in exc.result.errors) or t("appeals.error.newer"))
    except AppealError as exc:
        return t(str(exc))
    except DataUnavailable as exc:
        return _refused(exc)
    if verdict == "send_back":
        return t("appeals.done.sent_back")
    if state["status"] == "rejected":
        return t("appeals.done.rejected")
    return t("appeals.done.approved", tier=t(f"appeals.tier.{waiting_tier(state['tiers'], state['tiers_done'])}"))


def reassign_case(actor: Actor, appeal_id: int, community_code: str | None) -> str:
    ensure(actor, REASSIGN_APPEALS)
    try:
        with writing(actor) as work:
            before = appeals.reassign(work.conn, appeal_id, community_code or "")
            work.audit("appeal_reassigned", community_code, {"appeal": appeal_id, "from": before,
                                                             "to": community_code})
    except AppealError as exc:
        return t(str(exc))
    except DataUnavailable as exc:
        return _refused(exc)
    return t("appeals.done.reassigned", community=community_code)


def register_walk_in(actor: Actor, form: dict) -> tuple[str, int | None]:
    """A request made at the counter: the appeals kind's checks, routing and load, as one row."""
    ensure(actor, HANDLE_APPEALS)
    row = {**form, "submitted_at": clock.now().strftime("%Y-%m-%d %H:%M:%S")}
    try:
        result, created = colour_path.walk_in(actor, row)
    except DataUnavailable as exc:
        return _refused(exc), None
    if created is None:
        reasons = result.problem or "；".join(f"{e.column}：{t('import.reason.' + e.reason)}" for e in result.errors)
        return t("appeals.error.walk_in", reasons=reasons), None
    return t("appeals.done.walk_in", id=created["id"], community=created["community"]), created["id"]


def configure(actor: Actor, rules: dict[tuple[str, str], list[str]], deadline: int | None) -> str:
    """The tiers each decision needs and the deadline: district officials (PostgreSQL checks)."""
    ensure(actor, CONFIGURE_APPEALS)
    try:
        with writing(actor) as work:
            for (current, requested), tiers in rules.items():
                if tuple(tiers) not in TIER_CHOICES:
                    raise AppealError("appeals.error.configure")
                appeals.set_tiers(work.conn, current, requested, list(tiers))
            if deadline is not None:
                appeals.set_deadline_hours(work.conn, int(deadline))
            work.audit("appeal_configured", actor.org_code,
                       {"tiers": {f"{a}>{b}": v for (a, b), v in rules.items()}, "deadline_hours": deadline})
    except AppealError as exc:
        return t(str(exc))
    except DataUnavailable as exc:
        return _refused(exc)
    return t("appeals.done.configured")
