"""The components' own words in the UI's language: AG Grid's (pager, filters) and the dropdowns' (search,
select all), for every grid and dropdown of the app."""

from __future__ import annotations

import dash_ag_grid as dag

from i18n import t

GRID_TEXT = ("page", "of", "to", "more", "loadingOoo", "noRowsToShow", "pageSizeSelectorLabel", "firstPage",
             "previousPage", "nextPage", "lastPage", "filterOoo", "equals", "notEqual", "contains",
             "notContains", "startsWith", "endsWith", "blank", "notBlank", "andCondition", "orCondition")


# A row's id by the row's number, as text: AG Grid wants a string (warning #25 otherwise). The grid's parser of
# function strings knows no globals, so String(params.data.id) gives undefined (every row the same id).
ROW_ID = "'' + params.data.id"

DROPDOWN_TEXT = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
                 "no_options_found")


def grid_locale() -> dict[str, str]:
    return {key: t(f"grid.{key}") for key in GRID_TEXT}


def dropdown_labels() -> dict[str, str]:
    """dcc.Dropdown's labels (Dash 4 writes "Search", "Select All" ... otherwise)."""
    return {key: t(f"dropdown.{key}") for key in DROPDOWN_TEXT}


def simple_grid(grid_id: str, columns: list[tuple[str, str, int]], selectable: bool = False) -> dag.AgGrid:
    options = {"pagination": True, "paginationPageSize": 50, "localeText": grid_locale()}
    if selectable:
        options["rowSelection"] = {"mode": "singleRow"}
    return dag.AgGrid(id=grid_id, rowData=[], className="ag-theme-alpine", style={"height": "560px"},
                      columnDefs=[{"field": f, "headerName": t(h), "width": w} for f, h, w in columns],
                      defaultColDef={"sortable": True, "resizable": True, "filter": True},
                      dashGridOptions=options)


def fit_to_width(grid: dag.AgGrid, fixed: frozenset[str] = frozenset(), wrap: frozenset[str] = frozenset(),
                 least: float = 0.6) -> dag.AgGrid:
    """Columns that fit the grid's box (a laptop's 1366 px cut the last ones off): all but the `fixed` ones (codes,
    times: their width is what their text needs) share the width left, in proportion to their widths and down to
    `least` of them; below that the grid scrolls sideways. Text in `wrap` columns wraps onto more lines."""
    grid.columnDefs = [c if c["field"] in fixed else
                       {**c, "flex": c["width"], "minWidth": round(c["width"] * least),
                        **({"wrapText": True, "autoHeight": True} if c["field"] in wrap else {})}
                       for c in grid.columnDefs]
    return grid


def wrapping_headers(grid: dag.AgGrid) -> dag.AgGrid:
    """The grid with header text that wraps (the Chinese headers are longer than their columns are wide)."""
    grid.defaultColDef = {**grid.defaultColDef, "wrapHeaderText": True, "autoHeaderHeight": True}
    return grid


def picking_grid(grid_id: str, columns: list[tuple[str, str, int]], multiple: bool = False) -> dag.AgGrid:
    """A list whose rows a click selects (check boxes only for several) and whose rows keep their id (the
    list's number, as text) across refreshes."""
    grid = simple_grid(grid_id, columns, selectable=True)
    grid.dashGridOptions = {**grid.dashGridOptions, "rowSelection": {
        "mode": "multiRow" if multiple else "singleRow", "checkboxes": multiple, "enableClickSelection": True}}
    grid.getRowId = ROW_ID
    return grid
