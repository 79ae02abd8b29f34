"""Zalo events read and replies rendered: pure functions against recorded payloads.

The samples in tests/fixtures/zalo/ come from documentation and public code (see the
SOURCES.txt there); every one must be read without error.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.channels.text import split_text
from bot.channels.zalo.parse import Kind, event_key, event_time, incoming, parse_event
from bot.channels.zalo.render import (
    MAX_TEXT,
    image_body,
    info_request_body,
    render,
    text_body,
)
from handlers import Choice, GeoPoint, PhotoProblem, Reply, Venue

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zalo"


def sample(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a4b_user_send_text", "Chào A4B"),
        ("phpfixture_user_send_text", "This is testing message"),
        ("refdoc_envelope_user_send_text", "message"),
    ],
)
def test_texts_are_read_with_their_sender_and_msg_id(name: str, text: str):
    raw = sample(name)
    read = parse_event(raw)
    assert (read.kind, read.text, read.user_key) == (Kind.MESSAGE, text, raw["sender"]["id"])
    assert read.key == f"msg:{raw['message']['msg_id']}"


def test_a_zalo_timestamp_is_milliseconds_in_a_string():
    assert event_time(sample("a4b_user_send_text")) == datetime(
        2023, 11, 3, 9, 31, 21, 354000, tzinfo=UTC
    )
    assert event_time({"timestamp": 1699003881354}) == event_time({"timestamp": "1699003881354"})
    assert event_time({"timestamp": "soon"}) is None and event_time({}) is None


@pytest.mark.parametrize("name", ["gotest_user_send_image", "phpfixture_user_send_image"])
def test_an_image_is_a_link_to_download_with_its_caption(name: str):
    raw = sample(name)
    read = parse_event(raw)
    url = raw["message"]["attachments"][0]["payload"]["url"]
    assert read.kind is Kind.MESSAGE and [i.url for i in read.images] == [url]
    assert read.text == raw["message"]["text"]


def test_a_location_comes_from_the_attachments_coordinates():
    read = parse_event(sample("synthetic_user_send_location"))
    assert read.location == GeoPoint(16.4676666, 107.578)
    assert read.text is None  # the place's title is not a description


def test_a_location_out_of_range_is_dropped():
    raw = sample("synthetic_user_send_location")
    raw["message"]["attachments"][0]["payload"]["coordinates"]["latitude"] = "123"
    assert parse_event(raw).location is None


def test_a_file_is_refused_politely_unless_it_is_a_photo():
    raw = sample("phpfixture_user_send_file")
    read = parse_event(raw)
    assert [(r.problem, r.filename) for r in read.rejected] == [
        (PhotoProblem.UNSUPPORTED, "file_name")
    ]
    raw["message"]["attachments"][0]["payload"]["name"] = "IMG_0001.JPG"
    photo = parse_event(raw)
    assert [(i.url, i.filename, i.size) for i in photo.images] == [
        ("link_to_download_file", "IMG_0001.JPG", 9999)
    ]


@pytest.mark.parametrize("what", ["sticker", "gif", "audio", "video"])
def test_other_media_become_a_refused_file(what: str):
    raw = sample("phpfixture_user_send_text")
    raw["event_name"], raw["message"] = f"user_send_{what}", {"msg_id": "x1", "attachments": []}
    read = parse_event(raw)
    assert read.kind is Kind.MESSAGE and read.rejected[0].problem is PhotoProblem.UNSUPPORTED


def test_follow_and_unfollow_name_the_follower():
    follow, unfollow = (
        parse_event(sample("refdoc_follow")),
        parse_event(sample("synthetic_unfollow")),
    )
    assert (follow.kind, follow.user_key) == (Kind.FOLLOW, "24684588352919792")
    assert (unfollow.kind, unfollow.user_key) == (Kind.UNFOLLOW, "2512523625412515")
    assert follow.key.startswith("evt:") and follow.key != parse_event(sample("refdoc_follow") | {
        "timestamp": "154397978275"}).key  # fmt: skip


def test_submitted_info_keeps_only_the_name_and_phone():
    read = parse_event(sample("refdoc_user_submit_info"))
    assert read.contact is not None
    assert (read.contact.phone, read.contact.name) == ("84912345678", "Name Example")
    message = incoming(read, datetime(2026, 1, 1, tzinfo=UTC))
    assert message.contact == read.contact and message.text is None
    assert "Tân Thuận" not in repr(message)  # the address is not taken


@pytest.mark.parametrize("name", ["oa_send_text", "user_received_message", "anonymous_send_text"])
def test_echoes_receipts_and_anonymous_chats_are_ignored(name: str):
    raw = sample("phpfixture_user_send_text") | {"event_name": name}
    assert parse_event(raw).kind is Kind.IGNORED


def test_an_event_without_a_user_or_time_is_ignored():
    raw = sample("a4b_user_send_text")
    assert parse_event({**raw, "sender": {}}).kind is Kind.IGNORED
    assert parse_event({**raw, "timestamp": ""}).kind is Kind.IGNORED


def test_a_command_is_split_and_a_button_text_becomes_the_choice():
    raw = sample("a4b_user_send_text")
    raw["message"]["text"] = "/status PA-10001"
    read = parse_event(raw)
    assert (read.command, read.text) == ("status", "PA-10001")
    message = incoming(parse_event(sample("a4b_user_send_text")), datetime.now(UTC), (), "x:1")
    assert (message.choice, message.text) == ("x:1", None)


def test_the_dedupe_key_is_the_msg_id_or_a_digest():
    raw = sample("a4b_user_send_text")
    assert event_key(raw) == "msg:cb31dff1c39642cc1b83"
    raw["message"].pop("msg_id")
    assert event_key(raw).startswith("evt:") and len(event_key(raw)) <= 100


# --- rendering -----------------------------------------------------------------------------


def test_up_to_five_choices_are_oa_query_show_buttons():
    reply = Reply("Chọn:", (Choice("✅ Gửi", "report:send"), Choice("Hủy", "cancel")))
    [out] = render(reply, "vi")
    assert [c.payload for c in out.buttons] == ["report:send", "cancel"]
    body = text_body("42", out.text, ["✅ Gửi", "Hủy (2)"])
    buttons = body["message"]["attachment"]["payload"]["buttons"]
    assert buttons[1] == {"title": "Hủy (2)", "type": "oa.query.show", "payload": "Hủy (2)"}
    assert body["recipient"] == {"user_id": "42"}


def test_more_choices_become_a_numbered_list():
    reply = Reply("Loại sự cố?", tuple(Choice(f"Loại {n}", f"report:cat:{n}") for n in range(7)))
    [out] = render(reply, "en")
    assert out.buttons == ()
    assert "1. Loại 0\n" in out.text and "7. Loại 6" in out.text
    assert "Reply with a number from 1 to 7." in out.text


def test_a_label_too_long_for_a_button_makes_a_numbered_list():
    [out] = render(Reply("?", (Choice("x" * 99, "a"), Choice("b", "b"))), "vi")
    assert out.buttons == () and "2. b" in out.text


def test_ask_location_says_how_to_share_one_and_a_venue_gets_a_map_link():
    reply = Reply("Ở đâu?", ask_location=True, venue=Venue(16.4637, 107.5909, "Chợ", "Lê Lợi"))
    [out] = render(reply, "vi")
    assert "“Vị trí”" in out.text
    assert "📍 Chợ, Lê Lợi" in out.text and "query=16.463700,107.590900" in out.text


def test_a_venue_the_text_already_names_and_links_is_not_repeated():
    venue = Venue(16.4652, 107.593, "Nhà thuốc Bến Nghé", "12 Bến Nghé")
    text = "💊 Nhà thuốc Bến Nghé · cách 280 m\n📍 12 Bến Nghé\n🗺 Bản đồ: https://osm.org/x"
    [out] = render(Reply(text, venue=venue), "vi")
    assert out.text == text


def test_a_photo_goes_first_and_long_text_is_split_with_buttons_on_the_last_part():
    text = ("Một dòng khá dài của phản ánh. " * 40 + "\n") * 3
    reply = Reply(text, (Choice("OK", "ok"),), image_sha256="a" * 64)
    outs = render(reply, "vi")
    assert outs[0].image_sha256 == "a" * 64 and outs[0].text == ""
    assert len(outs) >= 3 and all(len(o.text) <= MAX_TEXT for o in outs)
    assert outs[-1].buttons and not any(o.buttons for o in outs[:-1])


def test_split_text_keeps_every_word():
    text = "từ " * 1500 + "\n" + "y" * 4500
    parts = split_text(text, 2000)
    assert all(len(p) <= 2000 for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_image_and_info_request_bodies_have_zalos_template_shapes():
    image = image_body("42", "att1")["message"]["attachment"]["payload"]
    assert image == {"template_type": "media",
                     "elements": [{"media_type": "image", "attachment_id": "att1"}]}  # fmt: skip
    form = info_request_body("42", "vi", "https://hue.example/logo.png")["message"]
    payload = form["attachment"]["payload"]
    assert payload["template_type"] == "request_user_info"
    assert payload["elements"][0]["image_url"] == "https://hue.example/logo.png"
