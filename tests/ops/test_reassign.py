"""'Not ours' on the dashboard: supervisors transfer or confirm; the citizen hears only that."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from bot.app import Services
from tests.ops.support import file_report, grant, sign_in
from tests.support.clock import FakeClock
from tests.support.outbox import Mailbox, texts

CITIZEN = "4242001"


async def test_a_supervisor_confirms_a_not_ours_rejection_and_the_citizen_is_told(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    database, city = ops_services.database, ops_services.runtime.settings.city
    report = await file_report(database, city, clock())
    citizen_box = Mailbox(database, CITIZEN)
    await citizen_box.read()
    official = await grant(database, "telegram", "88", "official", report.unit_code, clock())
    token = await sign_in(client, database, official, clock())
    path = f"/ops/reports/{report.code}"
    form = {"csrf": token, "why": "not_ours", "reason": "Thuộc cấp nước"}
    rejected = await client.post(f"{path}/reject", data=form, allow_redirects=False)
    assert rejected.headers["Location"].endswith("done=ok")
    assert await citizen_box.read() == []
    refused = await client.post(f"{path}/confirm", data={"csrf": token}, allow_redirects=False)
    assert refused.headers["Location"].endswith("done=stale")

    await client.post("/ops/logout", data={"csrf": token})
    supervisor = await grant(database, "telegram", "77", "supervisor", None, clock())
    token = await sign_in(client, database, supervisor, clock())
    assert f"{path}/confirm" in await (await client.get(path)).text()
    done = await client.post(f"{path}/confirm", data={"csrf": token}, allow_redirects=False)
    assert done.headers["Location"].endswith("done=ok")
    told = texts(await citizen_box.read())
    assert "Không tiếp nhận" in told and "Thuộc cấp nước" in told
    assert f"{path}/confirm" not in await (await client.get(path)).text()
    again = await client.post(f"{path}/confirm", data={"csrf": token}, allow_redirects=False)
    assert again.headers["Location"].endswith("done=stale")
    assert await citizen_box.read() == []
