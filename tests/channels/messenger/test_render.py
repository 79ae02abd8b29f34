"""Replies to Send API bodies within Messenger's limits, and the 24-hour window decision."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.channels.messenger.render import (
    Delivery,
    Purpose,
    delivery,
    render,
    request_body,
)
from handlers import Choice, Reply, Venue
from tests.support.clock import FakeClock

SHA = "ab" * 32


def quick_titles(message: dict[str, Any]) -> list[str]:
    return [q["title"] for q in message.get("quick_replies", [])]


def test_plain_text_is_one_message() -> None:
    assert render(Reply("Xin chào"), "vi") == [{"text": "Xin chào"}]


def test_long_text_is_split_under_2000_and_loses_nothing() -> None:
    text = "\n".join(f"Dòng {n}: " + "chữ " * 60 for n in range(40))
    messages = render(Reply(text), "vi")
    assert len(messages) > 1
    assert all(len(m["text"]) <= 2000 for m in messages)
    assert " ".join(m["text"] for m in messages).split() == text.split()


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    parts = render(Reply("x" * 4500), "vi")
    assert [len(p["text"]) for p in parts] == [2000, 2000, 500]


def test_choices_become_quick_replies_on_the_last_part() -> None:
    choices = tuple(Choice(f"Mục {n}", f"menu:{n}") for n in range(13))
    messages = render(Reply("a" * 2500, choices), "vi")
    assert "quick_replies" not in messages[0]
    assert quick_titles(messages[-1]) == [f"Mục {n}" for n in range(13)]
    assert messages[-1]["quick_replies"][0] == {
        "content_type": "text",
        "title": "Mục 0",
        "payload": "menu:0",
    }


@pytest.mark.parametrize(
    "choices",
    [
        tuple(Choice(f"Mục {n}", f"menu:{n}") for n in range(14)),  # more than 13
        (Choice("Một nhãn dài hơn hai mươi ký tự", "x:1"), Choice("Ngắn", "x:2")),
    ],
)
def test_choices_that_do_not_fit_become_a_numbered_list(choices: tuple[Choice, ...]) -> None:
    (message,) = render(Reply("Chọn một mục", choices), "vi")
    for n, choice in enumerate(choices, 1):
        assert f"{n}. {choice.label}" in message["text"]
    assert f"từ 1 đến {len(choices)}" in message["text"]
    if len(choices) <= 13:
        assert message["quick_replies"][1] == {
            "content_type": "text",
            "title": "2",
            "payload": "x:2",
        }
    else:
        assert "quick_replies" not in message


def test_officials_actions_are_a_button_template_with_the_rest_as_quick_replies() -> None:
    choices = (
        Choice("Nhận xử lý", "act:accept:PA-1"),
        Choice("Chuyển đơn vị", "act:transfer:PA-1"),
        Choice("Từ chối", "act:reject:PA-1"),
        Choice("Xong", "act:done:PA-1"),
        Choice("Xem ảnh", "staff:report:PA-1"),
    )
    (message,) = render(Reply("PA-1: đèn đường hỏng", choices), "vi")
    payload = message["attachment"]["payload"]
    assert payload["template_type"] == "button" and payload["text"] == "PA-1: đèn đường hỏng"
    assert [b["payload"] for b in payload["buttons"]] == [
        "act:accept:PA-1",
        "act:transfer:PA-1",
        "act:reject:PA-1",
    ]
    assert all(b["type"] == "postback" for b in payload["buttons"])
    assert [q["payload"] for q in message["quick_replies"]] == [
        "act:done:PA-1",
        "staff:report:PA-1",
    ]


def test_template_text_over_640_goes_first_as_text() -> None:
    (text, template) = render(Reply("x " * 500, (Choice("Nhận", "act:accept:PA-2"),)), "en")
    assert len(text["text"]) > 640
    assert template["attachment"]["payload"]["text"] == "Choose an action:"


def test_image_goes_first_by_url_then_the_text() -> None:
    image, text = render(Reply("Ảnh hiện trường", image_sha256=SHA), "vi", "https://hue.example/")
    assert image == {
        "attachment": {
            "type": "image",
            "payload": {"url": f"https://hue.example/media/{SHA}", "is_reusable": True},
        }
    }
    assert text == {"text": "Ảnh hiện trường"}


def test_image_without_a_public_url_is_left_out() -> None:
    assert render(Reply("Ảnh", image_sha256=SHA), "vi", None) == [{"text": "Ảnh"}]


@pytest.mark.parametrize(
    ("language", "words"), [("vi", "Google Maps"), ("en", "Google Maps link")]
)
def test_ask_location_asks_to_type_the_place_or_send_a_map_link(language: str, words: str) -> None:
    (message,) = render(Reply("Ở đâu?", ask_location=True), language)
    assert words in message["text"]
    assert "quick_replies" not in message


def test_venue_adds_a_map_link_once() -> None:
    venue = Venue(16.4637, 107.5909, "UBND phường", "23 Tố Hữu")
    (message,) = render(Reply("Nơi gần nhất", venue=venue), "vi")
    assert (
        "UBND phường, 23 Tố Hữu" in message["text"] and "16.463700,107.590900" in message["text"]
    )


# --- the window -------------------------------------------------------------------------


def test_inside_the_window_replies_are_responses_and_notices_updates() -> None:
    clock = FakeClock()
    last = clock.now - timedelta(hours=23, minutes=59)
    assert delivery(Purpose.REPLY, last, clock.now) == Delivery("RESPONSE")
    assert delivery(Purpose.NOTICE, last, clock.now) == Delivery("UPDATE")
    assert delivery(Purpose.ALERT, last, clock.now) == Delivery("UPDATE")


def test_outside_the_window_a_notice_about_the_own_report_is_tagged() -> None:
    clock = FakeClock()
    last = clock.now - timedelta(hours=24)
    assert delivery(Purpose.NOTICE, last, clock.now) == Delivery("MESSAGE_TAG", "ACCOUNT_UPDATE")
    assert delivery(Purpose.NOTICE, None, clock.now, "CONFIRMED_EVENT_UPDATE") == Delivery(
        "MESSAGE_TAG", "CONFIRMED_EVENT_UPDATE"
    )
    assert delivery(Purpose.NOTICE, last, clock.now, notice_tag=None) is None


def test_outside_the_window_alerts_need_an_optin_and_replies_are_not_sendable() -> None:
    clock = FakeClock()
    last = clock.now - timedelta(days=3)
    assert delivery(Purpose.ALERT, last, clock.now) is None
    assert delivery(Purpose.ALERT, last, clock.now, optin_token="tok") == Delivery(
        None, optin_token="tok"
    )
    assert delivery(Purpose.REPLY, last, clock.now, optin_token="tok") is None


def test_request_bodies() -> None:
    message = {"text": "hi"}
    assert request_body("42", message, Delivery("RESPONSE")) == {
        "recipient": {"id": "42"},
        "messaging_type": "RESPONSE",
        "message": message,
    }
    tagged = request_body("42", message, Delivery("MESSAGE_TAG", "ACCOUNT_UPDATE"))
    assert (tagged["messaging_type"], tagged["tag"]) == ("MESSAGE_TAG", "ACCOUNT_UPDATE")
    assert request_body("42", message, Delivery(None, optin_token="t")) == {
        "recipient": {"notification_messages_token": "t"},
        "message": message,
    }
