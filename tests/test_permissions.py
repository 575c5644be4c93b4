"""One permission gate: the table of action -> roles is the README's, and the gate follows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callbacks.gate import NotAllowed, ensure
from domain.actor import Actor
from domain.permissions import PERMISSIONS, allowed
from domain.roles import ROLES

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_table() -> dict[str, set[str]]:
    section = README.read_text(encoding="utf-8").split("### Who may do what", 1)[1].split("\n\n", 3)[2]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {re.search(r"`([^`]+)`", row).group(1): {r.strip() for r in row.rsplit("|", 2)[1].split(",")}
            for row in rows}


def test_the_readme_shows_the_permission_table_the_gate_enforces():
    assert _readme_table() == {action: set(roles) for action, roles in PERMISSIONS.items()}


def test_every_role_in_the_table_exists():
    assert set().union(*PERMISSIONS.values()) <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_the_gate_lets_exactly_the_listed_roles_through(role):
    actor = Actor("x", "x", role, "330105000000")
    for action, roles in PERMISSIONS.items():
        if role in roles:
            assert ensure(actor, action) is actor
        else:
            with pytest.raises(NotAllowed):
                ensure(actor, action)


def test_an_unknown_action_or_no_role_is_allowed_to_nobody():
    assert not allowed("administrator", "no.such.action")
    assert not allowed(None, "map.read")
