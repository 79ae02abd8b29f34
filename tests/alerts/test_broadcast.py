"""A Severe alert for two wards, end to end: web chat and Telegram, progress, report."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import Services
from bot.delivery.settings import ChannelRate
from bot.delivery.worker import DeliveryWorker
from handlers import Channel
from handlers.alerts.issue import draft, issue
from tests.alerts.support import alert_rows, report_in, subscribe
from tests.delivery.support import add_users, build_worker, delivered, fast_config, set_role
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.fake_telegram import FakeTelegram, eventually


@pytest.fixture
async def worker(
    services: Services, fake_telegram: FakeTelegram, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[DeliveryWorker]:
    """A running worker whose clock moves a second every 50 ms (progress turns come)."""
    config = fast_config(
        telegram=ChannelRate(messages_per_second=60, paid_broadcast=True),
        lease_seconds=3600, progress_seconds=2,
    )  # fmt: skip
    started = build_worker(services.database, fake_telegram, clock, tmp_path / "m", config)
    await started.start()

    async def tick() -> None:
        while True:
            await asyncio.sleep(0.05)
            clock.advance(seconds=1)

    ticker = asyncio.create_task(tick())
    yield started
    ticker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ticker
    await started.stop()


async def finished(services: Services, alert_id: int) -> None:
    async def done() -> bool:
        async with services.database.unit_of_work() as store:
            alert = await store.alerts.get(alert_id)
        return alert is not None and alert.finished_at is not None

    for _ in range(1500):
        if await done():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"alert {alert_id} not finished")


async def test_a_severe_alert_for_two_wards_reaches_exactly_the_right_people(
    services: Services, fake_telegram: FakeTelegram, clock: FakeClock, worker: DeliveryWorker
):
    db, city = services.database, services.runtime.settings.city
    tg = await add_users(db, "telegram", (101, 102, 103, 104, 105, 106, 107), clock())
    web = await add_users(db, "webchat", ("page-vy", "page-kl"), clock())
    for user in (tg[0], tg[1], tg[6], web[0]):
        await subscribe(db, user, "vy_da", now=clock())
    await subscribe(db, tg[2], "an_cuu", now=clock())
    await report_in(db, city, tg[3], "an_cuu", clock())
    await subscribe(db, tg[4], "kim_long", now=clock())
    await subscribe(db, web[1], "kim_long", now=clock())
    fake_telegram.blocked.add(107)
    content = draft("Lũ trên sông Hương", "Mực nước vượt báo động 3.", severity="Severe",
                    whole_city=False, wards=("vy_da", "an_cuu"), now=clock(),
                    sender="Thành phố Huế")  # fmt: skip
    async with db.unit_of_work() as store:
        alert_id = (await issue(store, city, content, clock())).alert_id
    await finished(services, alert_id)
    assert delivered(fake_telegram) == {101: 1, 102: 1, 103: 1, 104: 1}
    assert all("Lũ trên sông Hương" in text for text in fake_telegram.texts())
    page = await services.inbox.webchat_inbox("page-vy", 0)
    assert [reply.text.splitlines()[1] for _, reply in page] == ["Lũ trên sông Hương"]
    assert await services.inbox.webchat_inbox("page-kl", 0) == []
    assert await alert_rows(db, alert_id) == {
        "101": "sent", "102": "sent", "103": "sent", "104": "sent", "107": "blocked",
        "page-vy": "sent",
    }  # fmt: skip


async def test_the_broadcaster_sees_one_message_edited_in_place_then_the_report(
    services: Services, fake_telegram: FakeTelegram, clock: FakeClock, worker: DeliveryWorker,
    nlu_parser: Any,
):  # fmt: skip
    db, city = services.database, services.runtime.settings.city
    people = await add_users(db, "telegram", range(2001, 2201), clock())
    for user in people:
        await subscribe(db, user, "an_cuu", now=clock())
    (officer,) = await add_users(db, "telegram", (900,), clock())
    await set_role(db, officer, "broadcaster")
    chat = Chat(db, city, nlu_parser, clock, user="900", channel=Channel.TELEGRAM)
    for step in ("/alert", "Cắt nước toàn phường An Cựu\nTừ 8 giờ đến 17 giờ.", "An Cựu"):
        await chat.send(step)
    await chat.press("alert:sev:Moderate")
    await chat.press("alert:confirm")
    await finished(services, 1)
    progress = [c for c in fake_telegram.sent(900) if "📣" in c.params["text"]]
    assert len(progress) == 1  # one message, then only edits
    message_id = next(m for (ch, m), msg in fake_telegram.messages.items() if ch == 900)
    edits = [c for c in fake_telegram.calls_to("editMessageText")
             if int(c.params["message_id"]) == message_id]  # fmt: skip
    assert edits, "the progress message was never edited"
    final = fake_telegram.messages[(900, message_id)]["text"]
    assert "Cảnh báo #1: đã gửi xong" in final and "Telegram: 200 đã gửi" in final
    assert delivered(fake_telegram)[2001] == 1 and len(delivered(fake_telegram)) == 201


async def test_a_web_chat_broadcaster_gets_the_start_and_the_report_in_the_page(
    services: Services, fake_telegram: FakeTelegram, clock: FakeClock, worker: DeliveryWorker
):
    db, city = services.database, services.runtime.settings.city
    people = await add_users(db, "telegram", range(3001, 3031), clock())
    for user in people:
        await subscribe(db, user, "kim_long", now=clock())
    (officer,) = await add_users(db, "webchat", ("officer-page",), clock())
    content = draft("Cây đổ chắn đường Kim Long", "Tránh tuyến đường.", severity="Minor",
                    whole_city=False, wards=("kim_long",), now=clock(), sender="Huế")  # fmt: skip
    async with db.unit_of_work() as store:
        alert_id = (await issue(store, city, content, clock(), watcher=officer.id)).alert_id
    await finished(services, alert_id)
    notices = [reply.text for _, reply in await services.inbox.webchat_inbox("officer-page", 0)]
    assert len(notices) in (1, 2) and "đã gửi xong" in notices[-1]
    assert "Telegram: 30 đã gửi" in notices[-1]
    await eventually(lambda: len(delivered(fake_telegram)) == 30)
