"""A confidential report: its author's identity reaches no official and no public endpoint.

The citizen files through the chat dialog (the words "giữ bí mật danh tính") after
sharing their contact; every message HueBot queues for anyone else, every dashboard
page and export an official can open, and every Open311 read are searched for the
name, the phone number (as typed and as shared) and the chat account. Only an admin's
explicit look shows them, and each look is written to the report's history.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import Services
from handlers import Channel, Contact
from storage import models
from tests.ops.support import grant, sign_in
from tests.support.chat import Chat
from tests.support.clock import FakeClock

ACCOUNT, NAME, PHONE = "secret-citizen-4711", "Trần Thị Kín Đáo", "0905 246 813"
TEXT = (
    "Có người đổ trộm rác xây dựng ở kiệt 5 Lê Lợi mỗi đêm. Tôi là Trần Thị Kín Đáo, "
    "số 0905 246 813, xin giữ bí mật danh tính"
)
SECRETS = (ACCOUNT, "Kín Đáo", "0905 246 813", "0905246813", "246 813")


def leaks(text: str) -> list[str]:
    digits = re.sub(r"\D", "", text)
    found = [secret for secret in SECRETS if secret in text]
    return found + (["digits"] if "0905246813" in digits else [])


async def file_confidential(services: Services, nlu_parser: Any, clock: FakeClock) -> str:
    city = services.runtime.settings.city
    citizen = Chat(
        services.database, city, nlu_parser, clock, user=ACCOUNT, places=services.places
    )
    await citizen.send(contact=Contact(PHONE, NAME))
    replies = await citizen.send(TEXT)
    assert "giữ bí mật danh tính của bạn" in " ".join(r.text for r in replies)
    if "report:skip_photo" in citizen.payloads():
        await citizen.press("report:skip_photo")
    if "report:send" not in citizen.payloads():
        await citizen.press("report:cat:garbage")
    assert "Danh tính của bạn được giữ bí mật" in citizen.texts()
    await citizen.press("report:send")
    return next(w for w in citizen.texts().split() if w.startswith("PA-")).rstrip(".")


async def queued_for_others(services: Services) -> str:
    """Every message HueBot queued for anyone but the author."""
    async with AsyncSession(services.database.engine) as session:
        rows = await session.execute(
            select(models.Outbox.payload)
            .join(models.User, models.User.id == models.Outbox.user_id)
            .where(models.User.external_id != ACCOUNT)
        )
        return "\n".join(str(row.payload) for row in rows)


async def test_no_official_or_public_reader_sees_who_wrote_it(
    client: TestClient, ops_services: Services, nlu_parser: Any, clock: FakeClock
):
    database = ops_services.database
    official = await grant(database, "telegram", "hepco-1", "official", "hepco", clock())
    await grant(database, "telegram", "group-hepco", "official", "hepco", clock())
    code = await file_confidential(ops_services, nlu_parser, clock)
    async with database.unit_of_work() as store:
        report = await store.reports.by_code(code)
    assert report is not None and report.confidential and report.unit_code == "hepco"
    sent = await queued_for_others(ops_services)
    assert code in sent and "giữ bí mật danh tính" in sent
    assert leaks(sent) == []
    city = ops_services.runtime.settings.city
    staff = Chat(database, city, nlu_parser, clock, user="hepco-1", channel=Channel.TELEGRAM)
    shown = " ".join(r.text for r in await staff.send(f"/report {code}"))
    assert leaks(shown) == []

    await sign_in(client, database, official, clock())
    pages = [
        await (await client.get(path)).text()
        for path in ("/ops/queue", f"/ops/reports/{code}", "/ops/queue.csv", "/ops/api/map")
    ]
    assert code in pages[1] and "Giữ bí mật danh tính" in pages[1]
    assert "identity" not in pages[1]  # no button for an official
    assert [leaks(page) for page in pages] == [[], [], [], []]
    public = await client.get(f"/open311/v2/requests/{report.public_id}.json")
    assert public.status == 200 and leaks(await public.text()) == []
    refused = await client.post(
        f"/ops/reports/{code}/identity", data={"csrf": await _csrf(client)}
    )
    assert refused.status == 403 and leaks(await refused.text()) == []


async def test_an_admin_sees_the_identity_and_every_look_is_recorded(
    client: TestClient, ops_services: Services, nlu_parser: Any, clock: FakeClock
):
    database = ops_services.database
    admin = await grant(database, "telegram", "ioc-admin", "admin", None, clock())
    code = await file_confidential(ops_services, nlu_parser, clock)
    token = await sign_in(client, database, admin, clock())
    page = await (await client.get(f"/ops/reports/{code}")).text()
    assert f'action="/ops/reports/{code}/identity"' in page and leaks(page) == []
    for _ in range(2):
        shown = await client.post(f"/ops/reports/{code}/identity", data={"csrf": token})
        body = await shown.text()
        assert shown.status == 200 and NAME in body and PHONE in body and ACCOUNT in body
        assert shown.headers["Cache-Control"] == "no-store"
    forged = await client.post(f"/ops/reports/{code}/identity", data={"csrf": "x" * 64})
    assert forged.status in (401, 403) and NAME not in await forged.text()
    async with database.unit_of_work() as store:
        report = await store.reports.by_code(code)
    assert report is not None
    looks = [e for e in report.events if e.note == "identity viewed"]
    assert len(looks) == 2 and all(e.actor == "admin" for e in looks)


async def _csrf(client: TestClient) -> str:
    page = await (await client.get("/ops/queue")).text()
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)
