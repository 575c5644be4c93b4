"""An audit row's detail as an auditor reads it: 文件：xlsx；名单：可复工企业名单；行数：12, never raw JSON."""

from __future__ import annotations

import json

from i18n import t

# The keys the application writes into audit details (callbacks, the import framework, the login).
LABELS = {"user": "audit.detail.user", "role": "audit.detail.role", "integration": "audit.detail.integration",
          "asked": "audit.detail.asked", "file": "audit.detail.file", "rows": "audit.detail.rows",
          "filter": "audit.detail.filter", "enterprise": "audit.detail.enterprise",
          "id_number": "audit.detail.id_number", "list": "audit.detail.list", "reason": "audit.detail.reason",
          "run": "audit.detail.run", "kind": "audit.detail.kind", "result": "audit.detail.result",
          "action": "audit.action", "since": "audit.since", "status": "col.status", "industry": "col.industry",
          "q": "table.search", "area": "audit.col.area",
          "method": "audit.detail.method", "recipient": "audit.detail.recipient", "when": "audit.detail.when"}
VALUES = {"role": "role.{}", "list": "export.title_{}", "kind": "kind.{}", "result": "ui.import.result.{}",
          "reason": "audit.reason.{}", "action": "action.{}",
          "method": "warnings.method.{}"}


def describe(detail_json: str | None) -> str:
    """The detail (JSON text from the log) as 标签：值 pairs; empty for none."""
    try:
        detail = json.loads(detail_json or "{}")
    except ValueError:
        return detail_json or ""
    return _pairs(detail) if isinstance(detail, dict) else str(detail)


def _pairs(detail: dict) -> str:
    return "；".join(f"{_label(k)}：{_value(k, v)}" for k, v in detail.items() if v not in (None, "", {}, []))


def _label(key: str) -> str:
    return t(LABELS[key]) if key in LABELS else key


def _value(key: str, value: object) -> str:
    if isinstance(value, dict):
        return "（" + _pairs(value).replace("；", "，") + "）"
    if key in VALUES:
        try:
            return t(VALUES[key].format(value))
        except KeyError:
            return str(value)
    return f"{value:,}" if isinstance(value, int) else str(value)
