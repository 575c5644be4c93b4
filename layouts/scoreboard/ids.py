"""Component ids of the scoreboard (晾晒台) and its big-screen page."""

SB_HEADLINES = "scoreboard-headlines"
SB_MEASURE = "scoreboard-measure"
SB_STREETS = "scoreboard-streets"
SB_COMMUNITIES = "scoreboard-communities"
SB_WEIGHTS = "scoreboard-weights"
SB_PLACE = "scoreboard-place"
SB_MESSAGE = "scoreboard-message"
SB_BRIEFS = "scoreboard-briefs"  # the history of daily briefs
