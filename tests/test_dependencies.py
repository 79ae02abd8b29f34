"""Dependencies where they belong: what every install needs, and what only some do."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_matplotlib_is_an_optional_extra_also_in_dev() -> None:
    extras = PROJECT["optional-dependencies"]
    assert "matplotlib" not in _names(PROJECT["dependencies"])
    assert "matplotlib" in _names(extras["eval"])
    assert "matplotlib" in _names(extras["dev"])


def test_every_dependency_is_pinned() -> None:
    pinned = {
        line.split("==")[0].lower()
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line
    }
    wanted = _names(PROJECT["dependencies"])
    for extra in PROJECT["optional-dependencies"].values():
        wanted |= _names(extra)
    assert {n.replace("_", "-") for n in wanted} <= {p.replace("_", "-") for p in pinned}


def test_first_install_says_what_it_does() -> None:
    done = subprocess.run(
        ["make", "-n", "-B", "install"], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    install = next(line for line in done.stdout.splitlines() if "-e '.[dev]'" in line)
    assert " -q " not in install  # pip's progress is shown
    assert "Installing HueBot's Python packages into .venv" in done.stdout
    assert "python3-venv" in done.stdout
