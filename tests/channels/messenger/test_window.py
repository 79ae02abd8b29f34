"""Outside Messenger's 24-hour window, on SQLite and PostgreSQL, as ``huebot run`` wires it.

An alert reaches a follower outside the window only with their notification opt-in
token (kept from the ``optin`` event, migration 0017); without one the delivery is
recorded as not sendable, counted in ``huebot alert status``. A notice about a report
that may not go out is not sendable too, and the report's history says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import inspect

from bot.app import open_delivery
from bot.core import Services
from bot.delivery.follow import describe, not_sendable, snapshot
from bot.delivery.worker import DeliveryWorker
from handlers.alerts.issue import draft, issue
from storage.db import Database, downgrade, upgrade
from tests.alerts.support import alert_rows, subscribe
from tests.channels.messenger.test_dialogs import CITIZEN, OFFICIAL, Person, file_a_report
from tests.channels.messenger.test_live import LivePage, open_page
from tests.support.clock import FakeClock

FOLLOWER, STRANGER = "7100000000000001", "7100000000000002"


@pytest.fixture
async def untagged(
    services: Services[Any], clock: FakeClock, aiohttp_server: Any, aiohttp_client: Any
) -> AsyncIterator[LivePage]:
    """The running page, with no message tag allowed for notices."""
    opened = await open_page(services, clock, aiohttp_server, aiohttp_client, notice_tag=None)
    yield opened
    await opened.live.stop()


async def drained(page: LivePage, worker: DeliveryWorker) -> None:
    """Wait until the outbox holds nothing waiting."""
    for _ in range(1500):
        async with page.services.database.unit_of_work() as store:
            if await store.delivery.waiting(["messenger"]) == 0:
                return
        await asyncio.sleep(0.02)
    raise AssertionError("messenger rows still waiting")


def optin(person: Person, token: str, page: LivePage) -> dict[str, Any]:
    expiry = int(page.clock.now.timestamp() * 1000) + 180 * 86_400_000
    return person.event(optin={
        "type": "notification_messages", "payload": "ALERTS",
        "notification_messages_token": token, "token_expiry_timestamp": expiry,
        "notification_messages_frequency": "DAILY",
        "notification_messages_status": "RESUME_NOTIFICATIONS",
    })  # fmt: skip


async def test_an_alert_outside_the_window_needs_the_opt_in(untagged: LivePage) -> None:
    page, db = untagged, untagged.services.database
    follower, stranger, writer = (Person(k, page) for k in (FOLLOWER, STRANGER, CITIZEN))
    await follower.says(follower.text("xin chào"))
    await stranger.says(stranger.text("xin chào"))
    page.fake.optin_tokens["tok-follower"] = FOLLOWER
    await page.post(optin(follower, "tok-follower", page))
    page.clock.advance(hours=25)  # both windows closed
    await writer.says(writer.text("xin chào"))
    async with db.unit_of_work() as store:
        users = [await store.users.find("messenger", k) for k in (FOLLOWER, STRANGER, CITIZEN)]
    for user in users:
        assert user is not None
        await subscribe(db, user, "vy_da", now=page.clock())
    content = draft("Lũ trên sông Hương", "Mực nước vượt báo động 3.", severity="Severe",
                    whole_city=False, wards=("vy_da",), now=page.clock(),
                    sender="Thành phố Huế")  # fmt: skip
    city = page.services.runtime.settings.city
    async with db.unit_of_work() as store:
        alert_id = (await issue(store, city, content, page.clock())).alert_id
    worker = open_delivery(page.services, None, None, page.live)
    assert worker is not None
    await worker.start()
    try:
        await drained(page, worker)
    finally:
        await worker.stop()
    rows = await alert_rows(db, alert_id)
    assert rows == {FOLLOWER: "sent", CITIZEN: "sent", STRANGER: "failed"}
    [by_token] = [b for b in page.fake.sent() if "notification_messages_token" in b["recipient"]]
    assert by_token["recipient"] == {"notification_messages_token": "tok-follower"}
    [inside] = page.fake.sent(CITIZEN)[-1:]
    assert inside["messaging_type"] == "UPDATE"
    assert page.fake.sent(STRANGER)[-1]["messaging_type"] == "RESPONSE"  # the greeting only
    alert, progress = await snapshot(db, alert_id)
    status = describe(alert, progress, city, await not_sendable(db, alert_id))
    assert "not sendable (of the failed; platform policy): messenger 1" in status


async def test_a_stopped_opt_in_is_forgotten(untagged: LivePage) -> None:
    follower = Person(FOLLOWER, untagged)
    await untagged.post(optin(follower, "tok-follower", untagged))
    stop = optin(follower, "tok-follower", untagged)
    stop["entry"][0]["messaging"][0]["optin"]["notification_messages_status"] = (
        "STOP_NOTIFICATIONS"
    )
    stop["entry"][0]["messaging"][0]["timestamp"] += 1
    async with untagged.services.database.unit_of_work() as store:
        kept = await store.messenger_optins.token(FOLLOWER, untagged.clock())
    await untagged.post(stop)
    async with untagged.services.database.unit_of_work() as store:
        assert kept == "tok-follower"
        assert await store.messenger_optins.token(FOLLOWER, untagged.clock()) is None


async def test_a_notice_outside_the_window_is_not_sendable_and_in_the_history(
    untagged: LivePage,
) -> None:
    page, db = untagged, untagged.services.database
    code = await file_a_report(page, Person(CITIZEN, page))
    page.clock.advance(hours=25)  # the citizen's window has closed
    async with db.unit_of_work() as store:
        await store.staff.grant("messenger", OFFICIAL, "official", "hepco", page.clock())
    worker = open_delivery(page.services, None, None, page.live)
    assert worker is not None
    sent = len(page.fake.sent(CITIZEN))
    official = Person(OFFICIAL, page)
    await worker.start()
    try:
        await official.says(official.postback(f"act:accept:{code}"))
        await drained(page, worker)
    finally:
        await worker.stop()
    assert len(page.fake.sent(CITIZEN)) == sent  # nothing reached the citizen
    async with db.unit_of_work() as store:
        report = await store.reports.by_code(code)
    assert report is not None
    notes = [event.note for event in report.events if event.note]
    assert any(n.startswith("not sendable: messenger status") for n in notes)


async def test_the_opt_in_migration_goes_down_and_up(scratch: Database) -> None:
    await upgrade(scratch.engine)
    assert "messenger_optin" in await tables(scratch)
    await downgrade(scratch.engine, "0016")
    assert "messenger_optin" not in await tables(scratch)
    await upgrade(scratch.engine)
    assert "messenger_optin" in await tables(scratch)


async def tables(database: Database) -> set[str]:
    async with database.engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_only_the_persons_own_messages_open_the_window(untagged: LivePage) -> None:
    page, db = untagged, untagged.services.database
    official = Person(OFFICIAL, page)
    await official.says(official.text("xin chào"))
    wrote = page.clock()
    page.clock.advance(hours=30)
    async with db.unit_of_work() as store:  # a role granted long after they wrote
        await store.staff.grant("messenger", OFFICIAL, "official", "hepco", page.clock())
        user = await store.users.find("messenger", OFFICIAL)
    assert user is not None and user.last_seen_at == wrote
    worker = open_delivery(page.services, None, None, page.live)
    assert worker is not None
    async with db.unit_of_work() as store:
        await store.outbox.enqueue(user, "reminder", {"replies": [{"text": "Nhắc việc"}]},
                                   page.clock())  # fmt: skip
    asked = calls_to(page, OFFICIAL)
    await worker.start()
    try:
        await drained(page, worker)
    finally:
        await worker.stop()
    assert calls_to(page, OFFICIAL) == asked  # the window stayed closed: Meta not even asked
    await official.says(official.text("/help"))
    async with db.unit_of_work() as store:
        seen = await store.users.find("messenger", OFFICIAL)
    assert seen is not None and seen.last_seen_at == page.clock()


def calls_to(page: LivePage, psid: str) -> int:
    """Send API calls made to ``psid``, accepted or not."""
    return sum(call.body.get("recipient", {}).get("id") == psid for call in page.fake.calls)
