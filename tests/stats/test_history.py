"""The figures on a 10,000-report history match a plain count, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_settings
from handlers import City
from storage.db import Database, sessionmaker, transaction
from storage.stats import Period, Statistics, Stats, StatsQuery
from tests.stats.history import NOW, Row, expected, generate, insert_history, local_day

CONFIG = Path(__file__).resolve().parents[2] / "config.yml"
HUE = ZoneInfo("Asia/Ho_Chi_Minh")
HISTORY_SIZE = 10_000


@pytest.fixture(scope="module")
def city() -> City:
    return load_settings(CONFIG).city


@pytest.fixture(scope="module")
def history(city: City) -> list[Row]:
    return generate(city, HISTORY_SIZE)


def cases(city: City) -> list[tuple[str, StatsQuery, Callable[[Row], bool]]]:
    """(name, query, which generated rows it should count) for each filter."""
    since, until = date(2026, 9, 10), date(2026, 10, 20)
    today = NOW.astimezone(HUE).date()
    return [
        ("everything", StatsQuery(Period(None, NOW)), lambda r: True),
        (
            "--since",
            StatsQuery(Period.local_days(since, None, HUE, NOW)),
            lambda r: local_day(r) >= since,
        ),
        (
            "--since --until",
            StatsQuery(Period.local_days(since, until, HUE, NOW)),
            lambda r: since <= local_day(r) <= until,
        ),
        (
            "--unit",
            StatsQuery(Period(None, NOW), unit_code="hepco"),
            lambda r: r["unit_code"] == "hepco",
        ),
        (
            "--category",
            StatsQuery(Period(None, NOW), category="garbage"),
            lambda r: r["category"] == "garbage",
        ),
        (
            "--since --unit --category",
            StatsQuery(Period.local_days(since, None, HUE, NOW), "cay_xanh", "trees"),
            lambda r: (
                local_day(r) >= since and r["unit_code"] == "cay_xanh" and r["category"] == "trees"
            ),
        ),
        (
            "/stats 7",
            StatsQuery(Period.last_days(7, HUE, NOW)),
            lambda r: local_day(r) > today - timedelta(days=7),
        ),
    ]


async def read(database: Database, query: StatsQuery, now: datetime) -> Stats:
    async with transaction(sessionmaker(database.engine)) as session:
        return await Statistics(session).figures(query, now)


def as_plain(stats: Stats) -> dict[str, Any]:
    return {
        "total": stats.total.as_dict(),
        "units": {code: f.as_dict() for code, f in stats.units},
        "categories": {code: f.as_dict() for code, f in stats.categories},
    }


def approx(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: pytest.approx(v) if isinstance(v, float) else v for k, v in figures.items()}


def assert_same(name: str, got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["total"] == approx(want["total"]), name
    for group in ("units", "categories"):
        assert got[group].keys() == want[group].keys(), (name, group)
        for key, figures in want[group].items():
            assert got[group][key] == approx(figures), (name, group, key)


async def test_figures_match_a_plain_count_for_every_filter(
    database: Database, city: City, history: list[Row]
):
    started = time.monotonic()
    await insert_history(database, city, history)
    for name, query, keep in cases(city):
        stats = await read(database, query, NOW)
        want = expected(history, NOW, keep)
        assert want["total"]["received"] > 50, f"{name}: the case selects too few reports"
        assert_same(name, as_plain(stats), want)
        received = [f.received for _, f in stats.units]
        assert received == sorted(received, reverse=True), name
    assert time.monotonic() - started < 20


async def test_the_history_covers_every_case_the_figures_distinguish(history: list[Row]):
    total = expected(history, NOW, lambda r: True)["total"]
    assert total["received"] == HISTORY_SIZE
    for figure in ("handled", "rejected", "transferred", "open", "overdue", "late", "rated"):
        assert total[figure] > 100, figure
    assert 0 < total["on_time"] < total["resolved"]
    assert 0 < total["satisfied"] < total["rated"]
    assert any(r["status"] == "reopened" and r["resolved_at"] for r in history)
    assert any(r["resolved_at"] == r["deadline_at"] for r in history)
    assert total["received"] == sum(
        total[k] for k in ("handled", "rejected", "transferred", "open")
    )
