"""The shared vocabulary of every layer: roles, permissions, audit actions, colours and statuses,
division codes and scopes, Beijing time. Pure Python: imports nothing of the project, does no I/O.

The database holds the same lists as CHECK constraints or lookup tables; tests/test_vocabulary.py keeps
the two in step.
"""
