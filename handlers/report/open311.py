"""Reports filed by other city systems through Open311 (GeoReport v2 ``POST requests``).

A request becomes a report exactly as one from a chat does: routed by ``City.route``,
given the category's deadline, and assigned with ``handlers.handling.assignment.assign`` (status
assigned, the unit's officials told through the outbox). Each API key files as its own
user on the ``open311`` channel, marked unreachable: the system reads the status back
through the API, so no chat message is queued for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.context import Context
from handlers.core.model import GeoPoint
from handlers.handling.assignment import assign
from places.model import Place
from storage.records import NewReport, ReportRecord

CHANNEL = "open311"


class BadRequest(ValueError):
    """A request that cannot be filed; the message says which field is wrong."""


@dataclass(frozen=True, slots=True)
class ServiceRequest:
    """The fields of a GeoReport v2 request HueBot uses."""

    service_code: str
    description: str
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None


async def file_request(ctx: Context, source: str, wanted: ServiceRequest) -> ReportRecord:
    """File ``wanted`` for the system ``source`` (an API key's name).

    Raises:
        BadRequest: Unknown service code, no place, or coordinates out of range.
    """
    city = ctx.city
    if wanted.service_code not in city.categories_by_code:
        raise BadRequest(f"unknown service_code {wanted.service_code!r}")
    place = _place(wanted)
    if place is None and not wanted.address:
        raise BadRequest("give lat and long, or address_string")
    user = await ctx.store.users.get_or_create(CHANNEL, source, ctx.now, name=source)
    await ctx.store.users.set_reachable(CHANNEL, source, False)
    category = city.category(wanted.service_code)
    text = wanted.description or category.name.vi
    found = _understood(ctx, place, wanted.address)
    ward = (found.ward if found else None) or await _ward(ctx, f"{text}\n{wanted.address or ''}")
    report = await ctx.store.reports.create(
        NewReport(
            user_id=user.id, channel=CHANNEL, text=text, category=category.code,
            unit_code=city.route(category.code, ward).code, created_at=ctx.now,
            deadline_at=ctx.now + category.deadline, ward=ward,
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None, address=wanted.address,
            place=found.description_vi if found else None,
            street=found.street if found else None,
        ),
        actor=CHANNEL,
    )  # fmt: skip
    await assign(ctx, report, user.id)
    return report


def _understood(ctx: Context, point: GeoPoint | None, address: str | None) -> Place | None:
    """The gazetteer's reading of ``address_string``, else of the point (ward by polygon)."""
    if ctx.places is None:
        return None
    found = ctx.places.find(address) if address else None
    if (found is None or not found.usable) and point is not None:
        found = ctx.places.at(point.latitude, point.longitude)
    return found if found is not None and found.usable else None


def _place(wanted: ServiceRequest) -> GeoPoint | None:
    if wanted.latitude is None and wanted.longitude is None:
        return None
    if wanted.latitude is None or wanted.longitude is None:
        raise BadRequest("lat and long go together")
    point = GeoPoint(wanted.latitude, wanted.longitude)
    if not point.is_valid():
        raise BadRequest("lat or long out of range")
    return point


async def _ward(ctx: Context, text: str) -> str | None:
    """The ward the text names, as the chat dialog finds it (the NLU's ward entity)."""
    parse = await ctx.nlu.parse(text)
    wards = [str(e["value"]) for e in parse.get("entities", []) if e.get("entity") == "ward"]
    known = [w for w in wards if ctx.city.ward(w) is not None]
    return known[0] if known else None
