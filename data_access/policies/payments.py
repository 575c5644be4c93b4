"""Payments: queued lines (an approval queues one; the 直达 list queues all the eligible at once), rolls per policy
and period, the roll as the XLSX finance expects (totals row, signature block), and the bank's returned file
(kind `payment_returns`): successes paid (the pool's spent moves in the database), failures listed with their
reason and re-queued for the next roll. All or nothing: a returned file with a bad row writes nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd
import xlsxwriter
from sqlalchemy import Connection, text

from data_access.exporters import safe_cell
from data_access.policies.rules import AREA, FROM, KEY, LIVING, Compiled, no_jit
from data_access.session import UnitOfWork
from i18n import t

RETURN_COLUMNS = {"line": "流水号", "amount": "金额", "result": "结果", "reason": "失败原因"}
SUCCESS, FAILURE = "成功", "失败"


@dataclass
class ReturnResult:
    paid: int = 0
    failed: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # Chinese lines; nothing was written when there are any


def queue_eligible(work: UnitOfWork, policy: dict, period: str) -> int:
    """Queue a payment of the period for everyone the rule finds who has neither applied nor been paid
    (直达: paid without asking). One INSERT ... SELECT; the database refuses it outside the district."""
    target = policy["target"]
    rule = Compiled(policy["rule"], target)
    ids = ("p.id_number, NULL" if target == "person" else "NULL, e.credit_code")
    no_jit(work.conn)
    done = work.conn.execute(text(f"""
        INSERT INTO policy_payment (policy_id, period, target, id_number, credit_code, community_code)
        SELECT :pid, :period, :target, {ids}, {AREA[target]}
        FROM {FROM[target]}
        WHERE {AREA[target]} IS NOT NULL AND {LIVING[target]} AND coalesce({rule.sql}, false)
          AND NOT EXISTS (SELECT 1 FROM policy_application x WHERE x.policy_id = :pid
                          AND coalesce(x.id_number, x.credit_code) = {KEY[target]} AND x.state <> 'rejected')
          AND NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.policy_id = :pid
                          AND y.beneficiary = {KEY[target]} AND y.status <> 'failed')"""),
        {**rule.params, "pid": policy["id"], "period": period, "target": target}).rowcount
    work.audit("policy_direct_queued", None, {"policy": policy["id"], "period": period, "lines": done})
    return done


# A queued line of a person the register knows to have died is held: put on no roll until the death is withdrawn
# (held_lines lists them for the officials to check).
ALIVE = ("NOT EXISTS (SELECT 1 FROM person_attribute d WHERE d.id_number = policy_payment.id_number"
         " AND d.deceased_on IS NOT NULL)")


def make_roll(work: UnitOfWork, policy_id: int, period: str) -> int | None:
    """A roll of the policy's queued lines of the period and before (re-queued ones included), but not those of
    the dead (held); None if none."""
    conn = work.conn
    waiting = conn.execute(text(f"""SELECT count(*) FROM policy_payment WHERE policy_id = :p AND roll_id IS NULL
                                    AND status = 'queued' AND period <= :period AND {ALIVE}"""),
                           {"p": policy_id, "period": period}).scalar_one()
    if not waiting:
        return None
    roll = conn.execute(text("INSERT INTO policy_roll (policy_id, period, created_by) VALUES (:p, :period, :by)"
                             " RETURNING id"), {"p": policy_id, "period": period, "by": work.actor.username}
                        ).scalar_one()
    lines = conn.execute(text(f"""UPDATE policy_payment SET roll_id = :r WHERE policy_id = :p AND roll_id IS NULL
                                  AND status = 'queued' AND period <= :period AND {ALIVE}"""),
                         {"r": roll, "p": policy_id, "period": period}).rowcount
    work.audit("policy_roll_made", None, {"roll": roll, "policy": policy_id, "period": period, "lines": lines})
    return roll


def rolls(conn: Connection, policy_id: int | None = None, roll_id: int | None = None) -> list[dict]:
    rows = conn.execute(text("""
        SELECT r.id, r.policy_id, p.name AS policy, r.period, r.created_by, r.created_at, r.returned_at,
               count(y.id) AS lines, coalesce(sum(y.amount), 0) AS total,
               count(y.id) FILTER (WHERE y.status = 'paid') AS paid,
               count(y.id) FILTER (WHERE y.status = 'failed') AS failed
        FROM policy_roll r JOIN policy p ON p.id = r.policy_id LEFT JOIN policy_payment y ON y.roll_id = r.id
        WHERE (CAST(:p AS int) IS NULL OR r.policy_id = :p) AND (CAST(:r AS int) IS NULL OR r.id = :r)
        GROUP BY r.id, p.name ORDER BY r.id DESC LIMIT 500"""), {"p": policy_id, "r": roll_id}).mappings()
    return [dict(r) for r in rows]


def roll_lines(conn: Connection, roll_id: int) -> list[dict]:
    """A roll's lines with what the bank needs (full identity and account: the export is audited)."""
    rows = conn.execute(text("""
        SELECT y.id, coalesce(pe.name, e.name) AS name, y.beneficiary AS identity, c.name AS community,
               coalesce(pa.bank_account, ea.bank_account) AS account, y.amount, y.status, y.failure_reason
        FROM policy_payment y JOIN community c ON c.code = y.community_code
        LEFT JOIN person pe ON pe.id_number = y.id_number
        LEFT JOIN person_attribute pa ON pa.id_number = y.id_number
        LEFT JOIN enterprise e ON e.credit_code = y.credit_code
        LEFT JOIN enterprise_attribute ea ON ea.credit_code = y.credit_code
        WHERE y.roll_id = :r ORDER BY y.community_code, y.id"""), {"r": roll_id}).mappings()
    return [dict(r) for r in rows]


def roll_totals(conn: Connection, roll_id: int) -> tuple[int, Decimal]:
    count, total = conn.execute(text(
        "SELECT count(*), coalesce(sum(amount), 0) FROM policy_payment WHERE roll_id = :r"), {"r": roll_id}).one()
    return count, total


def roll_xlsx(conn: Connection, roll_id: int) -> tuple[bytes, str]:
    """The roll as finance expects it: title, lines, a totals row, and the signature block. And its file name."""
    head = conn.execute(text("""SELECT r.period, p.name, d.name AS department FROM policy_roll r
                                JOIN policy p ON p.id = r.policy_id
                                JOIN policy_department d ON d.code = p.department_code
                                WHERE r.id = :r"""), {"r": roll_id}).mappings().one()
    lines = roll_lines(conn, roll_id)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(t("policies.roll.sheet"))
    bold = book.add_format({"bold": True, "border": 1, "bg_color": "#E8EEF5"})
    money = book.add_format({"num_format": "#,##0.00", "border": 1})
    cell = book.add_format({"border": 1})
    headers = [t(f"policies.roll.col.{c}") for c in ("no", "line", "name", "identity", "community", "account",
                                                      "amount")]
    widths = [6, 10, 24, 22, 14, 22, 14]
    sheet.merge_range(0, 0, 0, len(headers) - 1, t("policies.roll.title", policy=head["name"],
                                                   period=head["period"], roll=roll_id),
                      book.add_format({"bold": True, "font_size": 15}))
    sheet.write_string(1, 0, t("policies.roll.department", department=head["department"]))
    for i, (h, w) in enumerate(zip(headers, widths, strict=True)):
        sheet.set_column(i, i, w)
        sheet.write_string(2, i, h, bold)
    row = 3
    for n, line in enumerate(lines, start=1):
        values = [n, line["id"], safe_cell(line["name"]), line["identity"], line["community"], line["account"] or ""]
        for i, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(row, i, value, cell)
            else:
                sheet.write_string(row, i, str(value), cell)
        sheet.write_number(row, 6, float(line["amount"]), money)
        row += 1
    count, total = roll_totals(conn, roll_id)
    sheet.write_string(row, 0, t("policies.roll.total"), bold)
    sheet.write_string(row, 2, t("policies.roll.count", count=count), bold)
    sheet.write_number(row, 6, float(total), book.add_format({"bold": True, "num_format": "#,##0.00", "border": 1}))
    for i, key in enumerate(("made_by", "checked_by", "finance", "date")):
        sheet.write_string(row + 2 + i, 1, t(f"policies.roll.sign.{key}"))
    sheet.repeat_rows(2)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue(), t("policies.roll.file", roll=roll_id, period=head["period"])


def read_returns(content: bytes, filename: str) -> pd.DataFrame:
    """The bank's returned file (XLSX or CSV) as text cells; ValueError with a Chinese line if unreadable."""
    try:
        if filename.lower().endswith(".csv"):
            frame = pd.read_csv(io.BytesIO(content), dtype=str, encoding="utf-8-sig", keep_default_na=False)
        else:
            frame = pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False)
    except Exception as exc:  # a file pandas cannot read at all: one line for the operator
        raise ValueError(t("policies.returns.unreadable")) from exc
    missing = [h for h in RETURN_COLUMNS.values() if h not in frame.columns]
    if missing:
        raise ValueError(t("policies.returns.columns", columns="、".join(missing)))
    return frame.rename(columns={v: k for k, v in RETURN_COLUMNS.items()})


def apply_returns(work: UnitOfWork, frame: pd.DataFrame) -> ReturnResult:
    """Mark a returned file's lines paid or failed, re-queue the failures; on any bad row write nothing."""
    result = ReturnResult()
    conn = work.conn
    known = {r.id: r for r in conn.execute(text("""
        SELECT y.id, y.amount, y.status, y.roll_id FROM policy_payment y
        WHERE y.id = ANY(:ids) AND y.roll_id IS NOT NULL"""),
        {"ids": [int(x) for x in frame.line if str(x).strip().isdigit()]})}
    seen: set[int] = set()
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        line = int(row.line) if str(row.line).strip().isdigit() else None
        found = known.get(line)
        try:
            amount = Decimal(str(row.amount).replace(",", "").strip())
        except InvalidOperation:
            amount = None
        if found is None:
            result.errors.append(t("policies.returns.unknown_line", row=i, line=row.line))
        elif line in seen:
            result.errors.append(t("policies.returns.duplicate", row=i, line=line))
        elif found.status != "queued":
            result.errors.append(t("policies.returns.done", row=i, line=line))
        elif amount is None or amount != found.amount:
            result.errors.append(t("policies.returns.amount", row=i, line=line, amount=row.amount))
        elif row.result.strip() not in (SUCCESS, FAILURE):
            result.errors.append(t("policies.returns.result", row=i, value=row.result))
        elif row.result.strip() == FAILURE and not row.reason.strip():
            result.errors.append(t("policies.returns.reason", row=i))
        if line is not None:
            seen.add(line)
    if result.errors:
        return result
    paid = [int(r.line) for r in frame.itertuples(index=False) if r.result.strip() == SUCCESS]
    failed = [{"id": int(r.line), "reason": r.reason.strip()[:200]} for r in frame.itertuples(index=False)
              if r.result.strip() == FAILURE]
    if paid:
        result.paid = conn.execute(text("""UPDATE policy_payment SET status = 'paid', paid_at = now()
                                           WHERE id = ANY(:ids) AND status = 'queued'"""), {"ids": paid}).rowcount
    for f in failed:
        conn.execute(text("UPDATE policy_payment SET status = 'failed', failure_reason = :r WHERE id = :i"
                          " AND status = 'queued'"), {"r": f["reason"], "i": f["id"]})
    if failed:
        conn.execute(text("""
            INSERT INTO policy_payment (policy_id, period, target, id_number, credit_code, community_code, amount,
                                        requeued_from)
            SELECT policy_id, period, target, id_number, credit_code, community_code, amount, id
            FROM policy_payment WHERE id = ANY(:ids)"""), {"ids": [f["id"] for f in failed]})
    conn.execute(text("UPDATE policy_roll SET returned_at = now() WHERE id IN (SELECT roll_id FROM policy_payment"
                      " WHERE id = ANY(:ids))"), {"ids": paid + [f["id"] for f in failed]})
    result.failed = failed
    work.audit("policy_payments_returned", None, {"paid": result.paid, "failed": len(failed)})
    return result


def failed_lines(conn: Connection, scope: str, limit: int = 200) -> list[dict]:
    """Failed lines of the area with their reason and the line that re-queued them."""
    rows = conn.execute(text("""
        SELECT y.id, p.name AS policy, y.period, coalesce(pe.name, e.name) AS name, y.amount, y.failure_reason,
               (SELECT z.id FROM policy_payment z WHERE z.requeued_from = y.id) AS requeued_as
        FROM policy_payment y JOIN policy p ON p.id = y.policy_id
        LEFT JOIN person pe ON pe.id_number = y.id_number LEFT JOIN enterprise e ON e.credit_code = y.credit_code
        WHERE y.status = 'failed' AND y.community_code LIKE :scope || '%'
        ORDER BY y.id DESC LIMIT :limit"""), {"scope": scope, "limit": limit}).mappings()
    return [dict(r) for r in rows]


def held_lines(conn: Connection, scope: str, limit: int = 200) -> list[dict]:
    """Unpaid lines of persons of the area the register knows to have died: held off new rolls (roll None), or on
    a roll already sent to the bank (the bank should be told to stop them). Paid lines stay as they were."""
    rows = conn.execute(text("""
        SELECT y.id, p.name AS policy, y.period, pe.name, y.amount, a.deceased_on, y.roll_id
        FROM policy_payment y JOIN policy p ON p.id = y.policy_id
        JOIN person_attribute a ON a.id_number = y.id_number AND a.deceased_on IS NOT NULL
        JOIN person pe ON pe.id_number = y.id_number
        WHERE y.status = 'queued' AND y.community_code LIKE :scope || '%'
        ORDER BY y.id DESC LIMIT :limit"""), {"scope": scope, "limit": limit}).mappings()
    return [dict(r) for r in rows]
