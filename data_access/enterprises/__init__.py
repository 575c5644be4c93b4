"""The enterprise table module: the table's pages and the rows of its exports."""
