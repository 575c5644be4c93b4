"""The three-colour map module: enterprise points, detail and staff for the map page."""
