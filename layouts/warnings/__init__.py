"""The warnings module: open warnings per street and one by one, and the worker's form."""
