"""The audit log as an auditor reads it: details in words, areas by name; never raw JSON or bare codes."""

from __future__ import annotations

import json

from callbacks.audit.log import audit_view
from layouts.audit.detail import describe
from tests.helpers import access_of


def test_an_empty_detail_is_empty_not_braces():
    assert describe("{}") == "" and describe(None) == ""


def test_a_detail_reads_as_labelled_chinese_values():
    export = json.dumps({"file": "xlsx", "list": "cleared", "filter": "", "rows": 1234})
    assert describe(export) == "文件：xlsx；名单：可复工企业名单；行数：1,234"
    assert describe(json.dumps({"user": "zhang.san", "role": "official"})) == "用户：zhang.san；角色：工作人员"
    assert describe(json.dumps({"reason": "throttled"})) == "原因：登录失败次数过多，暂时锁定"
    assert describe(json.dumps({"kind": "health_codes", "result": "loaded", "rows": 3, "run": 7})) == (
        "数据类型：健康码颜色；结果：已导入；行数：3；导入批次：7")
    audit_export = json.dumps({"file": "audit.csv", "filter": {"action": "export", "user": "gcq.official"}})
    assert describe(audit_export) == "文件：audit.csv；筛选条件：（操作：导出，用户：gcq.official）"


def test_the_log_names_areas_a_community_with_its_street(engine):
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (username, role, action, area, detail)"
                          " VALUES ('tzl.worker', 'community_worker', 'login', '330105005052', '{}')"))
    rows, _ = audit_view(access_of("auditor"), "login", "tzl.worker", None)
    assert rows[0]["area"] == "拱宸桥街道台州路社区" and rows[0]["detail"] == ""
