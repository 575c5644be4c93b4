"""Component ids of the enterprise table tab."""

TABLE_STATUS = "table-status"
TABLE_INDUSTRY = "table-industry"
TABLE_SEARCH = "table-search"
TABLE_HOLDER = "table-holder"
TABLE_AREA = "table-area"  # the area the table lists: a new metric or basis in the URL leaves it as it is
TABLE = "enterprise-table"  # a pattern id: see table()
TABLE_COUNT = "table-count"
EXPORTS = "table-exports"
OPENED = "table-opened"  # when a row last opened its enterprise on the map


def table(key: str) -> dict:
    """The grid's id: a new key per filter makes a new grid, which asks for its rows afresh."""
    return {"type": TABLE, "key": key}
