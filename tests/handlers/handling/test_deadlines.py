"""Deadlines in minutes, hours or days; the daily digest only at its hour. Both stores."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from bot.app import open_scheduler
from bot.scheduler import Scheduler
from handlers import City
from storage.db import Database
from tests.conftest import CONFIG
from tests.handlers.handling.test_handling import LE_LOI, file_flooding, people, staffed  # noqa: F401
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.outbox import Mailbox, texts

DIGEST_HOUR = 7


def city_with(**flooding: Any) -> City:
    """config.yml's city with the flooding category's deadline written another way."""
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["city"]
    category = next(c for c in data["categories"] if c["code"] == "flooding")
    category.pop("deadline_hours")
    category.update(flooding)
    return City.model_validate(data)


def to_local(clock: FakeClock, city: City, hour: int, minute: int = 0) -> None:
    """Move the clock forward to the next hour:minute in the city's time."""
    local = clock.now.astimezone(city.zone)
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    clock.now = target.astimezone(clock.now.tzinfo)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ({"deadline": "30m"}, timedelta(minutes=30)),
        ({"deadline": "4h"}, timedelta(hours=4)),
        ({"deadline": "3d"}, timedelta(days=3)),
        ({"deadline_hours": 24}, timedelta(hours=24)),  # the older form still works
    ],
)
def test_a_deadline_is_minutes_hours_or_days(written, expected):
    assert city_with(**written).category("flooding").deadline == expected


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ({"deadline": "30"}, "expected a duration like 30m, 4h or 3d"),
        ({"deadline": 30}, "say the unit: 30m, 30h or 30d"),
        ({"deadline": "0m"}, "above zero"),
        ({"deadline": "91d"}, "at most 90 days"),
        ({"deadline": "4h", "deadline_hours": 4}, "exactly one of deadline"),
        ({}, "exactly one of deadline"),
    ],
)
def test_a_wrong_deadline_is_refused_with_a_clear_reason(written, problem):
    with pytest.raises(ValidationError, match=problem):
        city_with(**written)


async def test_a_minute_deadline_reminds_at_75_percent_and_escalates(
    database: Database,
    staffed: dict[str, Any],  # noqa: F811
    services: Any,
    nlu_parser: Any,
    clock: FakeClock,
):
    city = city_with(deadline="30m")  # an urgent lane
    citizen = Chat(database, city, nlu_parser, clock, user="citizen")
    await citizen.send("Cống thoát nước trước chợ bị tắc, nước ngập cả đoạn đường")
    await citizen.send(location=LE_LOI)
    await citizen.press("report:skip_photo")
    if "report:send" not in citizen.payloads():
        await citizen.press("report:cat:flooding")
    assert "xử lý trong 30 phút" in citizen.texts()
    await citizen.press("report:send")
    filed = clock.now
    scheduler = Scheduler(database, city, services.nlu, clock, DIGEST_HOUR)
    official, supervisor = Mailbox(database, "hepco-official"), Mailbox(database, "supervisor")
    await official.read()
    clock.now = filed + timedelta(minutes=22)
    assert (await scheduler.tick()).reminded == 0
    clock.now = filed + timedelta(minutes=22, seconds=40)  # 75 % of 30 min is 22.5 min
    assert (await scheduler.tick()).reminded == 1
    assert "Nhắc hạn" in texts(await official.read())
    clock.now = filed + timedelta(minutes=29)
    assert (await scheduler.tick()).escalated == 0
    clock.now = filed + timedelta(minutes=30)
    assert (await scheduler.tick()).escalated == 1
    assert "PA-" in texts(await supervisor.read())


async def test_the_digest_waits_for_its_hour_and_goes_once_a_day_across_restarts(
    database: Database,
    staffed: dict[str, Any],  # noqa: F811
    services: Any,
    clock: FakeClock,
):
    city = services.runtime.settings.city
    await file_flooding(staffed["citizen"])
    box = Mailbox(database, "hepco-official")
    await box.read()
    to_local(clock, city, 14)  # the process starts in the afternoon
    assert (await open_scheduler(services).tick()).digests == 0
    to_local(clock, city, DIGEST_HOUR - 1, 59)
    assert (await open_scheduler(services).tick()).digests == 0
    to_local(clock, city, DIGEST_HOUR, 0)
    assert (await open_scheduler(services).tick()).digests == 1
    assert "Tổng hợp ngày" in texts(await box.read())
    to_local(clock, city, DIGEST_HOUR, 20)  # restarted within the hour: not again
    assert (await open_scheduler(services).tick()).digests == 0
    to_local(clock, city, DIGEST_HOUR + 1, 0)
    assert (await open_scheduler(services).tick()).digests == 0
    to_local(clock, city, DIGEST_HOUR, 1)  # the next morning
    assert (await open_scheduler(services).tick()).digests == 1


async def test_two_processes_at_the_hour_send_one_digest(
    database: Database,
    db_target: tuple[str, str | None],
    staffed: dict[str, Any],  # noqa: F811
    services: Any,
    clock: FakeClock,
):
    city = services.runtime.settings.city
    await file_flooding(staffed["citizen"])
    box = Mailbox(database, "hepco-official")
    await box.read()
    to_local(clock, city, DIGEST_HOUR, 0)
    other = Database(*db_target)  # a second process's own engine
    try:
        first = Scheduler(database, city, services.nlu, clock, DIGEST_HOUR)
        second = Scheduler(other, city, services.nlu, clock, DIGEST_HOUR)
        results = await asyncio.gather(first.tick(), second.tick())
    finally:
        await other.dispose()
    assert sum(result.digests for result in results) == 1
    assert texts(await box.read()).count("Tổng hợp ngày") == 1
