"""HueBot's replies as Zalo OA customer-service messages: pure functions, no I/O.

A Zalo text is at most ``MAX_TEXT`` characters; longer texts are split at line breaks,
then spaces (``bot/channels/text.py``). Up to ``MAX_BUTTONS`` choices become
``oa.query.show`` buttons on the last part: pressing one makes the citizen send the
button's text, which the store maps back to its payload (``bot/channels/buttons.py``).
More choices, or labels too long for a button, become a numbered list the citizen
answers with a digit (the router maps it). An OA cannot ask a client for its position,
so ``ask_location`` adds a line saying how to share one; a venue becomes its name,
address and a map link, unless the text already names the place and links a map (as a
service answer does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels.text import split_text
from handlers import Choice, Reply, Venue, say

MAX_TEXT = 2000
MAX_BUTTONS = 5
MAX_TITLE = 100
SUFFIX_ROOM = 5  # "label (2)": room for the suffix that keeps button texts unique
MAP_URL = "https://www.google.com/maps/search/?api=1&query={lat:.6f},{lon:.6f}"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Zalo message: a text (with buttons), or an image from the media store."""

    text: str
    image_sha256: str | None = None
    buttons: tuple[Choice, ...] = ()


def render(reply: Reply, language: str) -> list[Outgoing]:
    """A reply as the messages to send, in order: the image first, buttons on the last.

    Args:
        reply: What the handlers answered.
        language: The citizen's language.

    Returns:
        One or more messages.
    """
    text, buttons = _with_choices(_text(reply, language), reply.choices, language)
    image = [Outgoing("", reply.image_sha256)] if reply.image_sha256 else []
    if image and not text:
        return image
    parts = [Outgoing(part) for part in split_text(text or "…", MAX_TEXT)]
    parts[-1] = Outgoing(parts[-1].text, buttons=buttons)
    return image + parts


def _text(reply: Reply, language: str) -> str:
    lines = [reply.text.strip()]
    venue = reply.venue
    if venue is not None and not _already_shown(reply.text, venue):
        url = MAP_URL.format(lat=venue.latitude, lon=venue.longitude)
        lines.append(f"📍 {venue.title}, {venue.address}\n{url}")
    if reply.ask_location:
        lines.append(say(language, "zalo.share_location"))
    return "\n\n".join(line for line in lines if line)


def _already_shown(text: str, venue: Venue) -> bool:
    """Whether the text names the place and links a map (a service answer does)."""
    return venue.title in text and "https://" in text


def buttons_fit(choices: Sequence[Choice]) -> bool:
    """Whether the choices can be Zalo buttons (else a numbered list)."""
    short = all(0 < len(choice.label.strip()) <= MAX_TITLE - SUFFIX_ROOM for choice in choices)
    return 0 < len(choices) <= MAX_BUTTONS and short


def _with_choices(
    text: str, choices: tuple[Choice, ...], language: str
) -> tuple[str, tuple[Choice, ...]]:
    if not choices or buttons_fit(choices):
        return text, tuple(Choice(c.label.strip(), c.payload) for c in choices)
    listed = "\n".join(f"{n}. {choice.label}" for n, choice in enumerate(choices, 1))
    hint = say(language, "zalo.pick_number", count=len(choices))
    return f"{text}\n\n{listed}\n{hint}", ()


def text_body(user_id: str, text: str, buttons: Sequence[str] = ()) -> dict[str, Any]:
    """A customer-service text; ``buttons`` are the texts pressing them sends back."""
    message: dict[str, Any] = {"text": text}
    if buttons:
        actions = [{"title": b, "type": "oa.query.show", "payload": b} for b in buttons]
        message["attachment"] = {"type": "template", "payload": {"buttons": actions}}
    return {"recipient": {"user_id": user_id}, "message": message}


def image_body(user_id: str, attachment_id: str) -> dict[str, Any]:
    """A customer-service image, uploaded before (``attachment_id``)."""
    element = {"media_type": "image", "attachment_id": attachment_id}
    payload = {"template_type": "media", "elements": [element]}
    message = {"attachment": {"type": "template", "payload": payload}}
    return {"recipient": {"user_id": user_id}, "message": message}


def info_request_body(user_id: str, language: str, image_url: str | None) -> dict[str, Any]:
    """Zalo's form asking the citizen to share their name and phone (``request_user_info``)."""
    element = {
        "title": say(language, "zalo.info_title"),
        "subtitle": say(language, "zalo.info_subtitle"),
    }
    if image_url:
        element["image_url"] = image_url
    payload = {"template_type": "request_user_info", "elements": [element]}
    message = {"attachment": {"type": "template", "payload": payload}}
    return {"recipient": {"user_id": user_id}, "message": message}
