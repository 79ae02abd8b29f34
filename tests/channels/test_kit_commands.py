"""The one command parser every channel uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, Update

from bot.channels.commands import split_command
from bot.channels.telegram.parse import Me, parse_update
from bot.channels.webchat import parse as webchat
from bot.channels.zalo.parse import parse_event

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ME = Me(1453712331235, "TestBot")


@pytest.mark.parametrize(
    ("text", "username", "expected"),
    [
        ("/start", "TestBot", ("start", None)),
        ("/START@testbot abc_DEF-1", "TestBot", ("start", "abc_DEF-1")),
        ("/status@Other x", "TestBot", ("", None)),
        ("/status@Other x", None, ("status", "x")),
        ("  /Status   PA-1  ", None, ("status", "PA-1")),
        ("/status PA-1\nmore", None, ("status", "PA-1\nmore")),
        ("/help2", None, ("help2", None)),
        ("plain text", None, (None, "plain text")),
        ("a /status inside", None, (None, "a /status inside")),
        ("/", None, (None, "/")),
        ("/" + "x" * 33, None, (None, "/" + "x" * 33)),
        ("/đèn hỏng", None, (None, "/đèn hỏng")),
        (None, None, (None, None)),
        ("", None, (None, "")),
    ],
)
def test_split_command(text, username, expected):
    assert split_command(text, username) == expected


def test_every_channel_reads_commands_the_same_way(clock):
    zalo = sample("zalo", "a4b_user_send_text.json")
    zalo["message"]["text"] = "/Status PA-1"
    telegram = sample("telegram", "teloxide_update_text_message.json")
    telegram["message"]["text"] = "/Status@TestBot PA-1"
    read = parse_update(Update.de_json(telegram, Bot("1453712331235:fixture-token")), ME)
    page = webchat.parse({"id": "message-1", "text": "/Status PA-1"}, "k" * 20, clock())
    got = [(r.command, r.text) for r in (parse_event(zalo), read, page)]
    assert got == [("status", "PA-1")] * 3


def sample(platform: str, name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / platform / name).read_text(encoding="utf-8")))
