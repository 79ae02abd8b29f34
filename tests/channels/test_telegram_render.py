"""Replies as Telegram messages: escaping, keyboards, splitting, photos."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.channels.telegram.render import (
    MAX_CAPTION,
    MAX_TEXT,
    Outgoing,
    chosen,
    escape,
    markup,
    render,
    utf16_len,
)
from handlers import Choice, Reply, Venue

SHA = "b" * 64


def test_what_users_type_is_escaped():
    [out] = render(Reply("Nội dung: <script>alert(1)</script> & <b>"), "vi")
    assert out.html == "Nội dung: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;"


def test_buttons_become_an_inline_keyboard_of_tokens():
    reply = Reply("?", (Choice("✅ Gửi", "report:send"), Choice("✖️ Hủy", "cancel")))
    [out] = render(reply, "vi")
    keyboard = markup(out, {"report:send": "tok1", "cancel": "tok2"})
    assert isinstance(keyboard, InlineKeyboardMarkup)
    buttons = [b for row in keyboard.inline_keyboard for b in row]
    assert [(b.text, b.callback_data) for b in buttons] == [("✅ Gửi", "tok1"), ("✖️ Hủy", "tok2")]


def test_callback_data_over_64_bytes_is_refused():
    out = Outgoing("?", choices=(("a", "x"),))
    with pytest.raises(ValueError, match="64-byte"):
        markup(out, {"x": "é" * 33})


@pytest.mark.parametrize(
    ("language", "label"), [("vi", "📍 Chia sẻ vị trí"), ("en", "📍 Share location")]
)
def test_asking_for_a_place_offers_a_share_location_keyboard(language: str, label: str):
    [out] = render(Reply("Where?", ask_location=True), language)
    keyboard = markup(out, {})
    assert isinstance(keyboard, ReplyKeyboardMarkup) and keyboard.one_time_keyboard
    [[button]] = keyboard.keyboard
    assert button.text == label and button.request_location


def test_a_reply_may_remove_the_keyboard_or_have_none():
    [out] = render(Reply("ok", remove_keyboard=True), "vi")
    assert isinstance(markup(out, {}), ReplyKeyboardRemove)
    [plain] = render(Reply("ok"), "vi")
    assert markup(plain, {}) is None


def test_long_texts_are_split_with_the_keyboard_on_the_last_part():
    text = "\n".join(f"Dòng {n}: " + "chữ " * 30 for n in range(200))
    parts = render(Reply(text, (Choice("OK", "menu:help"),)), "vi")
    assert len(parts) > 1
    assert all(utf16_len(p.html) <= MAX_TEXT for p in parts)
    assert [bool(p.choices) for p in parts] == [False] * (len(parts) - 1) + [True]


def test_splitting_counts_utf16_and_never_loses_text():
    text = " ".join(["😀" * 100] * 100)
    parts = [out.html for out in render(Reply(text), "vi")]
    assert all(utf16_len(p) <= MAX_TEXT for p in parts) and " ".join(parts) == text
    outs = render(Reply("x" * (MAX_TEXT * 2 + 1)), "vi")
    assert [out.html for out in outs] == ["x" * MAX_TEXT] * 2 + ["x"]


def test_a_photo_reply_is_a_photo_with_its_caption():
    [out] = render(Reply("Ảnh hiện trường", image_sha256=SHA), "vi")
    assert (out.photo_sha256, out.html) == (SHA, "Ảnh hiện trường")


def test_a_caption_too_long_becomes_a_photo_then_text():
    photo, *texts = render(Reply("x" * (MAX_CAPTION + 1), image_sha256=SHA), "vi")
    assert (photo.photo_sha256, photo.html) == (SHA, "")
    assert "".join(t.html for t in texts) == "x" * (MAX_CAPTION + 1)


def test_a_venue_comes_after_the_text_which_keeps_the_keyboard():
    venue = Venue(16.4652, 107.593, "Nhà thuốc Bến Nghé", "12 Bến Nghé")
    text, pin = render(Reply("Nhà thuốc gần nhất", (Choice("Khác", "service:menu"),),
                             venue=venue), "vi")  # fmt: skip
    assert text.html == "Nhà thuốc gần nhất" and text.payloads == ("service:menu",)
    assert pin == Outgoing("", venue=venue) and markup(pin, {}) is None
    photo, pin = render(Reply("Ảnh", image_sha256=SHA, venue=venue), "vi")
    assert photo.photo_sha256 == SHA and pin.venue == venue


def test_a_pressed_message_shows_the_choice_escaped():
    assert chosen("Chọn <loại>", "A & B") == "Chọn &lt;loại&gt;\n\n✔️ A &amp; B"
    assert chosen(None, "A") is None
    assert chosen("x" * MAX_TEXT, "A") is None


def test_escape_leaves_quotes_alone():
    assert escape("\"a\" 'b'") == "\"a\" 'b'"
