"""Component ids of the warnings tab."""

STREETS = "warnings-streets"  # open warnings per street: counts by stage, ages
LIST = "warnings-list"  # every open warning of the area
FORM = "warnings-form"  # shown to those who may record steps
ENTERPRISE = "warnings-enterprise"
METHOD = "warnings-method"
WHEN = "warnings-when"
RECIPIENT = "warnings-recipient"
NOTE = "warnings-note"
RECORD_NOTICE = "warnings-record-notice"
CONFIRM_REOPENING = "warnings-confirm-reopening"
MESSAGE = "warnings-message"
RECORDED = "warnings-recorded"  # the number of steps recorded on this page: a new one redraws the lists
