"""Component ids of the data operator's import tab."""

IMPORT_KIND = "import-kind"
IMPORT_MODE = "import-mode"
IMPORT_OPTIONS = "import-options"
IMPORT_CRS = "import-crs"
IMPORT_SHEET = "import-sheet"  # the XLSX sheet to read, offered when the uploaded workbook has several
IMPORT_TEMPLATES = "import-templates"
IMPORT_UPLOAD = "import-upload"
IMPORT_FILE = "import-file"
IMPORT_JOB = "import-job"  # the uploaded file, signed by the server
IMPORT_START = "import-start"
IMPORT_PROGRESS = "import-progress"
IMPORT_STAGE = "import-stage"
IMPORT_RESULT = "import-result"
IMPORT_HISTORY = "import-history"
