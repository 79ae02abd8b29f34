"""The dashboard in a crisis: SOS on top of the queue and the map, the crisis view, switching."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import Services
from handlers import Channel, GeoPoint
from tests.ops.support import file_report, grant, sign_in
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def file_sos(services: Services, nlu_parser: Any, clock: FakeClock) -> str:
    city = services.runtime.settings.city
    citizen = Chat(services.database, city, nlu_parser, clock, user="sos-1",
                   places=services.places)  # fmt: skip
    await citizen.send("cuu voi nuoc ngap toi mai roi")
    replies = await citizen.send(location=GeoPoint(16.4635, 107.5570))  # Kim Long market
    said = "\n".join(r.text for r in replies)
    return next(word for word in said.split() if word.startswith("PA-"))


async def test_the_crisis_view_and_the_queue_put_the_sos_first(
    client: TestClient, ops_services: Services, nlu_parser: Any, clock: FakeClock
):
    database, city = ops_services.database, ops_services.runtime.settings.city
    supervisor = await grant(database, "telegram", "sup-1", "supervisor", None, clock())
    await file_report(database, city, clock())  # an ordinary report, older
    clock.advance(minutes=1)
    code = await file_sos(ops_services, nlu_parser, clock)
    clock.advance(minutes=7)
    token = await sign_in(client, database, supervisor, clock())
    view = await (await client.get("/ops/crisis")).text()
    assert code in view and "chưa ai nhận sau 7 phút" in view
    assert "Không có khu vực nào đang khẩn cấp" in view
    queue = await (await client.get("/ops/queue?sort=created")).text()
    assert queue.index(code) < queue.index("PA-10001") and 'class="urgent"' in queue
    points = await (await client.get("/ops/api/map")).json()
    urgent = [f["properties"] for f in points["features"] if f["properties"]["urgent"]]
    assert [p["code"] for p in urgent] == [code]
    switched = await client.post(
        "/ops/crisis", data={"csrf": token, "area": "kim_long", "action": "on", "reason": "lũ"},
        allow_redirects=False,
    )  # fmt: skip
    assert switched.status == 303
    assert "Phường Kim Long" in await (await client.get("/ops/crisis")).text()
    async with database.unit_of_work() as store:
        assert [(a.area, a.source) for a in await store.crisis.active()] == [
            ("kim_long", "dashboard")
        ]


async def test_an_official_sees_the_sos_on_top_of_mine_and_may_not_switch(
    client: TestClient, ops_services: Services, nlu_parser: Any, clock: FakeClock
):
    database, city = ops_services.database, ops_services.runtime.settings.city
    official = await grant(database, "telegram", "ptds-1", "official", "ptds", clock())
    await file_report(database, city, clock(), category="disaster")
    code = await file_sos(ops_services, nlu_parser, clock)
    staff = Chat(database, city, nlu_parser, clock, user="ptds-1", channel=Channel.TELEGRAM)
    mine = "\n".join(r.text for r in await staff.send("/mine"))
    first = next(line for line in mine.splitlines() if line.startswith("•"))
    assert first.startswith(f"• 🆘 {code}")
    token = await sign_in(client, database, official, clock())
    refused = await client.post("/ops/crisis", data={"csrf": token, "area": "*", "action": "on"})
    assert refused.status == 403
