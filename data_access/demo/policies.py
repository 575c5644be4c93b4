"""Demo policies (民生直达 and 亲清在线), consistent with the register already loaded: the seed's 17 livelihood
policies paid to over 130,000 people (over 70 million yuan) and 10 enterprise policies paid to 232 enterprises
(about 42.5 million yuan) at scale 1.

- attributes: a deterministic share of the register (by a hash of the ID number or credit code) gets what the
  rules read: low income (per head, household size), disability and grade, veteran, retired from an enterprise,
  registered unemployed, a bank account (a few missing: the bank returns those); enterprises get certifications,
  talents recruited, last year's revenue and their insured staff;
- livelihood payments: about nine in ten of each policy's eligible people paid directly (直达) in rolls of the
  last three months (monthly policies) or of one festival month; the rest are the 直达 list still to reach;
- applications in every state (submitted, accepted, asked for more, approved, rejected, paid) with their
  timeline nodes (some overdue), for the application-only policies and all enterprise policies (public page),
  dispatched by the rules kept as data; a few applicants the data says are not eligible (income too high);
- ratings of decided enterprise applications and hotline calls; each pool's budget above what it paid.
All set-based SQL. Loaded by load_demo, and into an existing demo whose policy tables are empty.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Connection, text

from data_access.policies.rules import AREA, FROM, Compiled
from domain import clock

DEPARTMENTS = [("civil", "区民政局"), ("hr", "区人力社保局"), ("veterans", "区退役军人事务局"),
               ("disabled", "区残联"), ("science", "区科技局"), ("talent", "区委人才办"),
               ("economy", "区经信局"), ("commerce", "区商务局"), ("finance", "区财政局")]
GROUPS = [("social_assistance", "社会救助（低保与低边只享其一）"), ("employment_support", "就业援助（同期只享其一）")]


def _rule(*parts: dict) -> dict:
    return {"all": list(parts)} if len(parts) > 1 else parts[0]


def _c(attr: str, op: str, value) -> dict:
    return {"attr": attr, "op": op, "value": value}


LOW, MARGIN = 1150, 1725  # yuan a month per head: the minimum living standard and its margin (x1.5)
PERM = _c("residence_type", "=", "permanent")
# code, name, department, amount kind, amount, rule, group, months paid (0: by application only), materials
PERSON_POLICIES = [
    ("dibao", "最低生活保障金（低保）", "civil", "per_head", 500, _rule(_c("income_per_head", "<", LOW), PERM),
     "social_assistance", 3, ["身份证", "户口簿", "家庭收入证明"]),
    ("dibian", "低保边缘家庭生活补助（低边）", "civil", "per_head", 250,
     _rule(_c("income_per_head", "between", [LOW, MARGIN - 0.01]), PERM), "social_assistance", 3,
     ["身份证", "户口簿", "家庭收入证明"]),
    ("retiree_festival", "企退人员节日慰问金", "hr", "fixed", 300, _c("retired_enterprise", "is", True), None, 1,
     ["身份证"]),
    ("disabled_living", "困难残疾人生活补贴", "disabled", "fixed", 330,
     _rule(_c("disabled", "is", True), _c("income_per_head", "<", MARGIN)), None, 3, ["身份证", "残疾证"]),
    ("disabled_care", "重度残疾人护理补贴", "disabled", "fixed", 150,
     _rule(_c("disabled", "is", True), _c("disability_grade", "<=", 2)), None, 3, ["身份证", "残疾证"]),
    ("veteran_festival", "退役军人节日慰问金", "veterans", "fixed", 300, _c("veteran", "is", True), None, 1,
     ["身份证", "退役证"]),
    ("veteran_hardship", "困难退役军人帮扶援助金", "veterans", "fixed", 2000,
     _rule(_c("veteran", "is", True), _c("income_per_head", "<", MARGIN)), None, 1, ["身份证", "退役证"]),
    ("elderly_80", "高龄津贴", "civil", "fixed", 100, _c("age", ">=", 80), None, 1, ["身份证"]),
    ("centenarian", "百岁老人长寿保健金", "civil", "fixed", 1000, _c("age", ">=", 100), None, 3, ["身份证"]),
    ("home_care", "困难老人居家养老服务补贴", "civil", "fixed", 400,
     _rule(_c("age", ">=", 60), _c("income_per_head", "<", MARGIN)), None, 3, ["身份证"]),
    ("child_hardship", "困境儿童基本生活费", "civil", "fixed", 1500,
     _rule(_c("age", "<", 18), _c("income_per_head", "<", MARGIN)), None, 3, ["身份证", "户口簿"]),
    ("temp_relief", "临时救助金", "civil", "fixed", 2000, _c("income_per_head", "<", MARGIN), None, 0,
     ["身份证", "困难情况说明"]),
    ("spring_festival", "困难群众春节慰问金", "civil", "fixed", 800, _c("income_per_head", "<", MARGIN), None, 1,
     ["身份证"]),
    ("unemployment", "失业人员生活补助", "hr", "fixed", 250,
     _rule(_c("unemployed", "is", True), _c("age", "between", [16, 59])), "employment_support", 2,
     ["身份证", "失业证"]),
    ("flexible_ss", "就业困难人员灵活就业社保补贴", "hr", "fixed", 900,
     _rule(_c("unemployed", "is", True), _c("age", "between", [40, 59])), "employment_support", 0,
     ["身份证", "灵活就业登记"]),
    ("pension_subsidy", "城乡居民养老保险缴费补助", "hr", "fixed", 200,
     _rule(_c("income_per_head", "<", MARGIN), _c("age", "between", [16, 59])), None, 1, ["身份证"]),
    ("disabled_employ", "残疾人就业创业补助", "disabled", "fixed", 2000,
     _rule(_c("disabled", "is", True), _c("age", "between", [16, 59])), None, 0, ["身份证", "残疾证", "创业证明"]),
]
# code, name, department, amount kind, amount or bands, basis, rule, share of the eligible who apply
ENTERPRISE_POLICIES = [
    ("talent_incentive", "引才育才激励", "hr", "band", [{"from": 1, "amount": 50000}, {"from": 3, "amount": 160000},
                                                      {"from": 8, "amount": 400000}], "talents",
     _c("talents", ">=", 1), 0.7),
    ("high_tech_award", "国高企奖励", "science", "fixed", 270000, None, _c("certifications", "has", "high_tech"), 0.75),
    ("canal_vip", "运河英才VIP卡服务补贴", "talent", "fixed", 20000, None, _c("talents", ">=", 3), 0.7),
    ("specialised_award", "专精特新企业奖励", "economy", "fixed", 450000, None,
     _c("certifications", "has", "specialised"), 0.7),
    ("tech_sme", "科技型中小企业研发补助", "science", "band", [{"from": 0, "amount": 50000},
                                                             {"from": 2000, "amount": 100000},
                                                             {"from": 10000, "amount": 200000}], "revenue",
     _c("certifications", "has", "tech_sme"), 0.6),
    ("stable_jobs", "稳岗返还", "hr", "band", [{"from": 10, "amount": 20000}, {"from": 50, "amount": 60000},
                                            {"from": 200, "amount": 150000}], "staff",
     _rule(_c("staff", ">=", 10), _c("certifications", "has", "stable")), 0.6),
    ("above_scale", "商贸企业上规奖励", "commerce", "fixed", 100000, None,
     _rule(_c("certifications", "has", "above_scale"),
           _c("industry", "in", ["批发和零售业", "住宿和餐饮业"])), 0.9),
    ("digital", "数字化改造补助", "economy", "fixed", 180000, None, _c("certifications", "has", "digital"), 0.7),
    ("rent_relief", "中小微企业房租补助", "commerce", "band", [{"from": 0, "amount": 10000},
                                                           {"from": 20, "amount": 30000}], "staff",
     _rule(_c("staff", "<=", 100), _c("certifications", "has", "rent")), 0.6),
    ("training", "以工代训补贴", "hr", "band", [{"from": 10, "amount": 8000}, {"from": 50, "amount": 30000}], "staff",
     _rule(_c("staff", ">=", 10), _c("certifications", "has", "training")), 0.5),
]
# Dispatch kept as data: (priority, policy code or None, field, value, department).
DISPATCH = [(10, "talent_incentive", "talent_level", "A", "talent"),
            (11, "talent_incentive", "talent_level", "B", "talent"),
            (20, "tech_sme", "industry", "科学研究和技术服务业", "science"),
            (21, "tech_sme", "industry", "信息传输、软件和信息技术服务业", "economy"),
            (30, "digital", "industry", "制造业", "economy"), (31, "digital", None, None, "commerce")]
COMMENTS = ["办理很快，点赞", "材料一次讲清楚了", "希望进度能短信提醒", "资金到账及时", "流程清楚",
            "补正材料来回两次，希望一次告知", "热线解答耐心"]


def u(key: str, salt: str) -> str:
    """A uniform number in [0, 1) from a key and a salt: the demo's choices are the same every load."""
    return f"(('x' || lpad(substr(md5({key} || '{salt}'), 1, 8), 16, '0'))::bit(64)::bigint / 4294967296.0)"


def months_before(today: date, n: int) -> str:
    y, m = today.year, today.month - n
    while m < 1:
        y, m = y - 1, m + 12
    return f"{y:04d}-{m:02d}"


def load_demo_policies(conn: Connection, scale: float, seed: int) -> dict[str, int]:
    """The demo's policies, attributes, payments, applications, ratings and calls; nothing if any policy exists."""
    if conn.execute(text("SELECT EXISTS (SELECT 1 FROM policy)")).scalar():
        return {}
    today = clock.today()
    _catalogue(conn, today)
    _attributes(conn, seed)
    conn.execute(text("ALTER TABLE policy_application DISABLE TRIGGER USER;"
                      " ALTER TABLE policy_payment DISABLE TRIGGER USER;"
                      " ALTER TABLE policy_rating DISABLE TRIGGER USER"))
    policies = [dict(r) for r in conn.execute(text("SELECT id, code, target, rule FROM policy ORDER BY id")).mappings()]
    months = {p[0]: p[7] for p in PERSON_POLICIES}
    for p in policies:
        if p["target"] == "person" and months[p["code"]]:
            _pay_directly(conn, p, [months_before(today, k) for k in range(months[p["code"]], 0, -1)], seed)
    shares = {p[0]: p[7] for p in ENTERPRISE_POLICIES}
    for p in policies:
        share = shares.get(p["code"], 0.06 if months.get(p["code"]) else 0.15)
        _applications(conn, p, share, seed, months_before(today, 0))
    _ineligible_applicants(conn, seed)
    _nodes(conn)
    _application_payments(conn, today)
    _feedback(conn, seed)
    conn.execute(text("ALTER TABLE policy_application ENABLE TRIGGER USER;"
                      " ALTER TABLE policy_payment ENABLE TRIGGER USER;"
                      " ALTER TABLE policy_rating ENABLE TRIGGER USER"))
    conn.execute(text("""
        UPDATE policy_fund_pool f SET spent = coalesce(s.paid, 0),
               budget = ceil((coalesce(s.paid, 0) * 1.25 + coalesce(s.queued, 0)) / 100000.0) * 100000 + 100000
        FROM policy p LEFT JOIN (SELECT policy_id, sum(amount) FILTER (WHERE status = 'paid') AS paid,
                                        sum(amount) FILTER (WHERE status = 'queued') AS queued
                                 FROM policy_payment GROUP BY policy_id) s ON s.policy_id = p.id
        WHERE f.id = p.fund_pool_id"""))
    counts = conn.execute(text("""SELECT (SELECT count(*) FROM policy), (SELECT count(*) FROM policy_application),
        (SELECT count(*) FROM policy_payment), (SELECT count(*) FROM policy_rating)""")).one()
    return dict(zip(("policy", "policy_application", "policy_payment", "policy_rating"), counts, strict=True))


def _catalogue(conn: Connection, today: date) -> None:
    conn.execute(text("INSERT INTO policy_department (code, name) VALUES (:c, :n)"),
                 [{"c": c, "n": n} for c, n in DEPARTMENTS])
    conn.execute(text("INSERT INTO policy_exclusive_group (code, name) VALUES (:c, :n)"),
                 [{"c": c, "n": n} for c, n in GROUPS])
    opens = date(today.year, 1, 1)
    rows = [dict(code=c, name=n, target="person", dept=d, kind=k, amount=a, bands=None, basis=None,
                 rule=json.dumps(r, ensure_ascii=False), group=g, materials=m)
            for c, n, d, k, a, r, g, _, m in PERSON_POLICIES]
    rows += [dict(code=c, name=n, target="enterprise", dept=d, kind=k, amount=None if k == "band" else a,
                  bands=json.dumps(a) if k == "band" else None, basis=b, rule=json.dumps(r, ensure_ascii=False),
                  group=None, materials=["营业执照", "申报表"])
             for c, n, d, k, a, b, r, _ in ENTERPRISE_POLICIES]
    for row in rows:
        pool = conn.execute(text("INSERT INTO policy_fund_pool (name, budget) VALUES (:n, 0) RETURNING id"),
                            {"n": row["name"] + "资金池"}).scalar_one()
        conn.execute(text("""
            INSERT INTO policy (code, name, target, department_code, amount_kind, amount, bands, amount_basis,
                                fund_pool_id, opens, materials, rule, exclusive_group, created_by)
            VALUES (:code, :name, :target, :dept, :kind, :amount, CAST(:bands AS jsonb), :basis, :pool, :opens,
                    :materials, CAST(:rule AS jsonb), :group, 'demo')"""), {**row, "pool": pool, "opens": opens})
    for priority, code, field, value, dept in DISPATCH:
        conn.execute(text("""INSERT INTO policy_dispatch_rule (priority, policy_id, field, value, department_code)
                             SELECT :p, id, :f, :v, :d FROM policy WHERE code = :c"""),
                     {"p": priority, "c": code, "f": field, "v": value, "d": dept})


def _attributes(conn: Connection, seed: int) -> None:
    s = str(seed)
    age = "(extract(year FROM current_date) - substr(p.id_number, 7, 4)::int)"
    conn.execute(text(f"""
        WITH x AS (
          SELECT p.id_number, p.community_code, p.residence_type, {age} AS age,
                 {u('p.id_number', s + 'inc')} AS ri, {u('p.id_number', s + 'dis')} AS rd,
                 {u('p.id_number', s + 'vet')} AS rv, {u('p.id_number', s + 'ret')} AS rr,
                 {u('p.id_number', s + 'une')} AS ru, {u('p.id_number', s + 'hh')} AS rh
          FROM person p WHERE p.community_code IS NOT NULL),
        a AS (
          SELECT x.*,
                 CASE WHEN residence_type = 'permanent' AND ri < 0.004
                        THEN 300 + round((ri / 0.004 * 840)::numeric, 0)
                      WHEN residence_type = 'permanent' AND ri < 0.010
                        THEN 1150 + round(((ri - 0.004) / 0.006 * 570)::numeric, 0)
                      WHEN ri >= 0.010 AND ri < 0.013
                        THEN 1730 + round(((ri - 0.010) / 0.003 * 600)::numeric, 0) END AS income,
                 rd < 0.025 AS disabled, age >= 60 AND rr < 0.65 AS retired, rv < 0.02 AND age >= 20 AS veteran,
                 ru < 0.03 AND age BETWEEN 18 AND 59 AS unemployed
          FROM x)
        INSERT INTO person_attribute (id_number, community_code, household_id, household_size, income_per_head,
                                      disabled, disability_grade, veteran, retired_enterprise, unemployed, bank_account)
        SELECT id_number, community_code, 'H' || substr(md5(id_number), 1, 10),
               CASE WHEN income IS NOT NULL THEN 1 + floor(rh * 4)::int END, income, disabled,
               CASE WHEN disabled THEN 1 + floor(rd / 0.025 * 4)::int END, veteran, retired, unemployed,
               CASE WHEN rh < 0.985
                    THEN '6228' || lpad((abs(hashtext(id_number)) % 1000000000000000)::text, 15, '0') END
        FROM a WHERE income IS NOT NULL OR disabled OR retired OR veteran OR unemployed"""))
    conn.execute(text(f"""
        WITH x AS (
          SELECT e.credit_code, e.community_code, e.industry, {u('e.credit_code', s + 'ent')} AS r,
                 {u('e.credit_code', s + 'tal')} AS rt, {u('e.credit_code', s + 'rev')} AS rv,
                 (SELECT count(*) FROM employment m WHERE m.credit_code = e.credit_code) AS staff
          FROM enterprise e WHERE e.community_code IS NOT NULL)
        INSERT INTO enterprise_attribute (credit_code, community_code, staff, talents, revenue, certifications,
                                          bank_account)
        SELECT credit_code, community_code, staff,
               CASE WHEN rt < 0.0036 THEN 1 + floor(rt / 0.0036 * 12)::int ELSE 0 END,
               round((200 + rv * rv * 30000)::numeric, 2),
               array_remove(ARRAY[
                 CASE WHEN r < 0.0032 THEN 'high_tech' END,
                 CASE WHEN r BETWEEN 0.0032 AND 0.0048 THEN 'specialised' END,
                 CASE WHEN r BETWEEN 0.0020 AND 0.0080 THEN 'tech_sme' END,
                 CASE WHEN r BETWEEN 0.0080 AND 0.0094 THEN 'digital' END,
                 CASE WHEN r BETWEEN 0.0094 AND 0.0120 AND industry IN ('批发和零售业', '住宿和餐饮业')
                      THEN 'above_scale' END,
                 CASE WHEN rv < 0.0030 THEN 'stable' END,
                 CASE WHEN rv BETWEEN 0.0030 AND 0.0060 THEN 'rent' END,
                 CASE WHEN rv BETWEEN 0.0060 AND 0.0080 THEN 'training' END], NULL),
               '3301' || lpad((abs(hashtext(credit_code)) % 1000000000000000)::text, 15, '0')
        FROM x WHERE r < 0.0120 OR rt < 0.0036 OR rv < 0.0080"""))


def _pay_directly(conn: Connection, policy: dict, periods: list[str], seed: int) -> None:
    """Nine in ten of the eligible paid in a roll per period (直达); accounts missing: failed, re-queued."""
    target = policy["target"]
    rule = Compiled(policy["rule"], target)
    no_account = "(a.id_number IS NOT NULL AND a.bank_account IS NULL)"  # the bank's refusals
    for period in periods:
        roll = conn.execute(text("""INSERT INTO policy_roll (policy_id, period, created_by, created_at, returned_at)
            VALUES (:p, :period, 'demo', CAST(:period || '-05' AS date), CAST(:period || '-12' AS date))
            RETURNING id"""), {"p": policy["id"], "period": period}).scalar_one()
        conn.execute(text(f"""
            INSERT INTO policy_payment (policy_id, period, target, id_number, community_code, exclusive_group, amount,
                                        roll_id, status, failure_reason, paid_at, created_at)
            SELECT :pid, :period, 'person', p.id_number, {AREA[target]}, pol.exclusive_group,
                   policy_amount(:pid, p.id_number, NULL), :roll,
                   CASE WHEN {no_account} THEN 'failed' ELSE 'paid' END,
                   CASE WHEN {no_account} THEN '账号不存在' END,
                   CASE WHEN NOT {no_account} THEN CAST(:period || '-12' AS date) + interval '10 hours' END,
                   CAST(:period || '-05' AS date)
            FROM {FROM[target]} CROSS JOIN policy pol
            WHERE pol.id = :pid AND {AREA[target]} IS NOT NULL AND coalesce({rule.sql}, false)
              AND {u('p.id_number', str(seed) + policy['code'])} < 0.9"""),
            {**rule.params, "pid": policy["id"], "period": period, "roll": roll})
    # the last month's failures re-queued for the next roll
    conn.execute(text("""
        INSERT INTO policy_payment (policy_id, period, target, id_number, community_code, exclusive_group, amount,
                                    requeued_from)
        SELECT policy_id, period, target, id_number, community_code, exclusive_group, amount, id
        FROM policy_payment WHERE policy_id = :pid AND period = :period AND status = 'failed'"""),
        {"pid": policy["id"], "period": periods[-1]})


def _applications(conn: Connection, policy: dict, share: float, seed: int, this_month: str) -> None:
    """Applications of a share of the eligible not paid directly, in every state."""
    target = policy["target"]
    rule = Compiled(policy["rule"], target)
    key = "p.id_number" if target == "person" else "e.credit_code"
    s = str(seed) + policy["code"]
    pick = f"{u(key, s + 'apply')}"
    r = f"{u(key, s + 'state')}"
    state = (f"CASE WHEN {r} < 0.62 THEN 'paid' WHEN {r} < 0.70 THEN 'approved' WHEN {r} < 0.77 THEN 'accepted'"
             f" WHEN {r} < 0.84 THEN 'submitted' WHEN {r} < 0.90 THEN 'more_info' ELSE 'rejected' END")
    fields = ("jsonb_build_object('talent_level', substr('ABCDE', 1 + floor(" + u(key, s + "lvl") + " * 5)::int, 1))"
              if policy["code"] in ("talent_incentive", "canal_vip") else "'{}'::jsonb")
    industry = "e.industry" if target == "enterprise" else "NULL"
    contact = ("substr('王李张刘陈杨赵黄周吴', 1 + floor(" + u(key, s + "cn") + " * 10)::int, 1) || '经理'"
               if target == "enterprise" else "NULL")
    phone = ("'139' || lpad((abs(hashtext(" + key + ")) % 100000000)::text, 8, '0')"
             if target == "enterprise" else "NULL")
    conn.execute(text(f"""
        WITH chosen AS (
          SELECT {key} AS key, {AREA[target]} AS community_code, {state} AS state, {fields} AS fields,
                 {industry} AS industry, {contact} AS contact, {phone} AS phone, {u(key, s + 'days')} AS rd
          FROM {FROM[target]}
          WHERE {AREA[target]} IS NOT NULL AND coalesce({rule.sql}, false) AND {pick} < :share
            AND NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.policy_id = :pid AND y.beneficiary = {key})
            -- nobody applies to two policies of one exclusive group, nor to one whose group-mate paid them
            AND NOT EXISTS (SELECT 1 FROM policy_payment y JOIN policy q ON q.exclusive_group = y.exclusive_group
                            WHERE q.id = :pid AND y.beneficiary = {key})
            AND NOT EXISTS (SELECT 1 FROM policy_application x JOIN policy q ON q.id = x.policy_id
                            JOIN policy me ON me.id = :pid AND me.exclusive_group = q.exclusive_group
                            WHERE coalesce(x.id_number, x.credit_code) = {key}))
        INSERT INTO policy_application (ref, policy_id, target, id_number, credit_code, community_code, department_code,
                                        channel, contact_name, contact_phone, fields, state, reason, period, filed_by,
                                        filed_at)
        SELECT upper(substr(md5(c.key || :pid || 'ref'), 1, 12)), :pid, :target,
               CASE WHEN :target = 'person' THEN c.key END, CASE WHEN :target = 'enterprise' THEN c.key END,
               c.community_code,
               coalesce((SELECT r.department_code FROM policy_dispatch_rule r
                         WHERE (r.policy_id IS NULL OR r.policy_id = :pid)
                           AND (r.field IS NULL
                                OR (c.fields || jsonb_build_object('industry', c.industry))->>r.field = r.value)
                         ORDER BY r.priority, r.id LIMIT 1), pol.department_code),
               CASE WHEN :target = 'person' THEN 'community' ELSE 'public' END, c.contact, c.phone, c.fields, c.state,
               CASE c.state WHEN 'more_info' THEN '请补充近三个月收入证明（或缴费凭证）'
                            WHEN 'rejected' THEN '经核查不符合申报条件' END,
               CASE WHEN c.state IN ('paid', 'rejected')
                    THEN to_char(now() - (20 + c.rd * 180) * interval '1 day', 'YYYY-MM')
                    ELSE :this_month END,
               CASE WHEN :target = 'person' THEN 'community:' || c.community_code ELSE 'public:' || c.key END,
               now() - CASE c.state WHEN 'submitted' THEN c.rd * 5 WHEN 'accepted' THEN 2 + c.rd * 6
                                    WHEN 'more_info' THEN 3 + c.rd * 10 WHEN 'approved' THEN 8 + c.rd * 12
                                    ELSE 30 + c.rd * 200 END * interval '1 day'
        FROM chosen c CROSS JOIN policy pol WHERE pol.id = :pid"""),
        {**rule.params, "pid": policy["id"], "target": target, "share": share, "this_month": this_month})


def _ineligible_applicants(conn: Connection, seed: int) -> None:
    """People just above the margin who applied for 低边 anyway: the data says they are not eligible."""
    conn.execute(text(f"""
        INSERT INTO policy_application (ref, policy_id, target, id_number, community_code, department_code, channel,
                                        state, reason, period, filed_by, filed_at)
        SELECT upper(substr(md5(a.id_number || 'inel'), 1, 12)), p.id, 'person', a.id_number, a.community_code,
               'civil', 'community',
               CASE WHEN r < 0.5 THEN 'submitted' WHEN r < 0.8 THEN 'accepted' ELSE 'rejected' END,
               CASE WHEN r >= 0.8 THEN '家庭人均收入超过低边标准' END, to_char(now(), 'YYYY-MM'),
               'community:' || a.community_code, now() - (1 + r * 9) * interval '1 day'
        FROM (SELECT a.*, {u('a.id_number', str(seed) + 'inel')} AS r FROM person_attribute a
              WHERE a.income_per_head >= 1725) a CROSS JOIN policy p
        WHERE p.code = 'dibian' AND r < 0.3"""))


def _nodes(conn: Connection) -> None:
    """Each application's path to its state, with times; the open node of a late one is overdue."""
    conn.execute(text("""
        WITH a AS (
          SELECT a.*, extract(epoch FROM (now() - a.filed_at)) / 3600 AS age_h FROM policy_application a),
        path AS (
          SELECT a.id, a.community_code, a.department_code, s.step, s.n, a.filed_at, a.age_h, a.filed_by, a.reason,
                 a.state
          FROM a CROSS JOIN LATERAL unnest(CASE a.state
              WHEN 'submitted' THEN ARRAY['submitted', 'dispatched']
              WHEN 'accepted' THEN ARRAY['submitted', 'dispatched', 'accepted']
              WHEN 'more_info' THEN ARRAY['submitted', 'dispatched', 'accepted', 'more_info']
              WHEN 'approved' THEN ARRAY['submitted', 'dispatched', 'accepted', 'approved']
              WHEN 'rejected' THEN ARRAY['submitted', 'dispatched', 'accepted', 'rejected']
              ELSE ARRAY['submitted', 'dispatched', 'accepted', 'approved', 'paid'] END) WITH ORDINALITY s(step, n))
        INSERT INTO policy_application_node (application_id, community_code, department_code, step, actor, at, note,
                                             due_at)
        SELECT p.id, p.community_code, p.department_code, p.step,
               CASE p.step WHEN 'submitted' THEN p.filed_by WHEN 'dispatched' THEN 'system' WHEN 'paid' THEN 'demo'
                           ELSE 'official' END,
               p.filed_at + CASE p.step WHEN 'submitted' THEN interval '0'
                   WHEN 'dispatched' THEN interval '1 minute'
                   WHEN 'accepted' THEN least(p.age_h * 0.2, 60) * interval '1 hour'
                   WHEN 'paid' THEN least(p.age_h * 0.9, 24 * 25) * interval '1 hour'
                   ELSE least(p.age_h * 0.5, 24 * 8) * interval '1 hour' END,
               CASE WHEN p.step = 'dispatched' THEN d.name WHEN p.step IN ('more_info', 'rejected') THEN p.reason END,
               p.filed_at + CASE p.step WHEN 'dispatched' THEN interval '48 hours'
                   WHEN 'accepted' THEN interval '168 hours'
                   WHEN 'more_info' THEN interval '408 hours' WHEN 'approved' THEN interval '888 hours' END
        FROM path p JOIN policy_department d ON d.code = p.department_code"""))


def _application_payments(conn: Connection, today: date) -> None:
    """Paid applications paid in a roll of their period; approved ones queued for this month's roll."""
    conn.execute(text("""
        INSERT INTO policy_roll (policy_id, period, created_by, created_at, returned_at)
        SELECT DISTINCT policy_id, period, 'demo', now(), now() FROM policy_application WHERE state = 'paid'"""))
    conn.execute(text("""
        INSERT INTO policy_payment (policy_id, period, target, id_number, credit_code, community_code, application_id,
                                    exclusive_group, amount, roll_id, status, paid_at, created_at)
        SELECT a.policy_id, a.period, a.target, a.id_number, a.credit_code, a.community_code, a.id, p.exclusive_group,
               policy_amount(a.policy_id, a.id_number, a.credit_code),
               CASE WHEN a.state = 'paid' THEN (SELECT max(r.id) FROM policy_roll r
                                                WHERE r.policy_id = a.policy_id AND r.period = a.period) END,
               CASE WHEN a.state = 'paid' THEN 'paid' ELSE 'queued' END,
               CASE WHEN a.state = 'paid' THEN n.at END, a.filed_at
        FROM policy_application a JOIN policy p ON p.id = a.policy_id
        LEFT JOIN policy_application_node n ON n.application_id = a.id AND n.step = 'paid'
        WHERE a.state IN ('approved', 'paid')
          AND NOT EXISTS (SELECT 1 FROM policy_payment y WHERE y.exclusive_group = p.exclusive_group
                          AND y.beneficiary = coalesce(a.id_number, a.credit_code) AND y.period = a.period
                          AND y.status <> 'failed')"""))


def _feedback(conn: Connection, seed: int) -> None:
    s = str(seed)
    conn.execute(text(f"""
        INSERT INTO policy_rating (application_ref, credit_code, application_id, policy_id, community_code,
                                   department_code, score, comment, rated_at)
        SELECT a.ref, a.credit_code, a.id, a.policy_id, a.community_code, a.department_code,
               CASE WHEN r < 0.60 THEN 5 WHEN r < 0.85 THEN 4 WHEN r < 0.93 THEN 3 WHEN r < 0.97 THEN 2 ELSE 1 END,
               (:comments)[1 + floor({u('a.ref', s + 'cm')} * :n)::int], a.filed_at + interval '30 days'
        FROM (SELECT a.*, {u('a.ref', s + 'rate')} AS r FROM policy_application a
              WHERE a.target = 'enterprise' AND a.state IN ('approved', 'rejected', 'paid')) a
        WHERE {u('a.ref', s + 'rated')} < 0.75"""), {"comments": COMMENTS, "n": len(COMMENTS)})
    conn.execute(text(f"""
        INSERT INTO policy_hotline (application_id, community_code, caller_phone, kind, summary, recorded_by, at)
        SELECT a.id, a.community_code, coalesce(a.contact_phone, '13800000000'),
               (ARRAY['question', 'question', 'complaint', 'praise'])[1 + floor({u('a.ref', s + 'hk')} * 4)::int],
               (ARRAY['咨询办理进度', '咨询所需材料', '反映到账时间较长', '感谢工作人员'])
                 [1 + floor({u('a.ref', s + 'hs')} * 4)::int],
               'hotline', a.filed_at + interval '3 days'
        FROM policy_application a WHERE {u('a.ref', s + 'hot')} < 0.15"""))
