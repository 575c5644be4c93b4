"""Policies (民生直达 and 亲清在线): the eligibility rule language, the steps of an application, and the checks
of what an enterprise types on the public page. Pure: data_access compiles a rule to SQL, layouts word it.

A rule is JSON: {"all": [rule, ...]}, {"any": [rule, ...]}, {"not": rule}, or a condition
{"attr": name, "op": op, "value": v} over the attributes below (the register's, and the side tables').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERSON, ENTERPRISE = "person", "enterprise"
TARGETS = (PERSON, ENTERPRISE)

# attribute -> (target, kind); kind says which operators and values fit.
ATTRIBUTES: dict[str, tuple[str, str]] = {
    "age": (PERSON, "number"),  # whole years, from the ID number's birth date
    "sex": (PERSON, "choice"),  # male / female, from the ID number's 17th digit
    "residence_type": (PERSON, "choice"),  # permanent / temporary
    "household_size": (PERSON, "number"),
    "income_per_head": (PERSON, "number"),  # yuan a month
    "disabled": (PERSON, "flag"),
    "disability_grade": (PERSON, "number"),
    "veteran": (PERSON, "flag"),
    "retired_enterprise": (PERSON, "flag"),
    "unemployed": (PERSON, "flag"),
    "on_civil_roll": (PERSON, "flag"),  # on the civil affairs' allowance roll (民政低保/低边名册) as last received
    "on_retiree_list": (PERSON, "flag"),  # on HR's list of enterprise retirees (企退人员名单)
    "on_disabled_list": (PERSON, "flag"),  # on the disabled persons' federation's list (残联名单)
    "industry": (ENTERPRISE, "choice"),
    "staff": (ENTERPRISE, "number"),
    "talents": (ENTERPRISE, "number"),
    "revenue": (ENTERPRISE, "number"),  # ten thousand yuan
    "certifications": (ENTERPRISE, "set"),  # has one of the codes
}
OPERATORS: dict[str, tuple[str, ...]] = {
    "number": ("=", "!=", "<", "<=", ">", ">=", "between"),
    "choice": ("=", "!=", "in"),
    "flag": ("is",),
    "set": ("has",),
}


# The name lists other departments send (import kinds of the same names), and the attribute each gives a rule.
NAME_LISTS = ("civil_roll", "retiree_list", "disabled_list")
LIST_ATTRIBUTE = {"civil_roll": "on_civil_roll", "retiree_list": "on_retiree_list",
                  "disabled_list": "on_disabled_list"}


class BadRule(ValueError):
    """The rule is not in the language: the message is an i18n key under policies.rule_error."""


@dataclass(frozen=True)
class Condition:
    attr: str
    op: str
    value: object


def check_rule(rule: object, target: str) -> object:
    """The rule, if it is well formed for the target's attributes; BadRule otherwise."""
    if not isinstance(rule, dict) or (len(rule) != 1 and "attr" not in rule):
        raise BadRule("shape")
    if "all" in rule or "any" in rule:
        parts = rule.get("all", rule.get("any"))
        if not isinstance(parts, list) or not parts or len(parts) > 30:
            raise BadRule("shape")
        for part in parts:
            check_rule(part, target)
        return rule
    if "not" in rule:
        check_rule(rule["not"], target)
        return rule
    condition = as_condition(rule)
    found = ATTRIBUTES.get(condition.attr)
    if found is None or found[0] != target:
        raise BadRule("attribute")
    kind = found[1]
    if condition.op not in OPERATORS[kind]:
        raise BadRule("operator")
    _check_value(kind, condition.op, condition.value)
    return rule


def as_condition(rule: dict) -> Condition:
    if set(rule) != {"attr", "op", "value"}:
        raise BadRule("shape")
    return Condition(str(rule["attr"]), str(rule["op"]), rule["value"])


def _check_value(kind: str, op: str, value: object) -> None:
    def number(v: object) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    ok = {
        "number": (lambda v: isinstance(v, list) and len(v) == 2 and all(map(number, v)) and v[0] <= v[1])
        if op == "between" else number,
        "choice": (lambda v: isinstance(v, list) and 0 < len(v) <= 50 and all(isinstance(x, str) for x in v))
        if op == "in" else (lambda v: isinstance(v, str) and 0 < len(v) <= 50),
        "flag": lambda v: isinstance(v, bool),
        "set": lambda v: isinstance(v, str) and 0 < len(v) <= 50,
    }[kind]
    if not ok(value):
        raise BadRule("value")


def top_conditions(rule: dict) -> list[dict]:
    """The parts a failing applicant is told about: the terms of a top-level "all", else the rule itself."""
    return list(rule["all"]) if "all" in rule else [rule]


def words(rule: dict) -> list:
    """The rule as phrase parts for officials: ("all"|"any", [parts]), ("not", part) or
    ("cond", attr, op, value); layouts turns them into Chinese sentences."""
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        return [key, [words(r) for r in rule[key]]]
    if "not" in rule:
        return ["not", words(rule["not"])]
    c = as_condition(rule)
    return ["cond", c.attr, c.op, c.value]


# --- the steps of an application (the database's trigger policy_application_step holds the same) ----------
SUBMITTED, ACCEPTED, MORE_INFO, APPROVED, REJECTED, PAID = (
    "submitted", "accepted", "more_info", "approved", "rejected", "paid")
STATES = (SUBMITTED, ACCEPTED, MORE_INFO, APPROVED, REJECTED, PAID)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    SUBMITTED: (ACCEPTED, MORE_INFO, REJECTED),
    MORE_INFO: (ACCEPTED, REJECTED),
    ACCEPTED: (APPROVED, MORE_INFO, REJECTED),
    APPROVED: (),  # paid by the returned bank file only
    REJECTED: (),
    PAID: (),
}
NEEDS_REASON = (MORE_INFO, REJECTED)
DECIDED = (APPROVED, REJECTED, PAID)  # a node has closed: the enterprise may rate


def step_error(state: str, step: str, reason: str | None) -> str | None:
    """Why the step cannot be taken (an i18n key under policies.error), or None."""
    if step not in TRANSITIONS.get(state, ()):
        return "step"
    if step in NEEDS_REASON and not (reason or "").strip():
        return "reason"
    if reason and len(reason) > 500:
        return "reason_long"
    return None


# --- the public page's form ---------------------------------------------------------------------------
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PHONE = re.compile(r"1[3-9][0-9]{9}")


def credit_code_error(code: str) -> str | None:
    """Why the unified social credit code is not valid (GB 32100), or None: an i18n key under policies.error."""
    if len(code) != 18:
        return "credit_length"
    if not re.fullmatch(r"[0-9]{8}[0-9A-HJ-NP-RTUWXY]{10}", code):
        return "credit_format"
    total = sum(_ALPHABET.index(c) * w for c, w in zip(code[:17], _WEIGHTS, strict=True))
    if _ALPHABET[(31 - total % 31) % 31] != code[17]:
        return "credit_checksum"
    return None


def contact_error(name: str, phone: str) -> str | None:
    if not 1 <= len(name) <= 40:
        return "contact_name"
    if not PHONE.fullmatch(phone):
        return "contact_phone"
    return None


def period_of(day) -> str:
    """The payment period (month) a day falls in."""
    return f"{day:%Y-%m}"
