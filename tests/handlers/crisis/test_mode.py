"""Crisis mode: SOS, shelters and alerts first for citizens of the area, and back again."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.alerts.issue import cancel, draft, issue
from storage.db import Database
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.outbox import texts

FIRST = ["sos:start", "service:nearest:shelter", "crisis:alerts"]


@pytest.fixture
def chats(database: Database, services: Any, nlu_parser: Any, clock: FakeClock):
    city = services.runtime.settings.city

    def chat(key: str) -> Chat:
        return Chat(database, city, nlu_parser, clock, user=key, places=services.places)

    return chat


async def switch(database: Database, clock: FakeClock, area: str, on: bool = True) -> None:
    async with database.unit_of_work() as store:
        if on:
            await store.crisis.start(area, source="operator", actor="cli", now=clock())
        else:
            await store.crisis.end(None, actor="cli", now=clock())


async def test_the_whole_city_in_crisis_leads_with_sos_shelters_and_alerts(
    database: Database, chats: Any, clock: FakeClock
):
    citizen = chats("citizen")
    calm = await citizen.send("/start")
    assert "tình trạng khẩn cấp" not in texts(calm)
    await switch(database, clock, "*")
    replies = await citizen.send("/start")
    assert "Thành phố Huế đang trong tình trạng khẩn cấp" in texts(replies)
    assert citizen.payloads()[:3] == FIRST and "menu:report" in citizen.payloads()
    await citizen.send("/help")
    assert citizen.payloads()[:3] == FIRST
    await switch(database, clock, "*", on=False)
    replies = await citizen.send("/start")
    assert "tình trạng khẩn cấp" not in texts(replies) and "sos:start" not in citizen.payloads()


async def test_a_ward_in_crisis_changes_the_bot_only_for_its_people(
    database: Database, chats: Any, clock: FakeClock
):
    follower, elsewhere = chats("vy-da-follower"), chats("elsewhere")
    await follower.send("/subscribe Vỹ Dạ")
    await switch(database, clock, "vy_da")
    assert "Phường Vỹ Dạ đang trong tình trạng khẩn cấp" in texts(await follower.send("/start"))
    assert "tình trạng khẩn cấp" not in texts(await elsewhere.send("/start"))


async def test_a_report_in_an_area_in_crisis_is_taken_and_told_it_may_wait(
    database: Database, chats: Any, clock: FakeClock
):
    citizen = chats("citizen")
    await switch(database, clock, "*")
    await citizen.send("Đèn đường trước số 25 Lê Lợi bị hỏng mấy hôm nay")
    await citizen.press("report:skip_photo")
    if "report:send" not in citizen.payloads():
        await citizen.press("report:cat:lighting")
    replies = await citizen.press("report:send")
    assert "PA-" in texts(replies)
    assert "có thể trả lời phản ánh này sau khi qua khẩn cấp" in texts(replies)


async def test_an_extreme_alert_switches_its_wards_on_until_it_is_cancelled(
    database: Database, chats: Any, clock: FakeClock, services: Any
):
    city = services.runtime.settings.city
    content = draft(
        "Lũ quét ở Kim Long", "Sơ tán ngay khỏi vùng trũng.", severity="Extreme",
        whole_city=False, wards=("kim_long",), now=clock(), sender="ptds",
    )  # fmt: skip
    async with database.unit_of_work() as store:
        issued = await issue(store, city, content, clock())
        assert [row.area for row in await store.crisis.active()] == ["kim_long"]
    citizen = chats("citizen")
    replies = await citizen.send(choice="crisis:alerts")
    assert "Lũ quét ở Kim Long" in texts(replies)
    async with database.unit_of_work() as store:
        await cancel(store, issued.alert_id, clock())
        assert await store.crisis.active() == []
    assert "Hiện không có cảnh báo" in texts(await citizen.send(choice="crisis:alerts"))
