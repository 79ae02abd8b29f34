"""An SOS: the numbers at once, the place first, an urgent report to civil defence and the ward."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.app import open_scheduler
from handlers import GeoPoint
from storage.db import Database
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.outbox import Mailbox, payloads, texts

KIM_LONG = GeoPoint(16.4635, 107.5570)  # near Kim Long market


@pytest.fixture
async def crew(database: Database, services: Any, nlu_parser: Any, clock: FakeClock):
    city = services.runtime.settings.city
    async with database.unit_of_work() as store:
        await store.staff.grant("webchat", "ptds-official", "official", "ptds", clock())
        await store.staff.grant(
            "webchat", "kim-long-official", "official", "ubnd_kim_long", clock()
        )
        await store.staff.grant("webchat", "supervisor", "supervisor", None, clock())

    def chat(key: str) -> Chat:
        return Chat(database, city, nlu_parser, clock, user=key, places=services.places)

    return {key: chat(key) for key in ("citizen", "ptds-official", "supervisor")}


async def report_of(database: Database, code: str) -> Any:
    async with database.unit_of_work() as store:
        return await store.reports.by_code(code)


def code_in(text: str) -> str:
    return next(word for word in text.split() if word.startswith("PA-"))


async def test_an_sos_without_diacritics_with_its_place_goes_out_at_once(
    database: Database, crew: dict[str, Any]
):
    citizen = crew["citizen"]
    unit, ward = Mailbox(database, "ptds-official"), Mailbox(database, "kim-long-official")
    replies = await citizen.send("cuu voi, nuoc len toi mai nha o Kim Long, co 2 nguoi gia")
    said = texts(replies)
    assert "112" in said and "114" in said and "115" in said and "không thay thế" in said
    code = code_in(said)
    report = await report_of(database, code)
    assert (report.urgent, report.unit_code, report.ward) == (True, "ptds", "kim_long")
    assert (report.people, report.needs, report.category) == (2, ("elderly",), "disaster")
    to_unit = await unit.read()
    assert "TIN KHẨN" in texts(to_unit) and "2 người: người già" in texts(to_unit)
    assert f"act:accept:{code}" in payloads(to_unit)
    copy = await ward.read()
    assert "Bản sao" in texts(copy) and code in texts(copy) and payloads(copy) == []
    assert "sos.ask_people" not in said and "Ở đó có bao nhiêu người" not in said


async def test_an_sos_asks_where_first_then_who_and_passes_updates_on(
    database: Database, crew: dict[str, Any]
):
    citizen, unit = crew["citizen"], Mailbox(database, "ptds-official")
    replies = await citizen.send("help, we are trapped by the flood")
    assert "call 112" in texts(replies) and any(reply.ask_location for reply in replies)
    assert await unit.read() == []  # nothing filed before HueBot knows where
    replies = await citizen.send(location=KIM_LONG)
    code = code_in(texts(replies))
    assert "How many people" in texts(replies)
    assert code in texts(await unit.read())
    replies = await citizen.press("sos:need:children")
    assert "children" in texts(replies)
    assert "trẻ em" in texts(await unit.read())
    await citizen.send("water still rising, we are on the second floor")
    update = texts(await unit.read())
    assert f"Cập nhật tin khẩn {code}" in update and "second floor" in update
    report = await report_of(database, code)
    assert report.needs == ("children",)
    assert any(event.note and "second floor" in event.note for event in report.events)


async def test_a_call_that_may_be_a_joke_is_asked_about_first(
    database: Database, crew: dict[str, Any]
):
    citizen, unit = crew["citizen"], Mailbox(database, "ptds-official")
    replies = await citizen.send("cứu với!!")
    assert payloads(replies) == ["sos:yes", "sos:no"]
    replies = await citizen.press("sos:no")
    assert "112" not in texts(replies)  # the report dialog goes on as usual
    assert await unit.read() == []
    await citizen.send("/cancel")
    await citizen.send("cứu với!!")
    replies = await citizen.press("sos:yes")
    assert "112" in texts(replies) and any(reply.ask_location for reply in replies)


async def test_a_clear_call_interrupts_an_open_report(database: Database, crew: dict[str, Any]):
    citizen = crew["citizen"]
    await citizen.send("Cống thoát nước trước chợ bị tắc, nước ngập cả đoạn đường")
    replies = await citizen.send("cuu voi nuoc len nhanh qua, co nguoi mac ket")
    assert "112" in texts(replies)


async def test_nobody_acknowledging_resends_every_five_minutes_and_escalates_once(
    database: Database, crew: dict[str, Any], services: Any, clock: FakeClock
):
    citizen, official = crew["citizen"], crew["ptds-official"]
    unit, supervisor = Mailbox(database, "ptds-official"), Mailbox(database, "supervisor")
    author = Mailbox(database, "citizen")
    code = code_in(texts(await citizen.send("cuu voi nuoc ngap toi mai o Kim Long")))
    filed = clock.now
    await unit.read()
    scheduler = open_scheduler(services)
    for minutes, again, escalated in ((4, 0, 0), (5, 1, 0), (9, 0, 0), (10, 1, 0), (15, 1, 1)):
        clock.now = filed + timedelta(minutes=minutes)
        await scheduler.tick()
        nudges = texts(await unit.read()).count(f"Tin khẩn {code} chưa có ai nhận")
        assert (minutes, nudges) == (minutes, again)
        alarms = texts(await supervisor.read()).count(code)
        assert (minutes, alarms) == (minutes, escalated)
    official.last = await unit.read() or [*official.last]
    async with database.unit_of_work() as store:
        assert (await store.reports.by_code(code)).acknowledged_at is None
    await official.send(f"/report {code}")
    await official.press(f"act:accept:{code}")
    told = texts(await author.read())
    assert "đã tiếp nhận tin khẩn" in told and code in told
    clock.now = filed + timedelta(minutes=30)
    await scheduler.tick()
    assert await unit.read() == [] and await supervisor.read() == []
    assert (await report_of(database, code)).acknowledged_at == filed + timedelta(minutes=15)


async def test_two_schedulers_nudge_once(
    database: Database, crew: dict[str, Any], services: Any, clock: FakeClock
):
    import asyncio

    citizen, unit = crew["citizen"], Mailbox(database, "ptds-official")
    code = code_in(texts(await citizen.send("cuu voi nuoc ngap toi mai o Kim Long")))
    await unit.read()
    clock.now += timedelta(minutes=5)
    await asyncio.gather(open_scheduler(services).tick(), open_scheduler(services).tick())
    assert texts(await unit.read()).count(f"Tin khẩn {code} chưa có ai nhận") == 1
