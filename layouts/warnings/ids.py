"""Component ids of the warnings tab."""

WARNING_STREETS = "warnings-streets"  # open warnings per street: counts by stage, ages
WARNING_LIST = "warnings-list"  # every open warning of the area
WARNING_FORM = "warnings-form"  # shown to those who may record steps
WARNING_ENTERPRISE = "warnings-enterprise"
WARNING_METHOD = "warnings-method"
WARNING_WHEN = "warnings-when"
WARNING_RECIPIENT = "warnings-recipient"
WARNING_NOTE = "warnings-note"
WARNING_NOTIFY = "warnings-record-notice"
WARNING_REOPEN = "warnings-confirm-reopening"
WARNING_MESSAGE = "warnings-message"
WARNINGS_RECORDED = "warnings-recorded"  # the number of steps recorded on this page: a new one redraws the lists
WARNINGS_VIEW = "warnings-view"  # the URL's query while the tab is looked at (set in the browser)
