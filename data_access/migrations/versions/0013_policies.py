"""Policies (民生直达 and 亲清在线): departments, fund pools, the catalogue with eligibility rules as data, the
register attributes the rules read, applications dispatched by rules kept as data, their timeline, payment
lines and rolls, ratings, hotline calls; policies, grants and the returned-payments import kind.

Revision ID: 0013_policies
Revises: 0013_migrants
Create Date: 2026-11-27
"""

from pathlib import Path

from alembic import op

revision = "0013_policies"
down_revision = "0013_migrants"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    cursor = op.get_bind().connection.driver_connection.cursor()
    cursor.execute((SQL / "0013_policies.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DELETE FROM scoreboard_source WHERE module IN ('policies', 'livelihood')")
    op.execute("DROP VIEW headline_policies, headline_livelihood")
    op.execute("DROP VIEW policy_timeline")
    op.execute("DROP TABLE policy_hotline, policy_rating, policy_payment, policy_roll, policy_application_node,"
               " policy_application, enterprise_attribute, person_attribute, policy_step_limit,"
               " policy_dispatch_rule, policy_department_member, policy, policy_fund_pool, policy_exclusive_group,"
               " policy_department")
    op.execute("DROP FUNCTION policy_amount(integer, char, char), policy_application_prepare(),"
               " policy_application_step(), policy_application_node_add(), policy_payment_prepare(),"
               " policy_payment_spend(), policy_rating_prepare()")
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
               " DELETE FROM audit_log WHERE action LIKE 'policy%';"
               " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;"
               " DELETE FROM audit_action WHERE action LIKE 'policy%'")
    op.execute("ALTER TABLE import_run DISABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_run WHERE kind = 'payment_returns';"
               " ALTER TABLE import_run ENABLE TRIGGER import_run_append_only;"
               " DELETE FROM import_kind WHERE name = 'payment_returns'")
