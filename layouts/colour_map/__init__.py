"""The three-colour map page: communities by the chosen metric, drill-down to one enterprise."""
