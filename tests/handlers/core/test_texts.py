"""The text catalogue: every key once, both languages alike, every placeholder filled."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import bot
import handlers
from bot.web.ops.texts import OPS_TEXTS
from handlers import Channel
from handlers.core.i18n import (
    TEXTS,
    Catalogue,
    CatalogueError,
    MissingPlaceholder,
    placeholders,
    say,
)
from storage.db import Database
from tests.support.chat import Chat
from tests.support.clock import FakeClock

ROOT = Path(__file__).resolve().parents[3]
SAY_NAMES = {"say": 1, "t": 1}  # function name -> index of the key among positional args


def _import_everything() -> None:
    """Every module imports cleanly, with the catalogue fixed before any of them runs."""
    for package in (handlers, bot):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if not module.name.endswith("__main__"):
                importlib.import_module(module.name)


def test_every_text_has_both_languages_and_the_same_placeholders():
    _import_everything()
    assert len(TEXTS) + len(OPS_TEXTS) > 300
    for key, pair in [*TEXTS.items(), *OPS_TEXTS.items()]:
        assert isinstance(pair, tuple) and len(pair) == 2, key
        vi, en = pair
        assert vi.strip() and en.strip(), key
        assert placeholders(vi) == placeholders(en), key
        values = {name: "x" for name in placeholders(vi)}
        for language in ("vi", "en"):
            try:
                filled = _say(language, key, **values)
            except (ValueError, TypeError):
                continue  # a numeric format such as {lat:.5f}; checked below with numbers
            assert "{" not in filled.replace("{{", ""), key
    numbers = {name: 1.5 for name in placeholders(TEXTS["report.place_gps"][0])}
    assert "1.50000" in say("en", "report.place_gps", **numbers)


def test_a_key_defined_twice_is_refused():
    first = {"greeting": ("Xin chào {name}", "Hello {name}")}
    with pytest.raises(CatalogueError, match="twice"):
        Catalogue(first, {"greeting": ("Chào {name}", "Hi {name}")})
    assert Catalogue(first)["greeting"] == ("Xin chào {name}", "Hello {name}")


def test_the_catalogue_cannot_be_changed_after_it_is_built():
    source = {"greeting": ("Xin chào {name}", "Hello {name}")}
    catalogue = Catalogue(source)
    source["greeting"] = ("Chào", "Hi")
    assert catalogue.say("en", "greeting", name="An") == "Hello An"
    with pytest.raises(TypeError):
        TEXTS["welcome"] = ("Chào", "Hi")  # type: ignore[index]
    assert not hasattr(TEXTS, "update")
    assert TEXTS["welcome"][1].startswith("Hello! This is HueBot")


@pytest.mark.parametrize(
    "pair",
    [
        ("Trang {page}", "Page"),
        ("Trang {page}", "Page {number}"),
        ("Trang {", "Page {"),
        ("Trang {0}", "Page {0}"),
        ("", "Empty in Vietnamese"),
        ("Chỉ một",),
    ],
)
def test_a_malformed_pair_is_refused(pair: Any):
    with pytest.raises(CatalogueError):
        Catalogue({"bad": pair})


def test_a_missing_placeholder_is_an_error():
    with pytest.raises(MissingPlaceholder, match="page"):
        say("vi", "queue.header")
    with pytest.raises(MissingPlaceholder, match="limit"):
        say("en", "too_long", length=5000)
    assert say("vi", "queue.header", page=2).endswith("(trang 2):")


def _key_and_keywords(call: ast.Call) -> tuple[str, set[str]] | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in SAY_NAMES or any(k.arg is None for k in call.keywords):
        return None
    index = SAY_NAMES[name] if isinstance(func, ast.Name) else 0
    if len(call.args) <= index:
        return None
    key = call.args[index]
    if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
        return None
    return key.value, {k.arg for k in call.keywords if k.arg}


def _resolve(key: str) -> str:
    return f"ops.{key}" if f"ops.{key}" in OPS_TEXTS else key


def _say(language: str, key: str, **values: object) -> str:
    return (
        OPS_TEXTS.say(language, key, **values)
        if key in OPS_TEXTS
        else say(language, key, **values)
    )


def _known(key: str) -> bool:
    return key in TEXTS or key in OPS_TEXTS


def _fields(key: str) -> frozenset[str]:
    return OPS_TEXTS.fields(key) if key in OPS_TEXTS else TEXTS.fields(key)


def test_every_literal_call_names_a_known_text_and_fills_it():
    _import_everything()
    problems, checked = [], 0
    for folder in ("handlers", "bot"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                found = _key_and_keywords(node) if isinstance(node, ast.Call) else None
                if found is None or ("." not in found[0] and not _known(_resolve(found[0]))):
                    continue
                key, keywords = _resolve(found[0]), found[1]
                checked += 1
                if not _known(key):
                    problems.append(f"{path.name}:{node.lineno} unknown text {key!r}")
                elif missing := _fields(key) - keywords:
                    problems.append(f"{path.name}:{node.lineno} {key!r} lacks {sorted(missing)}")
    assert checked > 200
    assert problems == []


@pytest.mark.parametrize("channel", [Channel.WEBCHAT, Channel.TELEGRAM, Channel.ZALO])
async def test_citizens_myreports_has_the_citizens_header(
    database: Database, services: Any, nlu_parser: Any, clock: FakeClock, channel: Channel
):
    city = services.runtime.settings.city
    citizen = Chat(database, city, nlu_parser, clock, user="c-mine", channel=channel)
    await citizen.send("Cống thoát nước trước chợ bị tắc, nước ngập cả đoạn đường")
    await citizen.send("12 Lê Lợi, phường Phú Xuân")
    await citizen.press("report:skip_photo")
    if "report:send" not in citizen.payloads():
        await citizen.press("report:cat:flooding")
    await citizen.press("report:send")
    await citizen.send("/myreports")
    assert citizen.texts().startswith("Các phản ánh gần đây của bạn:")
    assert "{" not in citizen.texts() and "đơn vị (trang" not in citizen.texts()
    english = Chat(database, city, nlu_parser, clock, user="c-mine", channel=channel, locale="en")
    await english.send("/lang en")
    await english.send("/myreports")
    assert english.texts().startswith("Your recent reports:")
