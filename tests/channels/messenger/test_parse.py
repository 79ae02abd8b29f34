"""Messenger webhook bodies to HueBot's terms: every fixture, and shapes that must not raise."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.channels.messenger.parse import (
    Kind,
    MessengerInput,
    Parsed,
    incoming,
    parse_body,
    parse_event,
)
from handlers import Channel, GeoPoint, PhotoProblem, PhotoRef, RejectedFile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "messenger"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def only(name: str) -> MessengerInput:
    parsed = parse_body(load(name))
    assert (parsed.ignored, parsed.unknown) == (0, 0), name
    (event,) = parsed.events
    assert event.kind is Kind.MESSAGE
    return event


def test_every_fixture_is_read_without_raising() -> None:
    names = sorted(p.stem for p in FIXTURES.glob("*.json"))
    assert len(names) >= 20
    for name in names:
        parsed = parse_body(load(name))
        assert len(parsed.events) + parsed.ignored + parsed.unknown >= 1, name


def test_reading_the_stored_raw_event_again_gives_the_same() -> None:
    for name in ("messengernode_text", "messengernode_quick_reply", "docs_referral_shortlink"):
        (event,) = parse_body(load(name)).events
        assert event.raw == load(name)["entry"][0]["messaging"][0]
        again = parse_event(event.raw)
        assert again == event and again is not None and again.key == event.key


def test_text() -> None:
    event = only("messengernode_text")
    assert (event.user_key, event.text, event.command) == ("USER PSID", "text message", None)
    assert event.key == "mid:mid.1457764197618:41d102a3e1ae206a38"
    assert event.sent_at == datetime.fromtimestamp(1457764197.627, UTC)


def test_image_attachment_is_a_link_to_download() -> None:
    event = only("messengernode_image")
    assert event.images == ("<IMAGE_URL>",)
    assert event.text is None and event.location is None


def test_quick_reply_is_the_buttons_choice_not_its_title() -> None:
    event = only("messengernode_quick_reply")
    assert event.choice == "DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_GREEN"
    message = incoming(event, datetime(2026, 1, 1, tzinfo=UTC))
    assert message.choice == event.choice and message.text is None


@pytest.mark.parametrize(
    "name",
    [
        "messengernode_echo",
        "messengernode_delivery",
        "messengernode_read",
        "messengernode_account_linking",
        "blueprint_thumbs_up_sticker",
    ],
)
def test_echoes_receipts_and_stickers_are_ignored_and_counted(name: str) -> None:
    assert parse_body(load(name)) == Parsed(ignored=1)


def test_unknown_event_shape_is_counted_not_raised() -> None:
    assert parse_body(load("messengernode_game_play")) == Parsed(unknown=1)


def test_get_started_is_a_bare_start() -> None:
    event = only("docs_get_started")
    assert (event.command, event.text, event.choice) == ("start", None, None)
    assert event.key.startswith("mid:m_AG5Hz2")


@pytest.mark.parametrize(
    ("name", "ref"),
    [("docs_postback_with_ref", "qr_lamp_0042"), ("docs_referral_shortlink", "qr_bin_17")],
)
def test_m_me_ref_becomes_the_deep_link_start(name: str, ref: str) -> None:
    event = only(name)
    assert (event.command, event.text) == ("start", ref)
    message = incoming(event, datetime(2026, 1, 1, tzinfo=UTC))
    assert (message.channel, message.command, message.text) == (Channel.MESSENGER, "start", ref)


@pytest.mark.parametrize(
    "name",
    [
        "messengernode_postback_referral",
        "messengernode_referral_shortlink",
        "blueprint_start_postback",
    ],
)
def test_a_ref_that_is_no_link_id_opens_a_bare_start(name: str) -> None:
    event = only(name)
    assert (event.command, event.text) == ("start", None)


def test_referral_without_mid_has_a_stable_digest_key() -> None:
    first, again = (
        parse_body(load("docs_referral_shortlink")),
        parse_body(load("docs_referral_shortlink")),
    )
    assert first.events[0].key == again.events[0].key
    assert first.events[0].key.startswith("evt:")
    other = load("docs_referral_shortlink")
    other["entry"][0]["messaging"][0]["timestamp"] += 1
    assert parse_body(other).events[0].key != first.events[0].key


def test_postback_button_is_a_choice() -> None:
    event = only("docs_button_postback")
    assert (event.choice, event.command, event.text) == ("act:accept:PA-1042", None, None)


def test_location_attachment() -> None:
    event = only("synthetic_location")
    assert event.location == GeoPoint(16.4637, 107.5909)


def test_shared_map_link_stays_text() -> None:
    event = only("synthetic_map_link")
    assert event.text == "https://maps.app.goo.gl/Hq3vT8nN2mXzR5kL7"
    assert event.location is None


def test_notification_optin_carries_its_token() -> None:
    parsed = parse_body(load("docs_optin_notification_messages"))
    (event,) = parsed.events
    assert event.kind is Kind.OPTIN and event.optin is not None
    assert (event.optin.token, event.optin.topic) == (
        "7104532856349175612",
        "alerts:ward:thuan_hoa",
    )
    assert not event.optin.stopped
    assert event.optin.expires_at == datetime.fromtimestamp(1772323440, UTC)


def test_batched_entries_keep_their_order_and_skip_standby() -> None:
    parsed = parse_body(load("synthetic_batched"))
    assert [e.text for e in parsed.events] == ["Đèn đường hỏng trước số 12 Lê Lợi", None]
    assert parsed.events[1].images[0].startswith("https://scontent.xx.fbcdn.net/")
    assert (parsed.ignored, parsed.unknown) == (1, 0)


def test_typed_command_is_split() -> None:
    body = load("messengernode_text")
    body["entry"][0]["messaging"][0]["message"]["text"] = "/status PA-1042"
    event = parse_body(body).events[0]
    assert (event.command, event.text) == ("status", "PA-1042")


def test_video_and_file_are_refused_as_photos() -> None:
    body = load("messengernode_image")
    attachments = body["entry"][0]["messaging"][0]["message"]["attachments"]
    attachments[:] = [{"type": "video", "payload": {"url": "https://v/1.mp4"}},
                      {"type": "file", "payload": {"url": "https://f/1.pdf"}}]  # fmt: skip
    event = parse_body(body).events[0]
    assert event.rejected == (RejectedFile(PhotoProblem.UNSUPPORTED),) * 2
    assert event.images == ()


def test_incoming_keeps_checked_photos_and_rejections() -> None:
    event = only("messengernode_image")
    photo = PhotoRef("a" * 64, "image/jpeg", 10, 2, 2)
    refused = RejectedFile(PhotoProblem.TOO_LARGE)
    message = incoming(event, datetime(2026, 1, 1, tzinfo=UTC), (photo, refused))
    assert message.photos == (photo,) and message.rejected_files == (refused,)
    assert message.update_id == event.key and message.user_key == "USER PSID"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "page",
        {"object": "instagram", "entry": []},
        {"object": "page"},
        {"object": "page", "entry": "x"},
        {"object": "page", "entry": [None, 1, {"messaging": None}]},
        {"object": "page", "entry": [{"messaging": [None, [], {"sender": {}}]}]},
        {"object": "page", "entry": [{"messaging": [{"sender": {"id": True}, "timestamp": 1}]}]},
        {"object": "page", "entry": [{"messaging": [{"sender": {"id": "1"}, "timestamp": "x"}]}]},
        {"object": "page", "entry": [{"messaging": [
            {"sender": {"id": "1"}, "timestamp": 1, "message": {"attachments": [None, 3, {}]}},
            {"sender": {"id": "1"}, "timestamp": 1, "message": {"attachments": [
                {"type": "location", "payload": {"coordinates": {"lat": "nan", "long": 1}}},
                {"type": "location", "payload": {"coordinates": {"lat": 91, "long": 1}}},
                {"type": "image", "payload": None}, {"type": "fallback", "payload": []}]}},
            {"sender": {"id": "1"}, "timestamp": 1, "postback": {"payload": None}},
            {"sender": {"id": "1"}, "timestamp": 1, "referral": {"ref": ["x"]}},
            {"sender": {"id": "1"}, "timestamp": 1, "optin": {"type": "notification_messages"}},
            {"sender": {"id": "x" * 500}, "timestamp": 1, "message": {"text": "hi"}},
        ]}]},
    ],
)  # fmt: skip
def test_malformed_bodies_never_raise(body: Any) -> None:
    parsed = parse_body(body)
    assert parsed.unknown + parsed.ignored >= 1 or parsed.events
    for event in parsed.events:
        assert event.location is None and event.images == ()
