"""The public-services directory: imports, nearest-N by position, by ward, holidays.

``nearest`` filters on a latitude/longitude box in SQL (an indexed range scan) and
measures the exact great-circle distance in Python; the box grows until it holds
enough services or reaches the search limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = 111_195.0
FIRST_RADIUS_M = 500.0
GROWTH = 4.0
MAX_RADIUS_M = 50_000.0


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """One service as the directory file gives it (and as the store keeps it)."""

    code: str
    kind: str
    name_vi: str
    name_en: str
    address: str | None = None
    ward: str | None = None
    phone: str | None = None
    hours: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    notes_vi: str | None = None
    notes_en: str | None = None
    active: bool = True
    position: int = 0


@dataclass(frozen=True, slots=True)
class Nearby:
    """A service and how far it is, in metres."""

    service: ServiceEntry
    metres: float


@dataclass(frozen=True, slots=True)
class HolidayEntry:
    """A public holiday and the hours services without their own holiday rule keep."""

    day: date
    name_vi: str
    name_en: str
    hours: str = "off"


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import changed."""

    added: int
    updated: int
    removed: int


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


_COLUMNS = [getattr(models.Service, name) for name in ServiceEntry.__slots__]


def _entry(row: models.Service) -> ServiceEntry:
    return ServiceEntry(
        code=row.code,
        kind=row.kind,
        name_vi=row.name_vi,
        name_en=row.name_en,
        address=row.address,
        ward=row.ward,
        phone=row.phone,
        hours=row.hours,
        latitude=row.latitude,
        longitude=row.longitude,
        notes_vi=row.notes_vi,
        notes_en=row.notes_en,
        active=row.active,
        position=row.position,
    )


_IN_BOX = select(*_COLUMNS).where(
    models.Service.kind == bindparam("kind"),
    models.Service.active.is_(True),
    models.Service.latitude.between(bindparam("south"), bindparam("north")),
    models.Service.longitude.between(bindparam("west"), bindparam("east")),
)


_HOLIDAYS = (
    select(
        models.ServiceHoliday.day,
        models.ServiceHoliday.name_vi,
        models.ServiceHoliday.name_en,
        models.ServiceHoliday.hours,
    )
    .where(models.ServiceHoliday.day.between(bindparam("first"), bindparam("last")))
    .order_by(models.ServiceHoliday.day)
)


def _wider(radius: float, found: int, wanted: int) -> float:
    """The next box: from the density seen so far when something was found, else 4x."""
    if not found:
        return radius * GROWTH
    return radius * min(GROWTH, max(1.5, 1.2 * math.sqrt(wanted / found)))


def _near(latitude: float, longitude: float, entry: ServiceEntry) -> Nearby:
    assert entry.latitude is not None and entry.longitude is not None
    return Nearby(entry, haversine_m(latitude, longitude, entry.latitude, entry.longitude))


def _fill(row: models.Service, entry: ServiceEntry, now: datetime) -> models.Service:
    for name in ServiceEntry.__slots__:
        setattr(row, name, getattr(entry, name))
    row.updated_at = now
    return row


class ServiceDirectory:
    """The services citizens look up, kept in the store."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count(self) -> int:
        """How many services the directory holds (active or not)."""
        return int(await self._session.scalar(select(func.count(models.Service.id))) or 0)

    async def load(
        self, entries: Sequence[ServiceEntry], now: datetime, replace: bool = False
    ) -> ImportCounts:
        """Add or update services by code; with ``replace``, remove those not given.

        Args:
            entries: The services of a directory file, already checked.
            now: When the import happens.
            replace: Make the directory exactly ``entries``.

        Returns:
            How many services were added, updated and removed.
        """
        existing = {row.code: row for row in await self._session.scalars(select(models.Service))}
        given = {entry.code for entry in entries}
        removed = [code for code in existing if code not in given] if replace else []
        if removed:
            await self._session.execute(
                delete(models.Service).where(models.Service.code.in_(removed))
            )
        for entry in entries:
            self._session.add(_fill(existing.get(entry.code) or models.Service(), entry, now))
        await self._session.flush()
        updated = len(given & existing.keys())
        return ImportCounts(len(given) - updated, updated, len(removed))

    async def nearest(
        self,
        kind: str,
        latitude: float,
        longitude: float,
        limit: int = 3,
        max_metres: float = MAX_RADIUS_M,
    ) -> list[Nearby]:
        """The ``limit`` active services of ``kind`` nearest to a point, nearest first.

        A box around the point is read through the (type, active, latitude,
        longitude) index; it grows until it holds ``limit`` services. The k-th
        distance found then bounds the answer: if the box reaches that far, it
        holds the true nearest; otherwise one more box of that size does.

        Args:
            kind: The service type, e.g. ``"pharmacy"``.
            latitude: The point's latitude.
            longitude: The point's longitude.
            limit: How many to return at most.
            max_metres: Ignore services farther than this.

        Returns:
            The services with their distances; fewer when fewer are in reach.
        """
        radius = min(FIRST_RADIUS_M, max_metres)
        found = await self._box(kind, latitude, longitude, radius)
        while len(found) < limit and radius < max_metres:
            radius = min(_wider(radius, len(found), limit), max_metres)
            found = await self._box(kind, latitude, longitude, radius)
        if len(found) >= limit and found[limit - 1].metres > radius:
            radius = min(found[limit - 1].metres, max_metres)
            found = await self._box(kind, latitude, longitude, radius)
        return [near for near in found if near.metres <= max_metres][:limit]

    async def _box(
        self, kind: str, latitude: float, longitude: float, radius: float
    ) -> list[Nearby]:
        """The services in the box of half-side ``radius`` around a point, nearest first."""
        dlat = radius / METRES_PER_DEGREE
        dlon = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
        rows = await self._session.execute(
            _IN_BOX,
            {
                "kind": kind,
                "south": latitude - dlat,
                "north": latitude + dlat,
                "west": longitude - dlon,
                "east": longitude + dlon,
            },
        )
        found = [_near(latitude, longitude, ServiceEntry(*row)) for row in rows]
        return sorted(found, key=lambda near: (near.metres, near.service.code))

    async def of_kind(self, kind: str, ward: str | None = None) -> list[ServiceEntry]:
        """The active services of ``kind`` (in ``ward`` if given), in directory order."""
        query = select(models.Service).where(
            models.Service.kind == kind, models.Service.active.is_(True)
        )
        if ward is not None:
            query = query.where(models.Service.ward == ward)
        rows = await self._session.scalars(
            query.order_by(models.Service.position, models.Service.code)
        )
        return [_entry(row) for row in rows]

    async def listing(
        self, kind: str | None = None, ward: str | None = None
    ) -> list[ServiceEntry]:
        """Every service (active or not), optionally of one kind or ward, for operators."""
        query = select(models.Service).order_by(models.Service.position, models.Service.code)
        if kind is not None:
            query = query.where(models.Service.kind == kind)
        if ward is not None:
            query = query.where(models.Service.ward == ward)
        return [_entry(row) for row in await self._session.scalars(query)]

    async def kinds(self) -> list[str]:
        """The types that have at least one active service, in directory order."""
        rows = await self._session.execute(
            select(models.Service.kind, func.min(models.Service.position))
            .where(models.Service.active.is_(True))
            .group_by(models.Service.kind)
            .order_by(func.min(models.Service.position), models.Service.kind)
        )
        return [str(kind) for kind, _ in rows]

    async def set_holidays(self, holidays: Iterable[HolidayEntry]) -> None:
        """Make the listed public holidays exactly ``holidays``."""
        await self._session.execute(delete(models.ServiceHoliday))
        for holiday in holidays:
            self._session.add(
                models.ServiceHoliday(
                    day=holiday.day.isoformat(),
                    name_vi=holiday.name_vi,
                    name_en=holiday.name_en,
                    hours=holiday.hours,
                )
            )
        await self._session.flush()

    async def holidays(self, first: date, last: date) -> list[HolidayEntry]:
        """The public holidays from ``first`` to ``last`` (both included), in order."""
        rows = await self._session.execute(
            _HOLIDAYS, {"first": first.isoformat(), "last": last.isoformat()}
        )
        return [HolidayEntry(date.fromisoformat(day), *rest) for day, *rest in rows]
