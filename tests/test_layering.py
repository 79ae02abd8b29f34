"""Imports go one way: bot/ -> handlers/ -> {places/ -> nlu/, storage/}. Checked on the source.

Inside ``bot/``: ``bot/core`` is a leaf; channels import neither the web package nor a
command-line module nor the composition root, and of ``handlers`` only the shared
vocabulary (messages, texts, the city), never a flow: channels translate, they make no
dialog decisions; a web page never imports a command-line module. Across all our
packages there is no import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.imports import cycles, import_graph

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "nlu", "places", "storage")
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


# What channels may read of handlers: the shared vocabulary the package exports (messages,
# texts, the city, the context), and the role -> commands table (data) that the Telegram
# channel turns into per-chat command menus.
CHANNEL_VOCABULARY = {
    "handlers",
    "handlers.core.model",
    "handlers.core.i18n",
    "handlers.core.city",
    "handlers.core.apology",
    "handlers.role_commands",
}


def is_cli(module: str) -> bool:
    """``bot.cli``, ``bot.__main__`` and every ``bot.<name>_cli`` module."""
    name = module.removeprefix("bot.")
    return "." not in name and (name in ("cli", "__main__") or name.endswith("_cli"))


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def broken_rules(graph: dict[str, set[str]]) -> set[tuple[str, str, str]]:
    """(rule, importer, imported) for every import inside ``bot/`` that breaks a rule."""
    broken: set[tuple[str, str, str]] = set()
    for module, targets in graph.items():
        for target in targets:
            if within(module, "bot.core") and within(target, "bot") and not within(
                target, "bot.core"
            ):
                broken.add(("bot/core is a leaf", module, target))
            if within(module, "bot.channels") and (
                within(target, "bot.web") or is_cli(target) or target == "bot.app"
            ):
                broken.add(("channels: no web, CLI or app", module, target))
            if within(module, "bot.channels") and within(target, "handlers") and (
                target not in CHANNEL_VOCABULARY
            ):
                broken.add(("channels: no dialog decisions", module, target))
            if within(module, "bot.web") and (is_cli(target) or target == "bot.app"):
                broken.add(("web: no CLI or app", module, target))
    return broken


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT, PACKAGES)


def test_the_shell_keeps_its_layers(graph: dict[str, set[str]]):
    assert {"bot.core.services", "bot.channels.telegram.channel", "bot.web.ops"} <= set(graph)
    assert broken_rules(graph) == set()


def test_there_is_no_import_cycle(graph: dict[str, set[str]]):
    assert cycles(graph) == []


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_sees_a_cycle(tmp_path: Path):
    write_package(tmp_path, {
        "bot/__init__.py": "",
        "bot/app.py": "from bot.channels.chat import Chat\n",
        "bot/channels/__init__.py": "",
        "bot/channels/chat.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from bot.web import page\n"
        ),
        "bot/web/__init__.py": "",
        "bot/web/page.py": "def show():\n    from .. import app\n",
        "bot/lone.py": "import bot.web.page\n",
    })  # fmt: skip
    sample = import_graph(tmp_path, ["bot"])
    assert sample["bot.channels.chat"] == {"bot.web.page"}
    assert cycles(sample) == [["bot.app", "bot.channels.chat", "bot.web.page"]]


def test_the_checker_sees_broken_rules(tmp_path: Path):
    write_package(tmp_path, {
        "bot/__init__.py": "",
        "bot/qr_cli.py": "",
        "bot/app.py": "",
        "bot/core/__init__.py": "from bot import app\n",
        "bot/channels/__init__.py": "",
        "bot/channels/chat.py": "from bot.web.body import read\nfrom bot import qr_cli\n"
                                "from handlers import report_issue\n",
        "handlers/__init__.py": "",
        "handlers/report_issue.py": "",
        "bot/web/__init__.py": "",
        "bot/web/body.py": "def read():\n    pass\n",
        "bot/web/page.py": "from bot.qr_cli import make\nfrom bot.app import Services\n",
    })  # fmt: skip
    assert broken_rules(import_graph(tmp_path, ["bot", "handlers"])) == {
        ("bot/core is a leaf", "bot.core", "bot.app"),
        ("channels: no web, CLI or app", "bot.channels.chat", "bot.web.body"),
        ("channels: no web, CLI or app", "bot.channels.chat", "bot.qr_cli"),
        ("channels: no dialog decisions", "bot.channels.chat", "handlers.report_issue"),
        ("web: no CLI or app", "bot.web.page", "bot.qr_cli"),
        ("web: no CLI or app", "bot.web.page", "bot.app"),
    }
