"""AG Grid's own words (pager, filters) in the UI's language, for every grid of the app."""

from __future__ import annotations

import dash_ag_grid as dag

from i18n import t

GRID_TEXT = ("page", "of", "to", "more", "loadingOoo", "noRowsToShow", "pageSizeSelectorLabel", "firstPage",
             "previousPage", "nextPage", "lastPage", "filterOoo", "equals", "notEqual", "contains",
             "notContains", "startsWith", "endsWith", "blank", "notBlank", "andCondition", "orCondition")


def grid_locale() -> dict[str, str]:
    return {key: t(f"grid.{key}") for key in GRID_TEXT}


def simple_grid(grid_id: str, columns: list[tuple[str, str, int]], selectable: bool = False) -> dag.AgGrid:
    options = {"pagination": True, "paginationPageSize": 50, "localeText": grid_locale()}
    if selectable:
        options["rowSelection"] = {"mode": "singleRow"}
    return dag.AgGrid(id=grid_id, rowData=[], className="ag-theme-alpine", style={"height": "560px"},
                      columnDefs=[{"field": f, "headerName": t(h), "width": w} for f, h, w in columns],
                      defaultColDef={"sortable": True, "resizable": True, "filter": True},
                      dashGridOptions=options)
