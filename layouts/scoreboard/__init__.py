"""Layouts of the scoreboard page (晾晒台)."""
