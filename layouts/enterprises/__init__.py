"""The enterprise table tab: every enterprise of the area, filtered, sorted, paged, exported."""
