"""The services repository on SQLite and PostgreSQL: imports, nearest-N, wards, holidays."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from storage.db import Database
from storage.services import HolidayEntry, ServiceEntry, haversine_m

NOW = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
CENTRE = (16.4637, 107.5909)


def service(code: str, kind: str = "pharmacy", **fields: object) -> ServiceEntry:
    values: dict[str, object] = {"name_vi": code, "name_en": code, **fields}
    return ServiceEntry(code=code, kind=kind, **values)  # type: ignore[arg-type]


def scattered(count: int, seed: int = 7) -> list[ServiceEntry]:
    rng = random.Random(seed)
    return [
        service(
            f"s{i}",
            rng.choice(["pharmacy", "atm"]),
            latitude=CENTRE[0] + rng.uniform(-0.3, 0.3),
            longitude=CENTRE[1] + rng.uniform(-0.3, 0.3),
            active=rng.random() > 0.1,
            position=i,
        )
        for i in range(count)
    ]


async def test_load_adds_then_updates_by_code_and_replace_removes_the_rest(database: Database):
    async with database.unit_of_work() as store:
        first = await store.services.load([service("a"), service("b")], NOW)
    assert (first.added, first.updated, first.removed) == (2, 0, 0)
    async with database.unit_of_work() as store:
        again = await store.services.load([service("b", phone="115"), service("c")], NOW)
        assert (again.added, again.updated, again.removed) == (1, 1, 0)
        assert await store.services.count() == 3
        replaced = await store.services.load([service("c")], NOW, replace=True)
        assert (replaced.added, replaced.updated, replaced.removed) == (0, 1, 2)
        assert [s.code for s in await store.services.listing()] == ["c"]


async def test_nearest_matches_a_brute_force_search(database: Database):
    entries = scattered(400)
    async with database.unit_of_work() as store:
        await store.services.load(entries, NOW)
    rng = random.Random(3)
    for _ in range(20):
        lat, lon = CENTRE[0] + rng.uniform(-0.2, 0.2), CENTRE[1] + rng.uniform(-0.2, 0.2)
        async with database.unit_of_work() as store:
            found = await store.services.nearest("pharmacy", lat, lon, limit=5)
        expected = sorted(
            (haversine_m(lat, lon, e.latitude or 0, e.longitude or 0), e.code)
            for e in entries
            if e.kind == "pharmacy" and e.active
        )[:5]
        assert [n.service.code for n in found] == [code for _, code in expected]
        assert [round(n.metres, 3) for n in found] == [round(m, 3) for m, _ in expected]


async def test_nearest_skips_inactive_other_kinds_and_places_out_of_reach(database: Database):
    near = {"latitude": CENTRE[0] + 0.001, "longitude": CENTRE[1]}
    entries = [
        service("closed_down", active=False, **near),
        service("an_atm", "atm", **near),
        service("no_position"),
        service("far_away", latitude=21.0285, longitude=105.8542),  # Hà Nội
        service("here", **near),
    ]
    async with database.unit_of_work() as store:
        await store.services.load(entries, NOW)
        found = await store.services.nearest("pharmacy", *CENTRE, limit=3)
    assert [n.service.code for n in found] == ["here"]
    assert 100 < found[0].metres < 120


async def test_by_ward_in_directory_order_and_kinds(database: Database):
    entries = [
        service("h2", "hotline", phone="1022", position=2),
        service("p1", ward="an_cuu", position=1),
        service("p0", ward="an_cuu", position=0),
        service("p_vy_da", ward="vy_da", position=3),
        service("post", "post_office", position=4),
        service("gone", "atm", active=False, position=5),
    ]
    async with database.unit_of_work() as store:
        await store.services.load(entries, NOW)
        assert [s.code for s in await store.services.of_kind("pharmacy", "an_cuu")] == [
            "p0",
            "p1",
        ]
        assert await store.services.kinds() == ["pharmacy", "hotline", "post_office"]


async def test_holidays_are_replaced_and_read_by_date(database: Database):
    days = [date(2025, 9, 1), date(2025, 9, 2), date(2026, 1, 1)]
    async with database.unit_of_work() as store:
        await store.services.set_holidays(HolidayEntry(d, "Lễ", "Holiday") for d in days)
        await store.services.set_holidays(
            [*(HolidayEntry(d, "Quốc khánh", "National Day") for d in days[:2])]
        )
        found = await store.services.holidays(date(2025, 8, 31), date(2025, 12, 31))
    assert [(h.day, h.name_en, h.hours) for h in found] == [
        (date(2025, 9, 1), "National Day", "off"),
        (date(2025, 9, 2), "National Day", "off"),
    ]
