"""The enterprise table's columns, shared by the grid and the exports."""

from __future__ import annotations

from domain.registers import STATUSES
from i18n import t

# (field, header key, width in the grid, width in Excel)
COLUMNS = [
    ("credit_code", "col.credit_code", 190, 22),
    ("name", "col.name", 260, 36),
    ("street_name", "col.street", 110, 12),
    ("community_name", "col.community", 120, 14),
    ("industry", "col.industry", 170, 24),
    ("address", "col.address", 150, 20),
    ("employees_total", "col.employees_total", 90, 10),
    ("employees_green", "col.employees_green", 80, 8),
    ("employees_yellow", "col.employees_yellow", 80, 8),
    ("employees_red", "col.employees_red", 80, 8),
    ("employees_none", "col.employees_none", 80, 8),
    ("status_name", "col.status", 90, 10),
]


def table_columns() -> list[dict]:
    defs = []
    for field, header, width, _ in COLUMNS:
        col = {"field": field, "headerName": t(header), "width": width}
        if field == "status_name":
            col["field"], col["sortable"] = "status_name", True
            col["cellClassRules"] = {f"status-{s}": f"params.data && params.data.status == '{s}'"
                                     for s in STATUSES}
        if field.startswith("employees_"):
            col["type"] = "numericColumn"
        defs.append(col)
    return defs


def header_names() -> list[str]:
    return [t(header) for _, header, _, _ in COLUMNS]
