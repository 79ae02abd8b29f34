"""An SOS on Telegram end to end: real PTB, the real delivery worker, the fake Bot API.

A citizen writes without diacritics; the civil-defence official and the ward's
committee, both on Telegram, get it within seconds (the figure is measured, the bound
is generous for a loaded machine); nobody acknowledges, so it is re-sent and escalated
on time; an official accepts in the chat and the citizen is told. Both stores.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import open_scheduler
from bot.delivery.worker import DeliveryWorker
from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram
from tests.delivery.support import build_worker
from tests.support.fake_telegram import eventually

webhook_only = pytest.mark.parametrize("mode", ["webhook"], indirect=True)
SOS = "cuu voi, nuoc len toi mai nha o Kim Long, co 2 nguoi gia"
OFFICIAL, COMMITTEE, SUPERVISOR = 8_001, 8_002, 8_003
ARRIVAL_BOUND_SECONDS = 5.0


@pytest.fixture
async def worker(telegram: Telegram, tmp_path: Path) -> AsyncIterator[DeliveryWorker]:
    started = build_worker(
        telegram.services.database, telegram.fake, telegram.clock, tmp_path / "media"
    )
    await started.start()
    yield started
    await started.stop()


async def staff(telegram: Telegram) -> None:
    async with telegram.services.database.unit_of_work() as store:
        now = telegram.clock()
        await store.staff.grant("telegram", str(OFFICIAL), "official", "ptds", now)
        await store.staff.grant("telegram", str(COMMITTEE), "official", "ubnd_kim_long", now)
        await store.staff.grant("telegram", str(SUPERVISOR), "supervisor", None, now)


def texts_to(telegram: Telegram, chat: int) -> list[str]:
    return telegram.fake.texts(chat)


@webhook_only
async def test_an_sos_reaches_the_unit_and_the_ward_at_once_and_is_chased_until_taken(
    telegram: Telegram, worker: DeliveryWorker
):
    await staff(telegram)
    citizen, fake = Citizen(telegram.fake), telegram.fake
    started = time.monotonic()
    await telegram.replies_after(2, citizen.text(SOS))
    numbers, filed = fake.texts(citizen.id)[:2]
    assert "112" in numbers and "115" in numbers
    code = "PA-" + filed.split("PA-")[1][:5]
    await eventually(lambda: any(code in text for text in texts_to(telegram, OFFICIAL)))
    arrived = time.monotonic() - started
    await eventually(lambda: any(code in text for text in texts_to(telegram, COMMITTEE)))
    print(f"SOS reached the civil-defence official in {arrived:.2f} s")
    assert arrived < ARRIVAL_BOUND_SECONDS, arrived
    to_unit = "\n".join(texts_to(telegram, OFFICIAL))
    assert "TIN KHẨN" in to_unit and "Kim Long" in to_unit and "2 người: người già" in to_unit

    scheduler, filed_at = open_scheduler(telegram.services), telegram.clock()
    for minutes, nudges, alarms in ((5, 1, 0), (15, 2, 1)):
        telegram.clock.now = filed_at + timedelta(minutes=minutes)
        await scheduler.tick()
        await eventually(
            lambda n=nudges: sum("chưa có ai nhận" in t for t in texts_to(telegram, OFFICIAL)) == n
        )
        await eventually(
            lambda a=alarms: sum(code in t for t in texts_to(telegram, SUPERVISOR)) == a
        )

    unit_person = Citizen(fake, OFFICIAL)
    assignment = next(m for key, m in sorted(fake.messages.items())
                      if key[0] == OFFICIAL and code in m.get("text", "")
                      and "reply_markup" in m)  # fmt: skip
    accept = next(b for row in assignment["reply_markup"]["inline_keyboard"] for b in row
                  if "Tiếp nhận" in b["text"])  # fmt: skip
    await telegram.replies_after(1, unit_person.press_data(accept["callback_data"], assignment))
    await eventually(lambda: any("đã tiếp nhận tin khẩn" in t for t in fake.texts(citizen.id)))
    async with telegram.services.database.unit_of_work() as store:
        report = await store.reports.by_code(code)
    assert report is not None and report.urgent and report.acknowledged_at is not None
    assert (report.people, report.needs, report.ward) == (2, ("elderly",), "kim_long")
