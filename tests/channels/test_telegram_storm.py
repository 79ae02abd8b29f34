"""Replies and an alert on one Telegram bot: one client, one pacer, Telegram's strict limit.

The fake Bot API enforces the limit exactly (30 in any sliding second, 1 a second per
chat): if replies took another path than the outbox, the two would collide into 429s.
"""

from __future__ import annotations

import pytest

from bot.app import open_delivery
from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram
from tests.delivery.support import add_users, enqueue
from tests.support.fake_telegram import eventually

pytestmark = pytest.mark.parametrize("mode", ["webhook"], indirect=True)
NOTICES = 150  # five seconds at 30 a second


async def test_a_reply_does_not_wait_behind_an_alert(telegram: Telegram, citizen: Citizen):
    limits = telegram.fake.strict(per_second=30)
    database, clock = telegram.services.database, telegram.clock
    for user in await add_users(database, "telegram", range(8001, 8001 + NOTICES), clock()):
        await enqueue(database, user, "Cảnh báo", clock(), priority=0)
    worker = open_delivery(telegram.services, telegram.channel)
    assert worker is not None and worker.pacers["telegram"] is telegram.channel.pacer
    await worker.start()
    try:
        await eventually(lambda: len(telegram.fake.delivered()) >= 30)  # the alert is going
        await telegram.deliver(citizen.text("/help"))
        [answer] = await eventually(lambda: telegram.fake.texts(citizen.id))
        alert_sent_by_then = len(telegram.fake.delivered()) - 1
        await eventually(lambda: len(telegram.fake.delivered()) >= NOTICES + 1, timeout=30)
    finally:
        await worker.stop()
    assert "/status PA-12345" in answer
    assert alert_sent_by_then < NOTICES  # answered while the alert was still going out
    assert telegram.fake.violations == 0 and limits.busiest == 30
