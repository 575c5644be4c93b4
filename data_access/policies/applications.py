"""Applications: filed for a person by the community's worker, or by an enterprise on the public page (no
session: PostgreSQL lets that role add only a public enterprise application, at most five in ten minutes from
one address); dispatched by the database's rules; stepped by the area's officials; every step a node of the
timeline; rated by the enterprise once decided; hotline calls logged against them."""

from __future__ import annotations

import json
import secrets
import string

from sqlalchemy import Connection, text

from data_access import audit_trail
from data_access.masking import mask_id_number
from data_access.session import DataUnavailable, UnitOfWork, writing
from domain.policies import ENTERPRISE

REF_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"
# The database's refusals a person can cause, as i18n keys under policies.error.
REFUSALS = {"policy_throttled": "throttled", "policy_not_in_register": "not_in_register",
            "policy_closed": "closed", "policy_application_one_open_idx": "duplicate",
            "policy_rating_unknown": "rating_unknown", "policy_rating_application_ref_key": "rating_twice",
            "row-level security": "area", "policy_bad_step": "step"}


class Refused(ValueError):
    """The database refused the write for a reason the person can act on: an i18n key under policies.error."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def refusal(exc: DataUnavailable) -> Refused | None:
    message = str(exc)
    return next((Refused(key) for marker, key in REFUSALS.items() if marker in message), None)


def new_ref() -> str:
    return "".join(secrets.choice(REF_ALPHABET) for _ in range(12))


def file_for_person(work: UnitOfWork, policy_id: int, id_number: str, period: str, fields: dict | None = None) -> str:
    """A person's application filed by the community's worker; the database dispatches it. Returns its ref."""
    ref = new_ref()
    work.conn.execute(text("""
        INSERT INTO policy_application (ref, policy_id, target, id_number, community_code, department_code, channel,
                                        fields, period, filed_by)
        VALUES (:ref, :p, 'person', :i, '000000000000', 'civil', 'community', CAST(:f AS jsonb), :period, :by)"""),
        {"ref": ref, "p": policy_id, "i": id_number, "f": json.dumps(fields or {}, ensure_ascii=False),
         "period": period, "by": work.actor.username})
    work.audit("policy_application_filed", None, {"ref": ref, "policy": policy_id})
    return ref


def submit_public(policy_id: int, credit_code: str, contact_name: str, contact_phone: str, fields: dict,
                  period: str, address: str | None) -> str:
    """An enterprise's application from the public page (nobody logged in). Returns its ref; Refused with the
    reason the enterprise can act on; nothing is written unless all of it is."""
    ref = new_ref()
    try:
        with writing(None) as work:
            work.conn.execute(text("""
                INSERT INTO policy_application (ref, policy_id, target, credit_code, community_code, department_code,
                                                channel, contact_name, contact_phone, fields, period, filed_by,
                                                submitted_from)
                VALUES (:ref, :p, 'enterprise', :c, '000000000000', 'civil', 'public', :n, :ph, CAST(:f AS jsonb),
                        :period, 'public:' || :c, CAST(:addr AS inet))"""),
                {"ref": ref, "p": policy_id, "c": credit_code, "n": contact_name, "ph": contact_phone,
                 "f": json.dumps(fields, ensure_ascii=False), "period": period, "addr": address})
            # Nobody is logged in: the log takes this one row from such a session, as actor "public" with the
            # sender's address (audit_log_public_insert).
            audit_trail.record(work.conn, "public", None, "policy_public_submitted", None,
                               {"ref": ref, "policy": policy_id, "credit_code": credit_code}, address or "-")
    except DataUnavailable as exc:
        raise refusal(exc) or exc from exc
    return ref


def rate_public(ref: str, credit_code: str, score: int, comment: str) -> None:
    """The enterprise's rating of a decided application, named by its ref and the enterprise's code."""
    try:
        with writing(None) as work:
            work.conn.execute(text("""INSERT INTO policy_rating (application_ref, credit_code, score, comment)
                                      VALUES (:r, :c, :s, :m)"""),
                              {"r": ref, "c": credit_code, "s": score, "m": comment or None})
    except DataUnavailable as exc:
        raise refusal(exc) or exc from exc


def take_step(work: UnitOfWork, application_id: int, step: str, reason: str | None) -> bool:
    """Accept, ask for more, approve or reject: False when the application is not one the actor may handle
    (another area: the database's policy hides it)."""
    done = work.conn.execute(text("UPDATE policy_application SET state = :s, reason = :r WHERE id = :i"),
                             {"s": step, "r": reason or None, "i": application_id}).rowcount
    if done:
        work.audit("policy_application_step", None, {"application": application_id, "step": step})
    return bool(done)


def log_hotline(work: UnitOfWork, application_id: int | None, community_code: str, phone: str | None, kind: str,
                summary: str) -> None:
    work.conn.execute(text("""
        INSERT INTO policy_hotline (application_id, community_code, caller_phone, kind, summary, recorded_by)
        VALUES (:a, :c, :p, :k, :s, :by)"""), {"a": application_id, "c": community_code, "p": phone or None,
                                               "k": kind, "s": summary, "by": work.actor.username})
    work.audit("policy_hotline_logged", community_code, {"application": application_id})


def applications(conn: Connection, scope: str, policy_id: int | None = None, state: str | None = None,
                 limit: int = 500) -> list[dict]:
    """The area's applications, newest first, applicants masked."""
    rows = conn.execute(text("""
        SELECT a.id, a.ref, a.policy_id, p.name AS policy, a.target, a.id_number, a.credit_code,
               coalesce(pe.name, e.name) AS applicant, a.community_code, c.name AS community, d.name AS department,
               a.channel, a.state, a.reason, a.period, a.filed_at
        FROM policy_application a JOIN policy p ON p.id = a.policy_id
        JOIN policy_department d ON d.code = a.department_code
        LEFT JOIN community c ON c.code = a.community_code
        LEFT JOIN person pe ON pe.id_number = a.id_number
        LEFT JOIN enterprise e ON e.credit_code = a.credit_code
        WHERE a.community_code LIKE :scope || '%' AND (CAST(:p AS int) IS NULL OR a.policy_id = :p)
          AND (CAST(:s AS text) IS NULL OR a.state = :s)
        ORDER BY a.filed_at DESC, a.id DESC LIMIT :limit"""),
        {"scope": scope, "p": policy_id, "s": state, "limit": limit}).mappings()
    out = []
    for r in rows:
        row = dict(r)
        row["identity"] = row["credit_code"] if row["target"] == ENTERPRISE else mask_id_number(row["id_number"])
        out.append(row)
    return out


def application_state(conn: Connection, application_id: int) -> dict | None:
    row = conn.execute(text("SELECT id, ref, state, community_code FROM policy_application WHERE id = :i"),
                       {"i": application_id}).mappings().first()
    return dict(row) if row else None


def timeline(conn: Connection, application_id: int) -> list[dict]:
    """Each node of one application: who, when, what, how long it stayed open, and whether it went overdue."""
    rows = conn.execute(text("""
        SELECT t.step, t.actor, t.at, t.note, t.due_at, t.closed_at,
               round(extract(epoch FROM t.duration) / 3600.0, 1) AS hours, t.overdue, d.name AS department
        FROM policy_timeline t JOIN policy_department d ON d.code = t.department_code
        WHERE t.application_id = :i ORDER BY t.at, t.id"""), {"i": application_id}).mappings()
    return [dict(r) for r in rows]
