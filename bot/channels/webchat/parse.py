"""The built-in web chat: JSON from our own page to IncomingMessage, Replies to JSON.

The page identifies itself with a random cookie; the store only ever sees a hash
of it, so a database dump holds no usable chat credentials.
"""

from __future__ import annotations

import hashlib
import math
import re
from datetime import datetime
from typing import Any

from bot.channels.commands import split_command
from handlers import Channel, GeoPoint, IncomingMessage, PhotoRef, RejectedFile, Reply

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class BadMessage(ValueError):
    """The page sent something we cannot take; the message says what."""


def user_key(cookie: str) -> str:
    """The stored identity of a web chat (a hash of its cookie)."""
    return hashlib.sha256(cookie.encode()).hexdigest()[:40]


def update_id(key: str, client_id: str) -> str:
    """The dedupe id of a page's message, scoped to its chat."""
    if not CLIENT_ID.match(client_id):
        raise BadMessage("id must be 8 to 64 letters, digits, '-' or '_'")
    return hashlib.sha256(f"{key}:{client_id}".encode()).hexdigest()[:40]


def parse(body: Any, key: str, received_at: datetime) -> IncomingMessage:
    """A JSON message from the page.

    Args:
        body: The decoded JSON: ``id`` and one of ``text``, ``choice``, ``location``.
        key: ``user_key`` of the chat.
        received_at: When it arrived.

    Returns:
        The message.

    Raises:
        BadMessage: The body is not a message we understand.
    """
    if not isinstance(body, dict):
        raise BadMessage("expected a JSON object")
    text, choice = _optional_str(body, "text"), _optional_str(body, "choice")
    command, text = split_command(text)
    return IncomingMessage(
        channel=Channel.WEBCHAT,
        user_key=key,
        update_id=update_id(key, str(body.get("id", ""))),
        received_at=received_at,
        text=text,
        command=command,
        choice=choice,
        location=_location(body.get("location")),
        locale=_optional_str(body, "locale"),
    )


def photo_message(
    key: str,
    client_id: str,
    received_at: datetime,
    files: tuple[PhotoRef | RejectedFile, ...],
    caption: str | None,
    locale: str | None,
) -> IncomingMessage:
    """An upload of one or more files, with an optional caption."""
    return IncomingMessage(
        channel=Channel.WEBCHAT,
        user_key=key,
        update_id=update_id(key, client_id),
        received_at=received_at,
        text=caption or None,
        photos=tuple(f for f in files if isinstance(f, PhotoRef)),
        rejected_files=tuple(f for f in files if isinstance(f, RejectedFile)),
        locale=locale,
    )


def render(reply: Reply) -> dict[str, Any]:
    """A reply as the page draws it."""
    return {
        "text": reply.text,
        "choices": [{"label": c.label, "payload": c.payload} for c in reply.choices],
        "ask_location": reply.ask_location,
        "image_url": f"/media/{reply.image_sha256}" if reply.image_sha256 else None,
    }


def _optional_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadMessage(f"{key} must be a string")
    return value


def _location(value: Any) -> GeoPoint | None:
    if value is None:
        return None
    try:
        point = GeoPoint(float(value["latitude"]), float(value["longitude"]))
    except (TypeError, KeyError, ValueError) as exc:
        raise BadMessage("location needs numeric latitude and longitude") from exc
    if not (math.isfinite(point.latitude) and math.isfinite(point.longitude)):
        raise BadMessage("location must be finite")
    if not point.is_valid():
        raise BadMessage("location out of range")
    return point
