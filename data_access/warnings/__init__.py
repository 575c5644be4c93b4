"""The warnings module: open warnings, their counts and ages, and the steps recorded."""
