"""The payment_returns kind of file: the bank's answer to a payment roll (流水号, 金额, 结果, 失败原因), loaded
from the import tab like every kind (checks, all or nothing, the import history) by the writer role under the
operator's session; the database lets only a district session with data.import mark lines. Successes are paid
(the pool's spent moves in the database), failures keep their reason and are re-queued for the next roll.
The payments tab's upload (data_access.policies.payments.apply_returns) does the same for district officials.
Importing this module registers the kind."""

from __future__ import annotations

from functools import partial

from sqlalchemy import Connection, text

from data_access.importing import cells, registry
from data_access.importing.base import Checked, Field, Kind, Note
from data_access.importing.kinds.common import TABLE_OPTIONS
from data_access.importing.staging import found


def _line(value: str) -> Checked:
    cleaned = cells.normalise(value)
    if not cleaned:
        return None, "required"
    return (int(cleaned), None) if cleaned.isdigit() and len(cleaned) <= 15 else (None, "payment_line")


def _amount(value: str) -> Checked:
    parsed, reason = cells.number(value.replace(",", ""), 0.01, 1e10, "payment_amount")
    return (round(parsed, 2), None) if parsed is not None else (None, reason or "required")


LINE = Field("line", ("流水号", "明细流水号", "line"), _line, example="10001")
AMOUNT = Field("amount", ("金额", "发放金额", "amount"), _amount, example="300.00")
RESULT = Field("result", ("结果", "处理结果", "result"),
               cells.choice({"成功": "paid", "已成功": "paid", "失败": "failed", "不成功": "failed"},
                            "payment_result"), example="成功")
REASON = Field("reason", ("失败原因", "原因", "reason"), partial(cells.text, required=False), required=False,
               example="户名不符")


def verify(conn: Connection, _prefix: str, _whole_district: bool) -> list[tuple]:
    """Lines no roll holds (or not visible to this session), already answered, another amount; a failure
    without its reason."""
    return sorted(found(conn, """
        SELECT s.row_no, :line, s.line::text, 'payment_unknown_line' FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.id = s.line AND y.roll_id IS NOT NULL)
        UNION ALL
        SELECT s.row_no, :line, s.line::text, 'payment_answered' FROM stage s JOIN policy_payment y ON y.id = s.line
        WHERE y.roll_id IS NOT NULL AND y.status <> 'queued'
        UNION ALL
        SELECT s.row_no, :amount, s.amount::text, 'payment_amount_mismatch' FROM stage s
        JOIN policy_payment y ON y.id = s.line WHERE y.amount <> s.amount
        UNION ALL
        SELECT s.row_no, :reason, '', 'payment_reason_missing' FROM stage s
        WHERE s.result = 'failed' AND coalesce(s.reason, '') = ''""",
        line=LINE.header, amount=AMOUNT.header, reason=REASON.header))


def merge(conn: Connection, _source: str) -> tuple[int, list[Note]]:
    paid = conn.execute(text("""UPDATE policy_payment y SET status = 'paid', paid_at = now() FROM stage s
                                WHERE s.line = y.id AND s.result = 'paid' AND y.status = 'queued'""")).rowcount
    failed = conn.execute(text("""UPDATE policy_payment y SET status = 'failed', failure_reason = left(s.reason, 200)
                                  FROM stage s WHERE s.line = y.id AND s.result = 'failed' AND y.status = 'queued'""")
                          ).rowcount
    conn.execute(text("""
        INSERT INTO policy_payment (policy_id, period, target, id_number, credit_code, community_code, amount,
                                    requeued_from)
        SELECT y.policy_id, y.period, y.target, y.id_number, y.credit_code, y.community_code, y.amount, y.id
        FROM policy_payment y JOIN stage s ON s.line = y.id WHERE s.result = 'failed'"""))
    conn.execute(text("UPDATE policy_roll r SET returned_at = now() WHERE r.id IN"
                      " (SELECT y.roll_id FROM policy_payment y JOIN stage s ON s.line = y.id)"))
    return paid + failed, [("policies.returns.note", {"paid": paid, "failed": failed})]


KIND = registry.register(Kind(
    "payment_returns",
    fields=(LINE, AMOUNT, RESULT, REASON),
    key=("line",),
    stage_columns="line bigint, amount numeric(12, 2), result text, reason text",
    copied=("line", "amount", "result", "reason"),
    verify=verify, merge=merge, options=TABLE_OPTIONS,
))
