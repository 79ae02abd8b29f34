"""Finding services for a look-up: nearest to a point, or in a ward; open ones first.

Each answer is a list of replies, one per service, the first headed by what was
found ("The nearest pharmacies to you:"); emergency types start with their number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from handlers.core.context import Turn
from handlers.core.model import Choice, GeoPoint, Reply
from handlers.services.answer import Found, service_reply
from handlers.services.kinds import KNOWN_KINDS, emergency_line, kind_label, kind_noun
from handlers.services.landmarks import Landmark
from handlers.services.opening_hours import (
    Holiday,
    Holidays,
    HoursError,
    Open,
    OpenStatus,
    WeeklyHours,
    open_status,
    parse_hours,
    parse_ranges,
)
from storage.services import MAX_RADIUS_M, ServiceEntry

SHOWN = 3
CANDIDATES = 8
WARD_SHOWN = 5
HOLIDAY_DAYS = 16


@dataclass(frozen=True, slots=True)
class Place:
    """Where a look-up is about: a point (shared or a landmark's) or a ward."""

    point: GeoPoint | None = None
    name: str | None = None
    landmark: str | None = None
    ward: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The place as JSON-safe data for the conversation state."""
        point = self.point
        return {
            "lat": point.latitude if point else None,
            "lon": point.longitude if point else None,
            "name": self.name,
            "landmark": self.landmark,
            "ward": self.ward,
        }

    @classmethod
    def from_data(cls, data: Any, landmarks: dict[str, Landmark]) -> Place | None:
        """The inverse of ``to_data`` (None for no place)."""
        if not isinstance(data, dict):
            return None
        point = GeoPoint(data["lat"], data["lon"]) if data.get("lat") is not None else None
        mark = landmarks.get(str(data.get("landmark")))
        if point is None and data.get("ward") is None:
            return None
        return cls(
            point or (mark.point if mark else None),
            data.get("name"),
            data.get("landmark"),
            data.get("ward"),
        )


async def kinds_menu(turn: Turn) -> tuple[Choice, ...]:
    """The types as buttons: the usual ones the directory has, then the operator's own."""
    held = await turn.ctx.store.services.kinds()
    kinds = [kind for kind in KNOWN_KINDS if kind in held or kind == "hotline"]
    kinds += [kind for kind in held if kind not in KNOWN_KINDS]
    return tuple(Choice(kind_label(turn.language, kind), f"service:type:{kind}") for kind in kinds)


async def by_point(turn: Turn, kind: str, place: Place, open_now: bool) -> list[Reply]:
    """The nearest services of ``kind`` to ``place``: open ones first, then the rest."""
    assert place.point is not None
    point, services = place.point, turn.ctx.store.services
    nearby = await services.nearest(kind, point.latitude, point.longitude, CANDIDATES)
    now, holidays = await _clock(turn)
    found = [Found(n.service, n.metres, _status(n.service, now, holidays)) for n in nearby]
    found.sort(key=lambda item: (item.status.state == Open.CLOSED, item.metres or 0.0))
    where = place.name or turn.say("service.you")
    noun = kind_noun(turn.language, kind)
    if not found:
        km = round(MAX_RADIUS_M / 1000)
        return [Reply(turn.say("service.none_near", noun=noun, km=km, place=where))]
    open_found = [item for item in found if item.status.state != Open.CLOSED]
    if open_now and not open_found:
        header = turn.say("service.none_open", noun=noun, place=where)
    else:
        shown_key = "service.near_open" if open_now else "service.near"
        header = turn.say(shown_key, noun=noun, place=where)
        found = open_found if open_now else found
    return _replies(turn, kind, header, found[:SHOWN], now)


async def by_ward(turn: Turn, kind: str, ward: str, open_now: bool) -> list[Reply]:
    """The services of ``kind`` in a ward: open ones first, in directory order."""
    in_ward = await turn.ctx.store.services.of_kind(kind, ward)
    now, holidays = await _clock(turn)
    found = [Found(service, None, _status(service, now, holidays)) for service in in_ward]
    found.sort(key=lambda item: item.status.state == Open.CLOSED)
    open_found = [item for item in found if item.status.state != Open.CLOSED]
    city_ward = turn.ctx.city.ward(ward)
    name = city_ward.name if city_ward is not None else ward
    noun = kind_noun(turn.language, kind)
    if not found:
        text = turn.say("service.none_in_ward", noun=noun, ward=name)
        return [Reply(text, ask_location=True)]
    header = turn.say("service.in_ward", noun=noun, ward=name)
    if open_now and not open_found:
        header = turn.say("service.none_open_in_ward", noun=noun, ward=name)
    elif open_now:
        found = open_found
    replies = _replies(turn, kind, header, found[:WARD_SHOWN], now)
    if len(found) > WARD_SHOWN:
        more = turn.say("service.more_in_ward", count=len(found) - WARD_SHOWN)
        replies.append(Reply(more, ask_location=True))
    return replies


def _replies(turn: Turn, kind: str, header: str, found: list[Found], now: datetime) -> list[Reply]:
    replies = [service_reply(turn.language, item, now) for item in found]
    first = emergency_line(turn.language, kind)
    lead = f"{first}\n\n{header}" if first else header
    if not replies:
        return [Reply(lead)]
    replies[0] = _prefixed(replies[0], lead)
    return replies


def _prefixed(reply: Reply, text: str) -> Reply:
    return Reply(f"{text}\n\n{reply.text}", reply.choices, venue=reply.venue)


async def _clock(turn: Turn) -> tuple[datetime, Holidays]:
    """The city's wall-clock time and the public holidays around it."""
    now = turn.ctx.now.astimezone(turn.ctx.city.zone).replace(tzinfo=None)
    first, last = now.date() - timedelta(days=1), now.date() + timedelta(days=HOLIDAY_DAYS)
    listed = await turn.ctx.store.services.holidays(first, last)
    english = turn.language == "en"
    return now, {
        h.day: Holiday(h.name_en if english else h.name_vi, _ranges(h.hours)) for h in listed
    }


def _status(service: ServiceEntry, now: datetime, holidays: Holidays) -> OpenStatus:
    return open_status(_hours(service.hours), now, holidays)


@lru_cache(maxsize=4096)
def _hours(text: str | None) -> WeeklyHours | None:
    if not text:
        return None
    try:
        return parse_hours(text)
    except HoursError:
        return None


def _ranges(text: str) -> tuple[tuple[int, int], ...]:
    try:
        return parse_ranges(text)
    except HoursError:
        return ()
