"""An SOS from a Zalo citizen reaches civil defence on Telegram at once. Both stores.

Signed events go to HueBot's ``/zalo/webhook`` and HueBot answers through the fake Zalo
OpenAPI; the unit's officials are on Telegram, sent to by the real delivery worker.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_scheduler
from bot.delivery.worker import DeliveryWorker
from tests.channels.test_zalo_dialogs import Zalo, citizen, fake_zalo, zalo  # noqa: F401
from tests.delivery.support import build_worker
from tests.support.clock import FakeClock
from tests.support.fake_telegram import FakeTelegram, eventually
from tests.support.fake_zalo import ZaloCitizen

SOS = "cuu voi nuoc len nhanh qua, nha toi o Kim Long, co 3 chau nho"
OFFICIAL, COMMITTEE = 9_001, 9_002


@pytest.fixture
async def fake_telegram(aiohttp_server: Any) -> FakeTelegram:
    fake = FakeTelegram()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def worker(
    zalo: Zalo,  # noqa: F811
    fake_telegram: FakeTelegram,
    clock: FakeClock,
    tmp_path: Path,
) -> AsyncIterator[DeliveryWorker]:
    started = build_worker(zalo.services.database, fake_telegram, clock, tmp_path / "media")
    await started.start()
    yield started
    await started.stop()


async def test_a_zalo_sos_without_diacritics_reaches_civil_defence_and_the_ward(
    zalo: Zalo,  # noqa: F811
    citizen: ZaloCitizen,  # noqa: F811
    fake_telegram: FakeTelegram,
    worker: DeliveryWorker,
    clock: FakeClock,
):
    database = zalo.services.database
    async with database.unit_of_work() as store:
        await store.staff.grant("telegram", str(OFFICIAL), "official", "ptds", clock())
        await store.staff.grant("telegram", str(COMMITTEE), "official", "ubnd_kim_long", clock())
    started = time.monotonic()
    replies = await zalo.replies_after(2, citizen.text(SOS))
    said = "\n".join(replies)
    assert "112" in said and "không thay thế" in said
    code = "PA-" + said.split("PA-")[1][:5]
    await eventually(lambda: any(code in t for t in fake_telegram.texts(OFFICIAL)))
    arrived = time.monotonic() - started
    await eventually(lambda: any(code in t for t in fake_telegram.texts(COMMITTEE)))
    print(f"Zalo SOS reached the civil-defence official in {arrived:.2f} s")
    assert arrived < 5.0, arrived
    unit = "\n".join(fake_telegram.texts(OFFICIAL))
    assert "3 người: trẻ em" in unit and "Kim Long" in unit

    clock.now += timedelta(minutes=5)
    await open_scheduler(zalo.services).tick()
    await eventually(lambda: any("chưa có ai nhận" in t for t in fake_telegram.texts(OFFICIAL)))
    update = citizen.text("nuoc van len, da len tang 2")
    await zalo.replies_after(1, update)
    await eventually(lambda: any("tang 2" in t for t in fake_telegram.texts(OFFICIAL)))
    async with database.unit_of_work() as store:
        report = await store.reports.by_code(code)
    assert report is not None and (report.urgent, report.channel) == (True, "zalo")
