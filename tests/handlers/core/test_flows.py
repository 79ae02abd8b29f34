"""The flows are declared as tables, every handler returns a Step, and only the router keeps it."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from handlers import Choice, Reply
from handlers.core import router
from handlers.core.flow import CHOICES_KEY, Flow, Step
from handlers.report import issue
from storage.db import Database
from tests.handlers.report.test_not_a_report import flow_of
from tests.support.chat import Chat

ROOT = Path(__file__).resolve().parents[3]
WRITER = ROOT / "handlers" / "core" / "conversation.py"
STORED_FLOWS = {
    "menu",
    "official",
    "answer",
    "rating_comment",
    "alert",
    "alert_sub",
    "service",
    "sos",
}


def _conversation_writes(path: Path) -> list[int]:
    """Lines of ``path`` that call ``<...>.conversations.save`` or ``.clear``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        func = node.func if isinstance(node, ast.Call) else None
        if not isinstance(func, ast.Attribute) or func.attr not in ("save", "clear"):
            continue
        owner = func.value
        if (isinstance(owner, ast.Attribute) and owner.attr == "conversations") or (
            isinstance(owner, ast.Name) and owner.id == "conversations"
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_conversation_module_writes_conversation_state():
    writers = {
        str(path.relative_to(ROOT)): found
        for folder in ("handlers", "bot")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (found := _conversation_writes(path))
    }
    assert set(writers) == {str(WRITER.relative_to(ROOT))}
    assert len(writers[str(WRITER.relative_to(ROOT))]) >= 4  # keep, end, menu, hand-over


def test_every_stored_flow_is_declared_once_with_its_states():
    names = [flow.name for flow in router.FLOWS]
    assert len(names) == len(set(names))
    stored = {flow.name for flow in router.FLOWS if flow.states}
    assert stored == STORED_FLOWS | {issue.FLOW}
    for flow in router.FLOWS:
        assert flow.on_message is None or flow.states, flow.name
    assert router.BY_NAME[issue.FLOW].states == tuple(issue.State)


def test_commands_and_buttons_come_from_the_tables():
    assert set(router.BUTTONS) == {prefix for flow in router.FLOWS for prefix in flow.buttons}
    assert {"act", "staff", "rate", "answer", "alert", "sub", "service", "report"} <= set(
        router.BUTTONS
    )
    # /mine and /report are the staff's first, the citizen's when the staff's say no
    assert len(router.COMMANDS["mine"]) == 2 and len(router.COMMANDS["report"]) == 2
    for fallback in ("start", "cancel", "help", "lang", "status"):
        assert len(router.COMMANDS[fallback]) == 1, fallback


def test_a_button_prefix_declared_by_two_flows_is_refused():
    async def handler(*_: object) -> Step:
        return Step.stay([])

    first, second = Flow("one", buttons={"x": handler}), Flow("two", buttons={"x": handler})
    with pytest.raises(ValueError, match="twice"):
        router._index((first, second))


def test_a_step_cannot_change_after_it_is_made():
    data = {"code": "PA-1"}
    step = Step.goto("answer", "waiting", data, [Reply("?", (Choice("Xong", "answer:PA-1"),))])
    data["code"] = "PA-2"
    assert step.data["code"] == "PA-1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.state = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        step.data["code"] = "PA-3"  # type: ignore[index]
    assert CHOICES_KEY not in step.saved_data()
    numbered = Step.goto("answer", "waiting", data, step.replies, numbered=True)
    assert numbered.saved_data()[CHOICES_KEY] == ["answer:PA-1"]
    assert Step.stay(step.replies).keep and Step.end(step.replies).flow is None


async def test_a_command_in_passing_keeps_the_open_dialog(database: Database, chat: Chat):
    await chat.send("/subscribe")
    assert await flow_of(database, chat) == "alert_sub"
    await chat.send("/status PA-99999")
    assert "PA-99999" in chat.texts()
    assert await flow_of(database, chat) == "alert_sub"
    await chat.send("phường Vỹ Dạ")
    assert await flow_of(database, chat) in (None, "menu")
    await chat.send("/subscriptions")
    assert "Vỹ Dạ" in chat.texts()


async def test_a_flow_that_gives_a_message_back_is_over(database: Database, chat: Chat):
    await chat.send("/subscribe")
    await chat.send("cảm ơn")  # not a ward: the question is dropped, the thanks answered
    assert await flow_of(database, chat) in (None, "menu")
    assert "Cảm ơn" in chat.texts() or "HueBot" in chat.texts()


async def test_cancel_is_answered_once_for_every_flow(database: Database, chat: Chat):
    await chat.send("/subscribe")
    await chat.send("/cancel")
    assert "Đã hủy" in chat.texts()
    assert await flow_of(database, chat) is None
    await chat.send("/cancel")
    assert "không có việc gì" in chat.texts()


def test_a_step_to_an_undeclared_state_is_refused():
    assert router._declared(Step.goto("alert", "preview", {}, [])).state == "preview"
    with pytest.raises(ValueError, match="undeclared"):
        router._declared(Step.goto("alert", "nowhere", {}, []))
    with pytest.raises(ValueError, match="undeclared"):
        router._declared(Step.goto("no_such_flow", "idle", {}, []))
