"""HueBot's replies as Send API request bodies, and when a message may be sent: pure, no I/O.

Limits of the Send API: a text is at most ``MAX_TEXT`` characters (the kit's
``bot.channels.text`` splits longer ones at line breaks, then spaces); up to
``MAX_QUICK`` quick replies with titles of at most ``MAX_TITLE`` characters go on the
last part; a button template holds at most ``MAX_BUTTONS`` postback buttons and
``MAX_TEMPLATE_TEXT`` characters. An official's actions (``act:`` payloads) become
template buttons, the other choices quick replies.
Choices that do not fit become a numbered list the user answers with a digit (the
router maps it), with one quick reply per number while there are at most 13. Messenger
has no location quick reply any more, so ``ask_location`` asks for a typed place or a
map link. Images are sent as attachments by URL (the media store's public copy).

``delivery`` decides how a message may go out: inside the 24-hour window as
``RESPONSE`` (a reply) or ``UPDATE`` (a notice); outside it, a notice about the
citizen's own report with a message tag, an alert with the citizen's notification
opt-in token, anything else not at all (``None``: record it as not sendable).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.channels.text import split_text
from handlers import Choice, Reply, Venue, say

MAX_TEXT = 2000
MAX_QUICK = 13
MAX_TITLE = 20
MAX_BUTTONS = 3
MAX_TEMPLATE_TEXT = 640
MAX_PAYLOAD = 1000
ACTION_PREFIX = "act:"
WINDOW = timedelta(hours=24)
MAP_URL = "https://www.google.com/maps/search/?api=1&query={lat:.6f},{lon:.6f}"


class Purpose(StrEnum):
    """Why a message is sent, which decides whether it may go out of the window."""

    REPLY = "reply"
    NOTICE = "notice"
    ALERT = "alert"


@dataclass(frozen=True, slots=True)
class Delivery:
    """How to send: the ``messaging_type`` and ``tag``, or an opt-in token as recipient."""

    messaging_type: str | None
    tag: str | None = None
    optin_token: str | None = None


def delivery(
    purpose: Purpose,
    last_inbound: datetime | None,
    now: datetime,
    notice_tag: str | None = "ACCOUNT_UPDATE",
    optin_token: str | None = None,
) -> Delivery | None:
    """How a message may be sent now, or None when the platform's policy forbids it.

    Args:
        purpose: A reply, a notice about the citizen's own report, or an alert.
        last_inbound: When the citizen last wrote to the Page (None: never).
        now: The current time.
        notice_tag: The message tag for notices outside the window (None: none allowed).
        optin_token: The citizen's notification opt-in token, for alerts.

    Returns:
        The delivery, or None (record the message as not sendable).
    """
    if last_inbound is not None and now - last_inbound < WINDOW:
        return Delivery("RESPONSE" if purpose is Purpose.REPLY else "UPDATE")
    if purpose is Purpose.NOTICE and notice_tag:
        return Delivery("MESSAGE_TAG", tag=notice_tag)
    if purpose is Purpose.ALERT and optin_token:
        return Delivery(None, optin_token=optin_token)
    return None


def request_body(psid: str, message: dict[str, Any], how: Delivery) -> dict[str, Any]:
    """The Send API body for one rendered message."""
    if how.optin_token:
        return {"recipient": {"notification_messages_token": how.optin_token}, "message": message}
    body: dict[str, Any] = {"recipient": {"id": psid}, "messaging_type": how.messaging_type}
    if how.tag:
        body["tag"] = how.tag
    body["message"] = message
    return body


def render(reply: Reply, language: str, media_base: str | None = None) -> list[dict[str, Any]]:
    """A reply as Send API ``message`` objects, in order: the image, then the texts.

    Args:
        reply: What the handlers answered.
        language: The user's language.
        media_base: The public base URL of the media store (``<base>/media/<sha256>``);
            without it an image cannot be shown and is left out.

    Returns:
        One or more messages; choices ride on the last one.
    """
    messages: list[dict[str, Any]] = []
    if reply.image_sha256 and media_base:
        url = f"{media_base.rstrip('/')}/media/{reply.image_sha256}"
        payload = {"url": url, "is_reusable": True}
        messages.append({"attachment": {"type": "image", "payload": payload}})
    text = _text(reply, language)
    if not text and not reply.choices and messages:
        return messages
    return messages + _with_choices(text or "…", reply.choices, language)


def _text(reply: Reply, language: str) -> str:
    lines = [reply.text.strip()]
    venue = reply.venue
    if venue is not None and not _already_shown(reply.text, venue):
        url = MAP_URL.format(lat=venue.latitude, lon=venue.longitude)
        lines.append(f"📍 {venue.title}, {venue.address}\n{url}")
    if reply.ask_location:
        lines.append(say(language, "messenger.share_location"))
    return "\n\n".join(line for line in lines if line)


def _already_shown(text: str, venue: Venue) -> bool:
    """Whether the text names the place and links a map (a service answer does)."""
    return venue.title in text and "https://" in text


def _with_choices(text: str, choices: tuple[Choice, ...], language: str) -> list[dict[str, Any]]:
    actions = [c for c in choices if c.payload.startswith(ACTION_PREFIX) and _fits(c)]
    actions = actions[:MAX_BUTTONS]
    rest = [c for c in choices if c not in actions]
    if actions and quick_fit(rest):
        return _template(text, actions, rest, language)
    if not choices or quick_fit(choices):
        parts: list[dict[str, Any]] = [{"text": part} for part in split_text(text, MAX_TEXT)]
        if choices:
            parts[-1]["quick_replies"] = [_quick(c.label, c.payload) for c in choices]
        return parts
    return _numbered(text, choices, language)


def _fits(choice: Choice) -> bool:
    label = choice.label.strip()
    return 0 < len(label) <= MAX_TITLE and 0 < len(choice.payload) <= MAX_PAYLOAD


def quick_fit(choices: Sequence[Choice]) -> bool:
    """Whether the choices can all be quick replies as they are."""
    return len(choices) <= MAX_QUICK and all(_fits(choice) for choice in choices)


def _quick(title: str, payload: str) -> dict[str, Any]:
    return {"content_type": "text", "title": title.strip(), "payload": payload}


def _template(
    text: str, actions: list[Choice], rest: list[Choice], language: str
) -> list[dict[str, Any]]:
    """A button template for the actions, after any text too long for it."""
    parts = split_text(text, MAX_TEXT)
    lead = parts.pop() if len(parts[-1]) <= MAX_TEMPLATE_TEXT else None
    messages: list[dict[str, Any]] = [{"text": part} for part in parts]
    buttons = [
        {"type": "postback", "title": c.label.strip(), "payload": c.payload} for c in actions
    ]
    payload = {
        "template_type": "button",
        "text": lead or say(language, "messenger.pick_action"),
        "buttons": buttons,
    }
    template: dict[str, Any] = {"attachment": {"type": "template", "payload": payload}}
    if rest:
        template["quick_replies"] = [_quick(c.label, c.payload) for c in rest]
    return [*messages, template]


def _numbered(text: str, choices: tuple[Choice, ...], language: str) -> list[dict[str, Any]]:
    listed = "\n".join(f"{n}. {choice.label.strip()}" for n, choice in enumerate(choices, 1))
    hint = say(language, "messenger.pick_number", count=len(choices))
    parts: list[dict[str, Any]] = [
        {"text": part} for part in split_text(f"{text}\n\n{listed}\n{hint}", MAX_TEXT)
    ]
    numbered = [_quick(str(n), c.payload) for n, c in enumerate(choices, 1)]
    if len(numbered) <= MAX_QUICK and all(len(c.payload) <= MAX_PAYLOAD for c in choices):
        parts[-1]["quick_replies"] = numbered
    return parts
