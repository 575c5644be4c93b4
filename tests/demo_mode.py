"""The tests run in demo mode (loaded by pyproject's `-p tests.demo_mode`, before any test imports the app).

The test database holds the demo users with their published passwords and the web role's default local
password, which the app refuses to start with outside demo mode (app.refuse_public_passwords). A test of
that refusal starts the app in a subprocess without SANSETU_DEMO.
"""

from __future__ import annotations

import os

os.environ.setdefault("SANSETU_DEMO", "1")
