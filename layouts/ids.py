"""Component ids of the shell, defined once. Each module's ids live in its own ids module
(layouts/<module>/ids.py); tests/test_registration.py checks that no two ids anywhere share a value."""

ROUTE = "route"  # the shell's location: which page
PAGE = "page-content"  # the page the path names
URL = "url"  # the location of a page that hosts tabs: its query string is the area the page and tabs show
TABS = "detail-tabs"  # the tabs under a page that hosts tabs (the map page)
