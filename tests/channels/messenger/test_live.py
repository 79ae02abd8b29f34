"""Messenger as ``huebot run`` wires it, on SQLite and PostgreSQL, over real HTTP.

The app comes from ``build_app`` with the real services and ``LiveMessenger``: signed
bodies go to ``/messenger/webhook``, are committed to the one intake, processed by the
channel's workers, and answered through the fake Graph API; outbox rows go out through
``open_delivery``'s worker with the channel's sender and pacer. Assertions are on what
the fake recorded and what the store holds.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import build_app, open_delivery
from bot.channels.messenger.client import MessengerSettings
from bot.channels.messenger.live import LiveMessenger
from bot.core import Services
from storage.records import Status
from tests.channels.messenger.test_dialogs import (
    CITIZEN,
    OFFICIAL,
    Messenger,
    Person,
    file_a_report,
)
from tests.support.clock import FakeClock
from tests.support.fake_messenger import APP_SECRET, PAGE_TOKEN, VERIFY_TOKEN, serve_fake
from tests.support.fake_telegram import eventually
from tests.support.images import jpeg


@dataclass
class LivePage(Messenger):
    """The page of ``test_dialogs`` behind the running app: a post waits for its answer."""

    live: Any = None

    async def post(self, event: dict[str, Any], secret: str = APP_SECRET) -> int:
        if secret == APP_SECRET:  # Meta opens the window when the person writes
            for entry in event["entry"]:
                for one in entry["messaging"]:
                    self.fake.inbound(one["sender"]["id"])
        status = await super().post(event, secret)
        await self.settled()
        return status

    async def settled(self) -> None:
        """Wait until every stored event has been processed."""
        for _ in range(1500):
            async with self.services.database.unit_of_work() as store:
                if (await store.intake.counts("messenger")).get("pending", 0) == 0:
                    return
            await asyncio.sleep(0.02)
        raise AssertionError("messenger events still pending")

    async def stored(self) -> int:
        async with self.services.database.unit_of_work() as store:
            return sum((await store.intake.counts("messenger")).values())


async def open_page(
    services: Services[Any], clock: FakeClock, aiohttp_server: Any, aiohttp_client: Any,
    notice_tag: str | None = "ACCOUNT_UPDATE",
) -> LivePage:  # fmt: skip
    await services.nlu.parse("xin chào")  # the model is trained once, before the clock
    fake = await serve_fake(aiohttp_server, clock)
    settings = MessengerSettings(
        PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, api_base_url=fake.base_url, http_media=True,
        notice_tag=notice_tag,
    )  # fmt: skip
    live = LiveMessenger(services, settings, clock=clock, tick=0.05)
    client = await aiohttp_client(build_app(services, messenger=live))
    await live.start()
    await eventually(live.ready.is_set)
    return LivePage(fake, services, clock, client, itertools.count(1), [], live)


@pytest.fixture
async def page(
    services: Services[Any], clock: FakeClock, aiohttp_server: Any, aiohttp_client: Any
) -> AsyncIterator[LivePage]:
    opened = await open_page(services, clock, aiohttp_server, aiohttp_client)
    yield opened
    await opened.live.stop()


async def test_a_citizen_reports_and_an_official_resolves(page: LivePage) -> None:
    citizen, official = Person(CITIZEN, page), Person(OFFICIAL, page)
    code = await file_a_report(page, citizen)
    async with page.services.database.unit_of_work() as store:
        await store.staff.grant("messenger", OFFICIAL, "official", "hepco", page.clock())
    [accepted] = await official.says(official.postback(f"act:accept:{code}"))
    assert code in accepted
    await official.says(official.postback(f"act:resolve:{code}"))
    await official.says(official.text("Đã thu gom rác, vệ sinh khu vực"))
    await official.says(official.image(jpeg((800, 600))))
    [report] = await page.reports()
    assert report.status == Status.RESOLVED and report.channel == "messenger"
    assert len(report.photos) == 2
    assert all(b["messaging_type"] == "RESPONSE" for b in page.fake.sent(OFFICIAL))


async def test_forged_and_replayed_events_change_nothing(page: LivePage) -> None:
    citizen = Person(CITIZEN, page)
    assert await page.post(citizen.text("Đèn hỏng"), secret="forged") == 403
    assert await page.stored() == 0 and page.fake.calls == []
    page.posted.clear()
    await file_a_report(page, citizen)
    stored, sent = await page.stored(), len(page.fake.sent())
    for event in list(page.posted):  # Meta delivers the whole dialog again
        assert await page.post(event) == 200
    assert len(await page.reports()) == 1
    assert await page.stored() == stored and len(page.fake.sent()) == sent


async def test_the_subscription_check(page: LivePage) -> None:
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    wrong = await page.client.get("/messenger/webhook", params={**query, "hub.verify_token": "x"})
    assert wrong.status == 403
    right = await page.client.get(
        "/messenger/webhook", params={**query, "hub.verify_token": VERIFY_TOKEN}
    )
    assert right.status == 200 and await right.text() == "1158201444"


async def test_an_unconfigured_app_refuses_every_event(
    services: Services[Any], aiohttp_client: Any
) -> None:
    client = await aiohttp_client(build_app(services))
    response = await client.post("/messenger/webhook", data=b"{}")
    assert response.status == 403
    query = {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": ""}
    assert (await client.get("/messenger/webhook", params=query)).status == 403
    health = await (await client.get("/healthz")).json()
    assert health["platforms"] == {"messenger": {"configured": False}}
    assert health["status"] == "ok"


async def test_notices_go_through_the_outbox_worker(page: LivePage) -> None:
    citizen = Person(CITIZEN, page)
    code = await file_a_report(page, citizen)
    page.clock.advance(hours=25)  # the citizen's window has closed
    worker = open_delivery(page.services, None, None, page.live)
    assert worker is not None and worker.pacers["messenger"] is page.live.pacer
    async with page.services.database.unit_of_work() as store:
        await store.staff.grant("messenger", OFFICIAL, "official", "hepco", page.clock())
    official = Person(OFFICIAL, page)
    await worker.start()
    try:
        await official.says(official.postback(f"act:accept:{code}"))
        await eventually(lambda: any(b.get("tag") for b in page.fake.sent(CITIZEN)))
    finally:
        await worker.stop()
    [notice] = [b for b in page.fake.sent(CITIZEN) if b.get("tag")]
    assert (notice["messaging_type"], notice["tag"]) == ("MESSAGE_TAG", "ACCOUNT_UPDATE")
    assert code in notice["message"]["text"]


async def test_health_says_whether_the_page_is_reachable(page: LivePage) -> None:
    healthy = await (await page.client.get("/healthz")).json()
    assert healthy["platforms"]["messenger"] == {"configured": True, "reachable": True}
    ready = await (await page.client.get("/readyz")).json()
    assert ready["channels"]["messenger"] == "started"
    assert ready["platforms"]["messenger"]["reachable"] is True
    asked = sum(call.path == "/me" for call in page.fake.calls)
    assert asked == 1  # the answer is kept a while
    page.live.reach.seconds = 0.0
    page.fake.page_token = "a-newer-token"  # ours was revoked
    degraded = await (await page.client.get("/healthz")).json()
    assert degraded["status"] == "degraded"
    state = degraded["platforms"]["messenger"]
    assert state["reachable"] is False and "MESSENGER_PAGE_TOKEN" in state["error"]


async def test_health_when_the_graph_api_does_not_answer(
    services: Services[Any], clock: FakeClock, aiohttp_client: Any
) -> None:
    settings = MessengerSettings(
        PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, api_base_url="http://127.0.0.1:9"
    )
    live = LiveMessenger(services, settings, clock=clock)
    client = await aiohttp_client(build_app(services, messenger=live))
    try:
        body = await (await client.get("/healthz")).json()
    finally:
        await live.stop()
    assert body["status"] == "degraded"
    assert body["platforms"]["messenger"] == {
        "configured": True,
        "reachable": False,
        "error": "Unavailable",
    }


async def test_a_person_who_blocked_the_page_and_writes_again_is_reachable(
    page: LivePage,
) -> None:
    citizen = Person(CITIZEN, page)
    await citizen.says(citizen.text("xin chào"))
    page.fake.blocked.add(CITIZEN)
    await citizen.says(citizen.text("/help"))  # the answer finds the Page blocked
    async with page.services.database.unit_of_work() as store:
        blocked = await store.users.find("messenger", CITIZEN)
    page.fake.blocked.clear()
    [*answers] = await citizen.says(citizen.text("/help"))
    async with page.services.database.unit_of_work() as store:
        back = await store.users.find("messenger", CITIZEN)
    assert blocked is not None and not blocked.reachable
    assert back is not None and back.reachable and answers


async def test_a_reply_meta_could_not_take_is_sent_when_the_event_is_tried_again(
    page: LivePage,
) -> None:
    citizen = Person(CITIZEN, page)
    page.fake.fail(2, "Service temporarily unavailable", status=503)
    page.fake.inbound(CITIZEN)
    assert await Messenger.post(page, citizen.text("/help")) == 200
    await eventually(lambda: page.fake.calls != [] and not page.fake._failures)
    await asyncio.sleep(0.2)  # the worker puts the event back for a retry
    assert page.fake.texts(CITIZEN) == []  # the answer was recorded, not delivered
    page.clock.advance(seconds=5)  # the retry is due
    page.live.queue.wake()
    await page.settled()
    assert page.fake.texts(CITIZEN)  # the recorded answer, sent on the retry
    async with page.services.database.unit_of_work() as store:
        assert (await store.intake.counts("messenger")) == {"done": 1}
