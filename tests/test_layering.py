"""Imports go one way: bot/ -> handlers/ -> {places/ -> nlu/, storage/}. Checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "handlers": {"bot", "telegram", "aiohttp", "sqlalchemy", "asyncpg", "aiosqlite"},
    "nlu": {"bot", "handlers", "places", "storage", "telegram", "sqlalchemy"},
    "places": {"bot", "handlers", "storage", "telegram", "aiohttp", "sqlalchemy"},
    "storage": {"bot", "handlers", "nlu", "places", "telegram", "aiohttp"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_may(package: str):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no sources under {package}/"
    leaks = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in files
    }
    assert {path: names for path, names in leaks.items() if names} == {}


def test_the_checker_sees_a_leak(tmp_path: Path):
    sample = tmp_path / "leak.py"
    sample.write_text("from telegram import Bot\nimport sqlalchemy.orm\n", encoding="utf-8")
    assert imported_roots(sample) == {"telegram", "sqlalchemy"}
