"""The statistics tab: rankings, the 30-day trend, streets or communities compared."""
