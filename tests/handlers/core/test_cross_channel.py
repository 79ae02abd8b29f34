"""A report's whole life across channels: a web chat citizen, a Telegram official.

The official's messages travel through the real delivery worker to the fake Bot
API server over HTTP; the citizen's notices wait in the web chat's inbox.
"""

from __future__ import annotations

import json
from typing import Any

from bot.app import Services
from bot.delivery.worker import DeliveryWorker
from handlers import Channel, GeoPoint
from storage.stats import Period, StatsQuery
from tests.alerts.test_broadcast import worker  # noqa: F401  (fixture)
from tests.delivery.conftest import fake_telegram  # noqa: F401  (fixture)
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.fake_telegram import FakeTelegram, eventually

OFFICIAL = 555


async def test_web_chat_citizen_and_telegram_official(
    services: Services,
    fake_telegram: FakeTelegram,  # noqa: F811
    clock: FakeClock,
    worker: DeliveryWorker,  # noqa: F811
    nlu_parser: Any,
):
    db, city = services.database, services.runtime.settings.city
    async with db.unit_of_work() as store:
        await store.staff.grant("telegram", str(OFFICIAL), "official", "hepco", clock())
    citizen = Chat(db, city, nlu_parser, clock, user="page-1")
    official = Chat(db, city, nlu_parser, clock, user=str(OFFICIAL), channel=Channel.TELEGRAM)

    await citizen.send("Cống trước chợ Đông Ba bị tắc, nước ngập cả đoạn đường")
    await citizen.send(location=GeoPoint(16.4719, 107.5875))
    await citizen.press("report:skip_photo")
    if "report:send" not in citizen.payloads():
        await citizen.press("report:cat:flooding")
    await citizen.press("report:send")
    code = next(w for w in citizen.texts().split() if w.startswith("PA-")).rstrip(".")

    def received(fragment: str) -> bool:
        return any(fragment in text for text in fake_telegram.texts(OFFICIAL))

    await eventually(lambda: received(code))
    assignment = next(c for c in fake_telegram.delivered(OFFICIAL) if code in c.params["text"])
    markup = assignment.params["reply_markup"]
    keyboard = (json.loads(markup) if isinstance(markup, str) else markup)["inline_keyboard"]
    assert sum(len(row) for row in keyboard) == 5  # accept, transfer, reject, info, resolve

    await official.send(choice=f"act:accept:{code}")
    await official.send(choice=f"act:info:{code}")
    await official.send("Nước sâu khoảng bao nhiêu cm ạ?")
    await citizen.send("Khoảng 40 cm")
    await eventually(lambda: received("40 cm"))

    await official.send(choice=f"act:resolve:{code}")
    await official.send("Đã nạo vét cống, nước đã rút")
    await official.press(f"act:done:{code}")
    notices = [reply for _, reply in await services.inbox.webchat_inbox("page-1", 0)]
    texts = "\n".join(reply.text for reply in notices)
    assert "Đang xử lý" in texts and "bao nhiêu cm" in texts and "nước đã rút" in texts
    rating = [c.payload for reply in notices for c in reply.choices]
    assert f"rate:{code}:yes" in rating

    await citizen.send(choice=f"rate:{code}:yes")
    clock.advance(minutes=1)
    async with db.unit_of_work() as store:
        query = StatsQuery(Period.last_days(1, city.zone, clock()))
        figures = (await store.stats.figures(query, clock())).total
    assert (figures.received, figures.handled, figures.satisfaction_rate) == (1, 1, 1.0)
