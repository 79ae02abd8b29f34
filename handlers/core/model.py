"""The channel-agnostic contract: what a channel hands in and what it gets back.

Every messenger adapter in ``bot/channels/`` turns a platform update into one
``IncomingMessage`` and turns each ``Reply`` into platform calls. Nothing here
knows a messenger or a web framework. Building one is the boundary where platform text
is made storable: names, phones and ids are cut to what the store keeps (the lengths
of ``storage/limits.py``), NULs and unpaired surrogates removed, identically for every
channel and both stores.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage import limits


class Channel(StrEnum):
    """The messengers HueBot speaks on."""

    WEBCHAT = "webchat"
    TELEGRAM = "telegram"
    ZALO = "zalo"
    MESSENGER = "messenger"


class PhotoProblem(StrEnum):
    """Why an attached file was not accepted as a photo."""

    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    UNSUPPORTED = "unsupported"
    CORRUPT = "corrupt"


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A WGS84 position in decimal degrees."""

    latitude: float
    longitude: float

    def is_valid(self) -> bool:
        """Return True when both coordinates are finite and in range."""
        lat_ok = -90.0 <= self.latitude <= 90.0
        lon_ok = -180.0 <= self.longitude <= 180.0
        return lat_ok and lon_ok


@dataclass(frozen=True, slots=True)
class PhotoRef:
    """A photo already checked and kept by the media store (see ``bot/media.py``).

    ``sha256`` names the file: the original is kept privately, a copy without
    EXIF is what anyone is shown. ``gps`` is the position read from EXIF, if any.
    """

    sha256: str
    content_type: str
    size: int
    width: int
    height: int
    gps: GeoPoint | None = None


@dataclass(frozen=True, slots=True)
class RejectedFile:
    """A file the citizen sent that is not an acceptable photo."""

    problem: PhotoProblem
    filename: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "filename", limits.clip(self.filename, limits.FILENAME))


@dataclass(frozen=True, slots=True)
class Contact:
    """A phone contact the user chose to share."""

    phone: str
    name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "phone", limits.clip(self.phone, limits.PHONE, mark="") or "")
        object.__setattr__(self, "name", limits.clip(self.name, limits.NAME))


@dataclass(frozen=True, slots=True)
class Member:
    """Who typed or pressed in a group chat, where the chat itself is the user."""

    key: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One thing a user did in a chat, in platform-neutral form.

    ``update_id`` is the platform's id for the delivery (Telegram update_id, Zalo
    msg_id, the web chat's client message id); the shell processes each once.
    ``command`` is the command name without the slash (``"status"``) and
    ``text`` then holds its arguments. ``choice`` is a pressed button's payload.
    In a group chat ``user_key`` is the chat (a unit's inbox is one user, whichever
    member acts) and ``member`` is the person who did it, for the report's history.
    ``edited`` marks a message the user changed after sending it.
    """

    channel: Channel
    user_key: str
    update_id: str
    received_at: datetime
    text: str | None = None
    command: str | None = None
    choice: str | None = None
    location: GeoPoint | None = None
    photos: tuple[PhotoRef, ...] = ()
    rejected_files: tuple[RejectedFile, ...] = ()
    contact: Contact | None = None
    locale: str | None = None
    display_name: str | None = None
    member: Member | None = None
    edited: bool = False

    def __post_init__(self) -> None:
        fix = object.__setattr__
        fix(self, "user_key", limits.fit_key(self.user_key, limits.EXTERNAL_ID))
        fix(self, "update_id", limits.fit_key(self.update_id, limits.UPDATE_ID))
        fix(self, "display_name", limits.clip(self.display_name, limits.NAME))
        fix(self, "locale", limits.clip(self.locale, 35))
        for name in ("text", "command", "choice"):
            value = getattr(self, name)
            if value:
                fix(self, name, limits.clean(value))


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: ``label`` is shown, ``payload`` comes back as ``IncomingMessage.choice``."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Venue:
    """A place to show on a map (Telegram sends it as a venue after the text)."""

    latitude: float
    longitude: float
    title: str
    address: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send back to the same chat.

    Channels without buttons render ``choices`` as a numbered list and accept the
    number as the answer. ``ask_location`` asks the client for its position.
    ``image_sha256`` names a photo from the media store to show. ``venue`` is the
    place the text is about; channels that can show a map pin do so after the text.
    """

    text: str
    choices: tuple[Choice, ...] = ()
    ask_location: bool = False
    image_sha256: str | None = None
    remove_keyboard: bool = field(default=False)
    venue: Venue | None = None


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """A reply as JSON-safe data (for the store, the outbox and the web chat)."""
    return asdict(reply)


def reply_from_dict(data: dict[str, Any]) -> Reply:
    """The inverse of ``reply_to_dict``; unknown keys are ignored."""
    choices = tuple(Choice(c["label"], c["payload"]) for c in data.get("choices", ()))
    return Reply(
        text=str(data.get("text", "")),
        choices=choices,
        ask_location=bool(data.get("ask_location")),
        image_sha256=data.get("image_sha256"),
        remove_keyboard=bool(data.get("remove_keyboard")),
        venue=Venue(**data["venue"]) if data.get("venue") else None,
    )
