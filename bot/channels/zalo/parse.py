"""Zalo Official Account webhook events to HueBot's terms: pure functions, no I/O.

Zalo sends ids and timestamps as strings; timestamps are milliseconds since the epoch.
``parse_event`` reads one event into a ``ZaloInput``: what the citizen did plus what only
the adapter needs (image links still to download). ``oa_send_*`` events are echoes of
what the OA sent and, like delivery receipts and anonymous chats, are ignored.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.channels.commands import split_command
from bot.core.body import BadJson, parse_json
from handlers import (
    Channel,
    Contact,
    GeoPoint,
    IncomingMessage,
    PhotoProblem,
    PhotoRef,
    RejectedFile,
)

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")
MAX_KEY = 100


class Kind(StrEnum):
    """What an event is, for HueBot."""

    MESSAGE = "message"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image to download: Zalo sends a link, never the bytes."""

    url: str
    filename: str | None = None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class ZaloInput:
    """One event, read: who, when, and what they did."""

    kind: Kind
    event: str
    key: str
    user_key: str = ""
    sent_at: datetime | None = None
    text: str | None = None
    command: str | None = None
    location: GeoPoint | None = None
    contact: Contact | None = None
    images: tuple[ImageRef, ...] = ()
    rejected: tuple[RejectedFile, ...] = ()


def event_time(raw: dict[str, Any]) -> datetime | None:
    """The event's ``timestamp`` (milliseconds, string or number) as an aware datetime."""
    value = raw.get("timestamp")
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not text.isdigit() or len(text) > 15:
        return None
    return datetime.fromtimestamp(int(text) / 1000, UTC)


def user_of(raw: dict[str, Any]) -> str | None:
    """The citizen's OA-scoped id: the sender, or the follower of a (un)follow event."""
    for field in ("follower", "sender", "user"):
        part = raw.get(field)
        value = part.get("id") if isinstance(part, dict) else None
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()[:40]
    return None


def event_key(raw: dict[str, Any]) -> str:
    """The dedupe key: Zalo's ``msg_id``, or a digest of name, user and timestamp."""
    message = raw.get("message")
    msg_id = message.get("msg_id") if isinstance(message, dict) else None
    if isinstance(msg_id, str) and msg_id.strip() and len(msg_id) <= MAX_KEY - 4:
        return f"msg:{msg_id.strip()}"
    parts = [str(raw.get("event_name")), str(user_of(raw)), str(raw.get("timestamp"))]
    return "evt:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:48]


def parse_event(raw: dict[str, Any]) -> ZaloInput:
    """Read an event; anything HueBot does not handle comes back as ``Kind.IGNORED``."""
    name, user = str(raw.get("event_name") or ""), user_of(raw)
    base = ZaloInput(Kind.IGNORED, name, event_key(raw), user or "", event_time(raw))
    if user is None or base.sent_at is None:
        return base
    if name in ("follow", "unfollow"):
        return replace(base, kind=Kind(name))
    if name == "user_submit_info":
        return _submitted(base, raw.get("info"))
    if not name.startswith("user_send_"):
        return base  # oa_send_* echoes, receipts, anonymous chats, reactions...
    message = raw.get("message")
    if not isinstance(message, dict):
        return base
    return _message(base, name.removeprefix("user_send_"), message)


def _message(base: ZaloInput, what: str, message: dict[str, Any]) -> ZaloInput:
    text = message.get("text") if isinstance(message.get("text"), str) else None
    payloads = _payloads(message)
    if what in ("text", "link"):
        command, text = split_command(text)
        return replace(base, kind=Kind.MESSAGE, text=text, command=command)
    if what == "image":
        images = tuple(ImageRef(str(p["url"])) for p in payloads if isinstance(p.get("url"), str))
        return replace(base, kind=Kind.MESSAGE, text=text or None, images=images)
    if what == "location":
        point = _point(payloads[0].get("coordinates") if payloads else None)
        return replace(base, kind=Kind.MESSAGE, location=point)
    if what == "file":
        return _file(base, payloads[0] if payloads else {})
    problem = RejectedFile(PhotoProblem.UNSUPPORTED)
    return replace(base, kind=Kind.MESSAGE, rejected=(problem,))


def _payloads(message: dict[str, Any]) -> list[dict[str, Any]]:
    attachments = message.get("attachments")
    if not isinstance(attachments, list):
        return []
    found = [a.get("payload") for a in attachments if isinstance(a, dict)]
    return [p for p in found if isinstance(p, dict)]


def _point(coordinates: Any) -> GeoPoint | None:
    if not isinstance(coordinates, dict):
        return None
    try:
        point = GeoPoint(float(coordinates["latitude"]), float(coordinates["longitude"]))
    except (KeyError, TypeError, ValueError):
        return None
    finite = math.isfinite(point.latitude) and math.isfinite(point.longitude)
    return point if finite and point.is_valid() else None


def _file(base: ZaloInput, payload: dict[str, Any]) -> ZaloInput:
    """An image sent as a file keeps its EXIF (and so its GPS): download it."""
    name = payload.get("name") if isinstance(payload.get("name"), str) else None
    url = payload.get("url") if isinstance(payload.get("url"), str) else None
    size = str(payload.get("size") or "")
    if url and name and name.lower().endswith(IMAGE_EXTENSIONS):
        image = ImageRef(url, name, int(size) if size.isdigit() else None)
        return replace(base, kind=Kind.MESSAGE, images=(image,))
    rejected = RejectedFile(PhotoProblem.UNSUPPORTED, name)
    return replace(base, kind=Kind.MESSAGE, rejected=(rejected,))


def _submitted(base: ZaloInput, info: Any) -> ZaloInput:
    """The form a citizen filled in and sent: only the name and phone are kept."""
    if not isinstance(info, dict) or not isinstance(info.get("phone"), str | int):
        return base
    phone = "".join(ch for ch in str(info["phone"]) if ch.isdigit() or ch == "+")
    if not 8 <= len(phone) <= 16:
        return base
    name = info.get("name") if isinstance(info.get("name"), str) else None
    contact = Contact(phone, (name or "").strip()[:100] or None)
    return replace(base, kind=Kind.MESSAGE, contact=contact)


def incoming(
    read: ZaloInput,
    received_at: datetime,
    files: tuple[PhotoRef | RejectedFile, ...] = (),
    choice: str | None = None,
) -> IncomingMessage:
    """The channel-neutral message, once images are fetched and a button is resolved."""
    return IncomingMessage(
        channel=Channel.ZALO,
        user_key=read.user_key,
        update_id=read.key,
        received_at=received_at,
        text=None if choice is not None else read.text,
        command=read.command,
        choice=choice,
        location=read.location,
        photos=tuple(f for f in files if isinstance(f, PhotoRef)),
        rejected_files=read.rejected + tuple(f for f in files if isinstance(f, RejectedFile)),
        contact=read.contact,
    )


def decode(body: bytes) -> dict[str, Any] | None:
    """The webhook body as a JSON object (None: not JSON, or not an object)."""
    try:
        raw = parse_json(body)
    except BadJson:
        return None
    return raw if isinstance(raw, dict) else None
