"""Layouts of the scoreboard's big-screen page (晾晒台大屏)."""
