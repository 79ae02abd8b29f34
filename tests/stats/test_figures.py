"""The figures' edges on both stores: empty store, day bounds, percentiles, deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from handlers import City
from storage.db import Database, sessionmaker, transaction
from storage.stats import Figures, Period, Statistics, Stats, StatsQuery
from tests.stats.history import NOW, insert_history

CONFIG = Path(__file__).resolve().parents[2] / "config.yml"
HUE = ZoneInfo("Asia/Ho_Chi_Minh")
EVERYTHING = StatsQuery(Period(None, NOW))


@pytest.fixture(scope="module")
def city() -> City:
    return load_settings(CONFIG).city


def report(created: datetime, **fields: Any) -> dict[str, Any]:
    row = {
        "code": None,
        "text": "t",
        "category": "road",
        "unit_code": "so_xay_dung",
        "ward": None,
        "channel": "webchat",
        "status": "received",
        "created_at": created,
        "deadline_at": created + timedelta(hours=72),
        "resolved_at": None,
        "satisfied": None,
        "rating": None,
    }
    return row | fields


async def read(database: Database, query: StatsQuery = EVERYTHING) -> Stats:
    async with transaction(sessionmaker(database.engine)) as session:
        return await Statistics(session).figures(query, NOW)


async def test_an_empty_store_gives_zeros_and_no_rates(database: Database):
    stats = await read(database)
    assert stats.total == Figures()
    assert stats.total.on_time_share is None and stats.total.satisfaction_rate is None
    assert stats.total.resolve_p50_seconds is None and stats.total.resolve_p90_seconds is None
    assert stats.units == () and stats.categories == ()


async def test_percentiles_interpolate_between_ranks(database: Database, city: City):
    start = NOW - timedelta(days=3)
    rows = [
        report(start, status="resolved", resolved_at=start + timedelta(hours=h))
        for h in (4, 1, 3, 2)
    ]
    rows.append(report(start, unit_code="huewaco", category="water_supply"))
    rows.append(
        report(start, unit_code="huewaco", category="water_supply", status="closed",
               resolved_at=start + timedelta(hours=5))
    )  # fmt: skip
    await insert_history(database, city, rows)
    stats = await read(database)
    assert stats.total.resolve_p50_seconds == 3 * 3600  # 1 2 3 4 5 hours
    assert stats.total.resolve_p90_seconds == pytest.approx(4.6 * 3600)
    road = dict(stats.categories)["road"]
    assert road.resolve_p50_seconds == 2.5 * 3600
    assert road.resolve_p90_seconds == pytest.approx(3.7 * 3600)
    water = dict(stats.units)["huewaco"]
    assert water.resolve_p50_seconds == water.resolve_p90_seconds == 5 * 3600
    assert water.received == 2 and water.handled == 1 and water.open == 1


async def test_durations_count_whole_seconds(database: Database, city: City):
    created = datetime(2026, 11, 20, 1, 0, 0, 900_000, tzinfo=UTC)
    resolved = datetime(2026, 11, 20, 1, 0, 10, 100_000, tzinfo=UTC)
    await insert_history(
        database, city, [report(created, status="resolved", resolved_at=resolved)]
    )
    assert (await read(database)).total.resolve_p50_seconds == 10


async def test_deadlines_on_time_late_and_overdue(database: Database, city: City):
    created = NOW - timedelta(hours=72)
    deadline = NOW
    rows = [
        report(created, deadline_at=deadline, status="resolved", resolved_at=deadline),
        report(
            created,
            deadline_at=deadline - timedelta(hours=1),
            status="closed",
            resolved_at=deadline,
        ),
        report(created, deadline_at=deadline),  # due right now: not yet overdue
        report(created, deadline_at=deadline - timedelta(seconds=1), status="in_progress"),
        report(created, deadline_at=deadline - timedelta(days=1), status="rejected"),
    ]
    await insert_history(database, city, rows)
    total = (await read(database)).total
    assert (total.resolved, total.on_time, total.late) == (2, 1, 1)
    assert (total.open, total.overdue, total.rejected, total.handled) == (2, 1, 1, 2)
    assert total.on_time_share == 0.5


async def test_satisfaction_counts_only_answers(database: Database, city: City):
    created = NOW - timedelta(days=1)
    answers = [True, True, False, None, None]
    rows = [report(created, status="closed", resolved_at=NOW, satisfied=a) for a in answers]
    await insert_history(database, city, rows)
    total = (await read(database)).total
    assert (total.rated, total.satisfied) == (3, 2)
    assert total.satisfaction_rate == pytest.approx(2 / 3)


async def test_local_days_bound_the_period(database: Database, city: City):
    def local(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
        return datetime(2026, 11, day, hour, minute, second, tzinfo=HUE)

    moments = [local(9, 23, 59, 59), local(10, 0), local(12, 23, 59, 59), local(13, 0)]
    await insert_history(database, city, [report(m) for m in moments])
    period = Period.local_days(date(2026, 11, 10), date(2026, 11, 12), HUE, NOW)
    assert period == Period(local(10, 0), local(13, 0))
    assert (await read(database, StatsQuery(period))).total.received == 2
    one_day = Period.local_days(date(2026, 11, 9), date(2026, 11, 9), HUE, NOW)
    assert (await read(database, StatsQuery(one_day))).total.received == 1


async def test_units_involved_counts_distinct_units(database: Database, city: City):
    created = NOW - timedelta(days=2)
    units = ["hepco", "hepco", "ubnd_vy_da", "ubnd_an_cuu"]
    await insert_history(
        database, city, [report(created, unit_code=u, category="flooding") for u in units]
    )
    stats = await read(database)
    assert stats.total.units_involved == 3
    assert dict(stats.categories)["flooding"].units_involved == 3
    assert [code for code, _ in stats.units] == ["hepco", "ubnd_an_cuu", "ubnd_vy_da"]
    assert all(f.units_involved == 1 for _, f in stats.units)


def test_periods_are_checked():
    with pytest.raises(ValueError, match="since is after until"):
        Period.local_days(date(2026, 11, 2), date(2026, 11, 1), HUE, NOW)
    with pytest.raises(ValueError, match="at least 1"):
        Period.last_days(0, HUE, NOW)
    week = Period.last_days(7, HUE, NOW)
    assert week == Period(datetime(2026, 11, 18, tzinfo=HUE), NOW)
    assert Period.local_days(None, None, HUE, NOW) == Period(None, NOW)
