"""How one service is shown: name, type, distance, address, phone, open now, map link.

Phone numbers are written plainly ("☎ 0234 3822 325"); channels make them tappable.
For emergency types the phone number comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.core.i18n import say
from handlers.core.model import Reply, Venue
from handlers.services.kinds import (
    EMERGENCY_FIRST,
    EMERGENCY_NUMBERS,
    emergency_name,
    kind_label,
    weekday,
)
from handlers.services.opening_hours import Open, OpenStatus
from nlu import fold
from storage.services import ServiceEntry


@dataclass(frozen=True, slots=True)
class Found:
    """A service to show: how far it is (None when not known) and whether it is open."""

    service: ServiceEntry
    metres: float | None
    status: OpenStatus


def distance_text(language: str, metres: float) -> str:
    """``350 m``, ``1,2 km`` (``1.2 km`` in English) or ``12 km``."""
    if metres < 1000:
        return f"{max(10, round(metres / 10) * 10)} m"
    if metres < 10_000:
        km = f"{metres / 1000:.1f}"
        return f"{km if language == 'en' else km.replace('.', ',')} km"
    return f"{round(metres / 1000)} km"


def map_url(latitude: float, longitude: float) -> str:
    """An OpenStreetMap link with a pin at the point."""
    lat, lon = f"{latitude:.5f}", f"{longitude:.5f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def hours_line(language: str, status: OpenStatus, now: datetime) -> str | None:
    """ "Open now, until 22:00", "Closed now, opens tomorrow at 07:00"; None when unknown."""
    now = now.replace(tzinfo=None)
    holiday = say(language, "hours.holiday", name=status.holiday) if status.holiday else ""
    if status.state == Open.ALWAYS:
        return say(language, "hours.always")
    if status.state == Open.OPEN and status.until is not None:
        until = status.until.strftime("%H:%M")
        if status.until.date() != now.date():
            until = say(language, "until.next_day", hm=until)
        return say(language, "hours.open", until=until) + holiday
    if status.state == Open.CLOSED and status.opens is not None:
        return say(language, "hours.closed", opens=when(language, status.opens, now)) + holiday
    if status.state == Open.CLOSED:
        return say(language, "hours.closed_long") + holiday
    return None


def when(language: str, moment: datetime, now: datetime) -> str:
    """A coming moment as people say it: "lúc 07:00 ngày mai", "Monday at 07:00"."""
    hm = moment.strftime("%H:%M")
    days = (moment.date() - now.date()).days
    if days == 0:
        return say(language, "when.today", hm=hm)
    if days == 1:
        return say(language, "when.tomorrow", hm=hm)
    return say(language, "when.weekday", hm=hm, day=weekday(language, moment.weekday()))


def service_reply(language: str, found: Found, now: datetime) -> Reply:
    """One service as a message, with its venue when it has a position."""
    service = found.service
    name = service.name_en if language == "en" else service.name_vi
    title = f"{_badge(language, service.kind, name)} {name}"
    if found.metres is not None:
        distance = distance_text(language, found.metres)
        title += " · " + say(language, "service.away", distance=distance)
    phone = say(language, "service.phone", phone=service.phone) if service.phone else None
    notes = service.notes_en if language == "en" and service.notes_en else service.notes_vi
    lines = [
        phone if service.kind in EMERGENCY_FIRST else None,
        title,
        say(language, "service.address", address=service.address) if service.address else None,
        None if service.kind in EMERGENCY_FIRST else phone,
        hours_line(language, found.status, now),
        say(language, "service.notes", notes=notes) if notes else None,
    ]
    venue = None
    if service.latitude is not None and service.longitude is not None:
        url = map_url(service.latitude, service.longitude)
        lines.append(say(language, "service.map", url=url))
        venue = Venue(service.latitude, service.longitude, name, service.address or name)
    return Reply("\n".join(line for line in lines if line), venue=venue)


def hotlines_text(language: str, hotlines: list[ServiceEntry], first: str | None = None) -> str:
    """The national emergency numbers and the directory's hotlines, one a line.

    Args:
        language: The reader's language.
        hotlines: Hotlines from the directory (numbers 113-115 in it are not repeated).
        first: An emergency number to put at the top (e.g. ``"114"`` for fire).

    Returns:
        The text, headed "Numbers to know".
    """
    numbers = [number for number, _, _ in EMERGENCY_NUMBERS]
    if first in numbers:
        numbers.remove(first)
        numbers.insert(0, first)
    lines = [say(language, "service.hotlines")]
    for number in numbers:
        name = emergency_name(language, number)
        lines.append(say(language, "service.hotline_line", phone=number, name=name))
    for hotline in hotlines:
        if hotline.phone and _digits(hotline.phone) not in numbers:
            name = hotline.name_en if language == "en" else hotline.name_vi
            lines.append(say(language, "service.hotline_line", phone=hotline.phone, name=name))
    return "\n".join(lines)


def _badge(language: str, kind: str, name: str) -> str:
    """The type's emoji, with its name too unless the service's name already says it."""
    label = kind_label(language, kind)
    emoji, _, word = label.partition(" ")
    return emoji if fold(word) in fold(name) else f"{label} ·"


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())
