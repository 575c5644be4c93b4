"""requirements.txt and environment.yml list the same packages at the same versions."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pins(path: str, pattern: str) -> dict[str, str]:
    text = (ROOT / path).read_text(encoding="utf-8")
    return {m.group(1).lower(): m.group(2) for m in re.finditer(pattern, text, re.MULTILINE)}


CONDA_NAMES = {"redis-py": "redis"}  # conda-forge's name for a PyPI package, where they differ


def test_requirements_and_environment_list_the_same_pins():
    pip = _pins("requirements.txt", r"^([A-Za-z0-9_.-]+)==(\S+)")
    conda = {CONDA_NAMES.get(name, name): version for name, version in
             _pins("environment.yml", r"^\s+- ([A-Za-z0-9_.-]+)=(?!=)(\S+)").items()}
    conda.pop("python", None)
    assert pip == conda
