"""HueBot's replies as Telegram messages: pure functions, no I/O.

Every text is HTML-escaped (handlers' texts carry what citizens typed) and sent with
``parse_mode=HTML``. Texts longer than a message allows are split at line breaks, then
spaces (``bot/channels/text.py``, before escaping, so no entity is ever cut), with any
keyboard on the last part. Buttons become an inline keyboard whose callback data are
tokens from the store (see ``storage/telegram.py``), never the payloads themselves.
``ask_location`` becomes a one-time reply keyboard. A reply's venue follows its text as
a venue message (a map pin with the place's name and address). A pressed message is
disarmed by an edit (``disarming``) that shows the chosen button and drops the keyboard.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.channels.telegram.parse import ButtonPress
from bot.channels.text import split_text, utf16_len
from handlers import Reply, Venue, say

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
CHOSEN_MARK = "✔️"
NO_PREVIEW = {"is_disabled": True}


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Telegram message: a text, a photo with ``html`` as its caption, or a venue."""

    html: str
    photo_sha256: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    location_label: str | None = None
    remove_keyboard: bool = False
    venue: Venue | None = None

    @property
    def empty(self) -> bool:
        """Nothing to send: no text, no photo, no venue."""
        return not (self.html or self.photo_sha256 or self.venue)

    @property
    def payloads(self) -> tuple[str, ...]:
        """The payloads that need callback tokens."""
        return tuple(payload for _, payload in self.choices)


def render(reply: Reply, language: str) -> list[Outgoing]:
    """A reply as the messages to send, in order.

    Args:
        reply: What the handlers answered.
        language: The user's language (for the share-location button).

    Returns:
        One or more messages; any keyboard rides on the last text (or photo), and the
        venue, if any, comes after it.
    """
    venue = [Outgoing("", venue=reply.venue)] if reply.venue is not None else []
    text = reply.text.strip()
    photo = None
    if reply.image_sha256 and utf16_len(text) <= MAX_CAPTION:
        return [_keyboard(reply, language, Outgoing(escape(text), reply.image_sha256)), *venue]
    if reply.image_sha256:
        photo = Outgoing("", reply.image_sha256)
    pieces = split_text(text or "…", MAX_TEXT, measure=utf16_len)
    parts = [Outgoing(escape(piece)) for piece in pieces]
    parts[-1] = _keyboard(reply, language, parts[-1])
    return [photo, *parts, *venue] if photo else [*parts, *venue]


def _keyboard(reply: Reply, language: str, out: Outgoing) -> Outgoing:
    choices = tuple((choice.label, choice.payload) for choice in reply.choices)
    label = say(language, "telegram.share_location") if reply.ask_location else None
    return Outgoing(out.html, out.photo_sha256, choices, label, reply.remove_keyboard)


def markup(out: Outgoing, tokens: Mapping[str, str]) -> Markup | None:
    """The keyboard of a message; ``tokens`` maps each payload to its callback token.

    Inline buttons win when a reply has both buttons and ``ask_location`` (Telegram
    allows one keyboard per message).
    """
    if out.choices:
        rows = [
            [InlineKeyboardButton(label, callback_data=_checked(tokens[payload]))]
            for label, payload in out.choices
        ]
        return InlineKeyboardMarkup(rows)
    if out.location_label:
        button = KeyboardButton(out.location_label, request_location=True)
        return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    if out.remove_keyboard:
        return ReplyKeyboardRemove()
    return None


def message_params(
    chat_id: int, out: Outgoing, tokens: Mapping[str, str], paid: bool
) -> dict[str, Any]:
    """What a message of ``out`` goes with: chat, HTML, keyboard, paid flag; a venue's own."""
    body: dict[str, Any] = {"chat_id": chat_id}
    if paid:
        body["allow_paid_broadcast"] = True
    if out.venue is not None:
        place = out.venue
        return {**body, "latitude": place.latitude, "longitude": place.longitude,
                "title": place.title, "address": place.address}  # fmt: skip
    keyboard = markup(out, tokens)
    if keyboard is not None:
        body["reply_markup"] = keyboard.to_dict()
    return {**body, "parse_mode": "HTML"}


def text_params(chat_id: int, text: str) -> dict[str, Any]:
    """sendMessage's (or editMessageText's) parameters for an HTML text, no link preview."""
    return {"chat_id": chat_id, "text": text, "parse_mode": "HTML",
            "link_preview_options": NO_PREVIEW}  # fmt: skip


def _checked(token: str) -> str:
    if len(token.encode()) > MAX_CALLBACK_DATA:
        raise ValueError("callback data over Telegram's 64-byte limit")
    return token


def chosen(message_text: str | None, label: str | None) -> str | None:
    """The pressed message's new text: as it was, plus which button was chosen.

    None when the message has no text (a photo) or the result would be too long:
    then only the keyboard is removed.
    """
    if not message_text or not label:
        return None
    plain = f"{message_text}\n\n{CHOSEN_MARK} {label}"
    return escape(plain) if utf16_len(plain) <= MAX_TEXT else None


def disarming(chat_id: int, press: ButtonPress) -> tuple[str, dict[str, Any]] | None:
    """The edit that leaves a pressed message without buttons: (Bot API method, parameters).

    ``editMessageText`` with the chosen button added (``chosen``); for a message without
    text (a photo) or one that would grow too long, ``editMessageReplyMarkup`` without a
    keyboard. None when the message is gone (too old for Telegram to say which it was).
    """
    if press.message_id is None:
        return None
    text = chosen(press.message_text, press.label)
    if text is None:
        return "editMessageReplyMarkup", {"chat_id": chat_id, "message_id": press.message_id}
    return "editMessageText", {**text_params(chat_id, text), "message_id": press.message_id}


def escape(text: str) -> str:
    """Text safe for ``parse_mode=HTML``: ``&``, ``<`` and ``>`` escaped."""
    return html.escape(text, quote=False)
