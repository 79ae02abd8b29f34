"""parse_update on real Telegram samples (tests/fixtures/telegram/) and on edge cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, Update

from bot.channels.telegram.channel import queue_keys
from bot.channels.telegram.parse import (
    Kind,
    Me,
    TelegramInput,
    incoming,
    merge_album,
    parse_update,
)
from handlers import Channel, GeoPoint, PhotoProblem, PhotoRef, RejectedFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telegram"
ME = Me(1453712331235, "TestBot")
BOT = Bot("1453712331235:fixture-token")


def sample(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def read(raw: dict[str, Any]) -> TelegramInput:
    return parse_update(Update.de_json(raw, BOT), ME)


def as_update(message: dict[str, Any], **sender: Any) -> dict[str, Any]:
    """A Message sample wrapped in an Update (with a sender when the sample has none)."""
    if sender:
        message = {**message, "from": {"is_bot": False, "first_name": "A", **sender}}
    return {"update_id": 1, "message": message}


def test_a_private_text_message():
    got = read(sample("teloxide_update_text_message.json"))
    assert (got.kind, got.update_id, got.user_key, got.chat_id) == (
        Kind.MESSAGE, 892252934, "218485655", 218485655
    )  # fmt: skip
    assert got.text == "hello there" and got.command is None and got.locale == "en"
    assert got.private


def test_a_blocked_bot_is_a_membership_change():
    got = read(sample("teloxide_update_my_chat_member_kicked.json"))
    assert (got.kind, got.user_key) == (Kind.BLOCKED, "0")
    raw = sample("teloxide_update_my_chat_member_kicked.json")
    raw["my_chat_member"]["new_chat_member"]["status"] = "member"
    assert read(raw).kind is Kind.UNBLOCKED


def test_a_button_press_carries_its_token_message_and_label():
    got = read(sample("litegram_update_callback_query.json"))
    assert got.kind is Kind.CALLBACK and got.user_key == "436432850" and got.private
    assert got.press is not None
    assert got.press.token == "K0ktLokvzsgvj6+oKquqACIA"  # opaque: resolved in the store
    assert (got.press.message_id, got.press.label) == (1054, "4444?")
    assert got.press.message_text == "Список всех доступных тестов (1/2):"


def test_an_album_item_takes_the_largest_size_and_its_group():
    got = read(sample("filetreck_update_photo_album_item.json"))
    [photo] = got.files
    assert photo.file_id.endswith("eQADLwQ") and photo.size == 132533 and not photo.document
    assert got.media_group_id == "13443011608618786"


def test_a_venue_gives_its_location():
    got = read(as_update(sample("teloxide_message_location_venue.json"), id=5))
    assert got.location == GeoPoint(0.0, 0.0) and got.text is None


def test_a_video_is_refused_as_a_photo():
    got = read(as_update(sample("teloxide_message_photo_with_caption.json")))
    assert got.files == () and got.rejected == (RejectedFile(PhotoProblem.UNSUPPORTED),)


@pytest.mark.parametrize(
    "raw",
    [
        {"update_id": 9, "poll_answer": {"poll_id": "1", "option_ids": [0],
                                         "option_persistent_ids": ["a"],
                                         "user": {"id": 5, "is_bot": False, "first_name": "A"}}},
        {"update_id": 9, "channel_post": {"message_id": 1, "date": 0, "text": "x",
                                          "chat": {"id": -5, "type": "channel"}}},
        {"update_id": 9, "a_type_from_the_future": {"x": 1}},
    ],
)  # fmt: skip
def test_other_update_types_are_ignored(raw: dict[str, Any]):
    assert read(raw).kind is Kind.IGNORED


def group_message(**content: Any) -> dict[str, Any]:
    chat = {"id": -100, "type": "group", "title": "g"}
    return as_update({"message_id": 3, "date": 0, "chat": chat, **content}, id=7)


@pytest.mark.parametrize(
    ("content", "kind", "command"),
    [
        ({"text": "hello all"}, Kind.IGNORED, None),
        ({"text": "/status@TestBot PA-10001"}, Kind.MESSAGE, "status"),
        ({"text": "/status PA-10001"}, Kind.MESSAGE, "status"),
        ({"text": "/status@OtherBot PA-10001"}, Kind.IGNORED, None),
        ({"text": "yes", "reply_to_message": {"message_id": 2, "date": 0,
          "chat": {"id": -100, "type": "group"},
          "from": {"id": ME.id, "is_bot": True, "first_name": "B"}}}, Kind.MESSAGE, None),
    ],
)  # fmt: skip
def test_in_groups_only_commands_and_replies_to_the_bot(content, kind, command):
    got = read(group_message(**content))
    assert got.kind is kind
    if kind is Kind.MESSAGE:
        assert got.command == command and not got.private and got.chat_id == -100


def test_edits_of_words_count_but_live_location_edits_do_not():
    message = {"message_id": 3, "date": 0, "chat": {"id": 7, "type": "private"},
               "from": {"id": 7, "is_bot": False, "first_name": "A"}}  # fmt: skip
    edited = read({"update_id": 2, "edited_message": {**message, "text": "more"}})
    assert edited.kind is Kind.EDITED and edited.text == "more"
    live = {**message, "location": {"latitude": 16.4, "longitude": 107.5, "live_period": 60}}
    assert read({"update_id": 3, "edited_message": live}).kind is Kind.IGNORED


def test_only_the_citizens_own_contact_is_kept():
    own = {"phone_number": "+84905", "first_name": "A", "user_id": 7}
    got = read(as_update({"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"},
                          "contact": own}, id=7))  # fmt: skip
    assert got.contact is not None and got.contact.phone == "+84905"
    other = read(as_update({"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"},
                            "contact": {**own, "user_id": 8}}, id=7))  # fmt: skip
    assert other.contact is None


def test_messages_from_bots_are_ignored():
    raw = sample("teloxide_update_text_message.json")
    raw["message"]["from"]["is_bot"] = True
    assert read(raw).kind is Kind.IGNORED


def test_an_album_merges_into_one_message_with_the_caption():
    items = [
        read(sample("filetreck_update_photo_album_item.json")),
        read(sample("filetreck_update_photo_album_item.json")),
    ]
    items[1] = TelegramInput(**{**{f: getattr(items[1], f) for f in items[1].__slots__},
                                "text": "Cây đổ", "update_id": 2})  # fmt: skip
    merged = merge_album(items)
    assert merged.update_id == 494890299 and merged.text == "Cây đổ" and len(merged.files) == 2


def test_incoming_builds_the_channel_neutral_message():
    got = read(sample("teloxide_update_text_message.json"))
    photo = PhotoRef("a" * 64, "image/jpeg", 1, 1, 1)
    refused = RejectedFile(PhotoProblem.TOO_LARGE, "x.jpg")
    when = datetime(2026, 11, 24, tzinfo=UTC)
    message = incoming(got, "1:892252934", when, (photo, refused), choice="menu:help")
    assert message.channel is Channel.TELEGRAM and message.update_id == "1:892252934"
    assert message.photos == (photo,) and message.rejected_files == (refused,)
    assert message.choice == "menu:help" and message.display_name == "Waffle"


def test_queue_keys_read_the_sender_and_album_from_raw_json():
    assert queue_keys(sample("filetreck_update_photo_album_item.json")) == (
        "86815320", "13443011608618786"
    )  # fmt: skip
    assert queue_keys(sample("litegram_update_callback_query.json")) == ("436432850", None)
    assert queue_keys({"update_id": 1, "poll": {}}) == (None, None)
