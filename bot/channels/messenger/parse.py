"""A Facebook Page's webhook POST body to HueBot's terms: pure functions, no I/O.

The body is ``{"object": "page", "entry": [{"id", "time", "messaging": [event, ...]}]}``;
each event has ``sender.id`` (the citizen's page-scoped id, PSID), ``timestamp``
(milliseconds) and one of ``message``, ``postback``, ``referral``, ``optin``,
``delivery`` or ``read``. ``parse_body`` reads every event into a ``MessengerInput``:

- a text (``/status PA-1`` becomes a command), a quick reply (its payload is the
  button's ``choice``), image attachments (links to download later), a location
  attachment where the platform still sends one; a typed place or a map link stays text;
- a postback: the "Get Started" button and a postback carrying an m.me ``ref`` become
  ``/start <ref>`` (the QR deep link), any other postback is a button ``choice``;
- a referral (an m.me link opened in an existing thread) is ``/start <ref>`` as well;
- a notification opt-in (``optin.type == "notification_messages"``) carries its token.

Echoes of the Page's own messages, delivery and read receipts, reactions, edits and
anything unknown are ignored and counted, never raised. The dedupe key is the
message's ``mid`` (the postback's ``mid``), else a digest of sender, time and content.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.channels.commands import split_command
from handlers import Channel, GeoPoint, IncomingMessage, PhotoProblem, PhotoRef, RejectedFile

GET_STARTED = "GET_STARTED"
REF = re.compile(r"^[A-Za-z0-9_=-]{1,250}$")
MAX_ID = 64
MAX_KEY = 100
RECEIPTS = ("delivery", "read", "reaction", "message_edit", "account_linking")


class Kind(StrEnum):
    """What an event is, for HueBot."""

    MESSAGE = "message"
    OPTIN = "optin"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class Optin:
    """A notification opt-in: the token to message the citizen with outside the window."""

    token: str
    topic: str | None = None
    stopped: bool = False
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MessengerInput:
    """One event, read: who, when, and what they did.

    ``raw`` is the event as received: what an intake stores, to read again later with
    ``parse_event`` (which gives the same result).
    """

    kind: Kind
    key: str
    user_key: str = ""
    sent_at: datetime | None = None
    text: str | None = None
    command: str | None = None
    choice: str | None = None
    location: GeoPoint | None = None
    images: tuple[str, ...] = ()
    rejected: tuple[RejectedFile, ...] = ()
    optin: Optin | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything a POST body held: the events HueBot acts on and how many it ignored."""

    events: tuple[MessengerInput, ...] = ()
    ignored: int = 0
    unknown: int = field(default=0)


def parse_body(raw: Any) -> Parsed:
    """Read a webhook body; anything malformed is counted as unknown, never raised.

    Args:
        raw: The decoded JSON body.

    Returns:
        The events to act on, the count ignored on purpose (receipts, echoes...) and
        the count of shapes HueBot does not know.
    """
    if not isinstance(raw, dict) or raw.get("object") != "page":
        return Parsed(unknown=1)
    entries = raw.get("entry")
    if not isinstance(entries, list):
        return Parsed(unknown=1)
    events: list[MessengerInput] = []
    ignored = unknown = 0
    for entry in entries:
        messaging = entry.get("messaging") if isinstance(entry, dict) else None
        if not isinstance(messaging, list):
            standby = isinstance(entry, dict) and isinstance(entry.get("standby"), list)
            ignored, unknown = ignored + standby, unknown + (not standby)
            continue
        for event in messaging:
            read = parse_event(event) if isinstance(event, dict) else None
            if read is None:
                unknown += 1
            elif read.kind is Kind.IGNORED:
                ignored += 1
            else:
                events.append(read)
    return Parsed(tuple(events), ignored, unknown)


def parse_event(raw: dict[str, Any]) -> MessengerInput | None:
    """Read one ``messaging`` event; None when its shape is unknown."""
    user, sent_at = _sender(raw), event_time(raw)
    if user is None or sent_at is None:
        return None
    base = MessengerInput(Kind.IGNORED, event_key(raw), user, sent_at, raw=raw)
    message, postback = raw.get("message"), raw.get("postback")
    if isinstance(message, dict):
        return base if message.get("is_echo") else _message(base, message)
    if isinstance(postback, dict):
        return _postback(base, postback)
    if isinstance(raw.get("referral"), dict):
        return _start(base, raw["referral"].get("ref"))
    if isinstance(raw.get("optin"), dict):
        return _optin(base, raw["optin"])
    if any(isinstance(raw.get(name), dict) for name in RECEIPTS):
        return base
    return None


def event_time(raw: dict[str, Any]) -> datetime | None:
    """The event's ``timestamp`` (milliseconds since the epoch) as an aware datetime."""
    value = raw.get("timestamp")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    if not text.isdigit() or len(text) > 15:
        return None
    return datetime.fromtimestamp(int(text) / 1000, UTC)


def event_key(raw: dict[str, Any]) -> str:
    """The dedupe key: ``mid`` of the message or postback, else a digest of the event."""
    for part in ("message", "postback"):
        body = raw.get(part)
        mid = body.get("mid") if isinstance(body, dict) else None
        if isinstance(mid, str) and mid.strip() and len(mid) <= MAX_KEY - 4:
            return f"mid:{mid.strip()}"
    what = {k: raw.get(k) for k in ("referral", "postback", "optin") if k in raw}
    parts = [str(_sender(raw)), str(raw.get("timestamp")), repr(sorted(what.items()))]
    return "evt:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:48]


def _sender(raw: dict[str, Any]) -> str | None:
    sender = raw.get("sender")
    value = sender.get("id") if isinstance(sender, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text if text and len(text) <= MAX_ID else None


def _message(base: MessengerInput, message: dict[str, Any]) -> MessengerInput:
    text = message.get("text") if isinstance(message.get("text"), str) else None
    quick = message.get("quick_reply")
    payload = quick.get("payload") if isinstance(quick, dict) else None
    if isinstance(payload, str) and payload:
        return replace(base, kind=Kind.MESSAGE, choice=payload)
    read = _attachments(base, message.get("attachments"))
    text = text if text and text.strip() else _shared_link(message.get("attachments"))
    if text and text.strip():
        command, text = split_command(text)
        read = replace(read, kind=Kind.MESSAGE, text=text, command=command)
    return read


def _attachments(base: MessengerInput, attachments: Any) -> MessengerInput:
    """Images to fetch, a location, other files refused; stickers are ignored."""
    if not isinstance(attachments, list):
        return base
    images: list[str] = []
    location, rejected = None, []
    for attachment in (a for a in attachments if isinstance(a, dict)):
        kind, payload = attachment.get("type"), attachment.get("payload")
        payload = payload if isinstance(payload, dict) else {}
        url = payload.get("url")
        if kind == "image" and "sticker_id" not in payload and isinstance(url, str) and url:
            images.append(url)
        elif kind == "location":
            location = location or _point(payload.get("coordinates"))
        elif kind in ("audio", "video", "file"):
            rejected.append(RejectedFile(PhotoProblem.UNSUPPORTED))
    if not images and location is None and not rejected:
        return base
    return replace(
        base, kind=Kind.MESSAGE, images=tuple(images), location=location, rejected=tuple(rejected)
    )


def _shared_link(attachments: Any) -> str | None:
    """A link shared without text (a ``fallback`` attachment, e.g. a map link): its URL."""
    for attachment in attachments if isinstance(attachments, list) else ():
        payload = attachment.get("payload") if isinstance(attachment, dict) else None
        if isinstance(payload, dict) and attachment.get("type") == "fallback":
            url = payload.get("url")
            if isinstance(url, str) and url.startswith(("https://", "http://")):
                return url
    return None


def _point(coordinates: Any) -> GeoPoint | None:
    if not isinstance(coordinates, dict):
        return None
    try:
        point = GeoPoint(float(coordinates["lat"]), float(coordinates["long"]))
    except (KeyError, TypeError, ValueError):
        return None
    finite = math.isfinite(point.latitude) and math.isfinite(point.longitude)
    return point if finite and point.is_valid() else None


def _postback(base: MessengerInput, postback: dict[str, Any]) -> MessengerInput:
    referral = postback.get("referral")
    ref = referral.get("ref") if isinstance(referral, dict) else None
    payload = postback.get("payload")
    if ref is not None or payload == GET_STARTED:
        return _start(base, ref)
    if isinstance(payload, str) and payload:
        return replace(base, kind=Kind.MESSAGE, choice=payload)
    return base


def _start(base: MessengerInput, ref: Any) -> MessengerInput:
    """``/start`` with the m.me link's ``ref`` (a QR code's id), or a bare ``/start``."""
    argument = ref.strip() if isinstance(ref, str) and REF.match(ref.strip()) else None
    return replace(base, kind=Kind.MESSAGE, command="start", text=argument)


def _optin(base: MessengerInput, optin: dict[str, Any]) -> MessengerInput:
    token = optin.get("notification_messages_token")
    if optin.get("type") != "notification_messages" or not isinstance(token, str) or not token:
        return base
    expiry = event_time({"timestamp": optin.get("token_expiry_timestamp")})
    topic = optin.get("payload") if isinstance(optin.get("payload"), str) else None
    stopped = optin.get("notification_messages_status") == "STOP_NOTIFICATIONS"
    return replace(base, kind=Kind.OPTIN, optin=Optin(token, topic, stopped, expiry))


def incoming(
    read: MessengerInput, received_at: datetime, files: tuple[PhotoRef | RejectedFile, ...] = ()
) -> IncomingMessage:
    """The channel-neutral message, once the images are fetched and checked."""
    return IncomingMessage(
        channel=Channel.MESSENGER,
        user_key=read.user_key,
        update_id=read.key,
        received_at=received_at,
        text=None if read.choice is not None else read.text,
        command=read.command,
        choice=read.choice,
        location=read.location,
        photos=tuple(f for f in files if isinstance(f, PhotoRef)),
        rejected_files=read.rejected + tuple(f for f in files if isinstance(f, RejectedFile)),
    )
