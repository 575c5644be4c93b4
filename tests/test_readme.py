"""The README's demo users are the ones the loader creates (the docs are checked, not trusted)."""

from __future__ import annotations

import re
from pathlib import Path

from data_access.demo.proxy import DEMO_AGENT
from data_access.demo.users import DEMO_USERS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_demo_user_with_its_scope_and_password():
    rows = re.findall(r"^\| `([^`]+)` \| [^|]+ \| [^|]* (\d{12}) \| `([^`]+)` \|$", README, re.MULTILINE)
    users = [*DEMO_USERS, (DEMO_AGENT[0], DEMO_AGENT[1], "proxy_agent", *DEMO_AGENT[2:])]  # the proxy demo's
    assert sorted(rows) == sorted((u, org, pw) for u, _, _, org, pw in users)


def test_readme_names_the_two_commands():
    assert "make run" in README and "make test" in README


def test_readme_import_table_names_each_kinds_required_columns():
    from data_access.importing.registry import kinds

    section = README.split("## Importing data", 1)[1].split("\n## ", 1)[0]
    for kind in kinds():
        row = re.search(rf"^\| `{kind.name}` [^|]*\| ([^|]+) \|", section, re.MULTILINE).group(1)
        assert all(f.header in row for f in kind.fields if f.required), kind.name
