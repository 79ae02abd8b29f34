"""A service answer on Telegram: each place's text, then its venue (a map pin), both stores.

The real python-telegram-bot talks to the fake Bot API, which takes sendVenue only with
every parameter the real method requires (chat_id, latitude, longitude, title, address).
"""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession

from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram
from tests.support.fake_telegram import TOKEN, FakeTelegram, eventually

LE_LOI = (16.4637, 107.5909)


def sends(fake: FakeTelegram, chat_id: int) -> list[tuple[str, dict[str, Any]]]:
    """The chat's successful sends, in order: (method, parameters)."""
    methods = ("sendMessage", "sendPhoto", "sendVenue")
    return [
        (call.method, call.params)
        for call in fake.calls
        if call.ok and call.method in methods and int(call.params["chat_id"]) == chat_id
    ]


async def test_each_nearest_pharmacy_is_followed_by_its_venue(
    telegram: Telegram, citizen: Citizen, nlu_parser: Any
):
    await nlu_parser.parse("nhà thuốc")  # trained on first use: not inside the wait below
    fake = telegram.fake
    await telegram.replies_after(1, citizen.text("nhà thuốc gần nhất"))
    before = len(sends(fake, citizen.id))
    await telegram.deliver(citizen.location(*LE_LOI))
    await eventually(lambda: len(fake.venues(citizen.id)) >= 3)
    await telegram.settled()
    venues = fake.venues(citizen.id)
    assert len(venues) == 3
    assert venues[0] == {
        "location": {"latitude": 16.4652, "longitude": 107.593},
        "title": "Nhà thuốc Pharmacity Bến Nghé",
        "address": "12 Bến Nghé, phường Thuận Hóa",
    }
    answer = sends(fake, citizen.id)[before:]
    assert [method for method, _ in answer] == ["sendMessage", "sendVenue"] * 3
    for (_, text), (_, venue) in zip(answer[::2], answer[1::2], strict=True):
        assert venue["title"] in text["text"] and venue["address"] in text["text"]


async def test_the_fake_refuses_a_venue_without_an_address(fake_telegram: FakeTelegram):
    url = f"{fake_telegram.base_url}/bot{TOKEN}/sendVenue"
    body = {"chat_id": 42, "latitude": 16.46, "longitude": 107.59, "title": "Chợ Đông Ba"}
    async with ClientSession() as session:
        refused = await (await session.post(url, json=body)).json()
        wrong = await (await session.post(url, json={**body, "address": "Huế",
                                                     "latitude": 95})).json()  # fmt: skip
        sent = await (await session.post(url, json={**body, "address": "Trần Hưng Đạo"})).json()
    assert refused["ok"] is False and refused["error_code"] == 400
    assert "address" in refused["description"]
    assert wrong["ok"] is False and wrong["error_code"] == 400
    assert sent["ok"] is True and sent["result"]["venue"]["address"] == "Trần Hưng Đạo"
    assert fake_telegram.venues(42) == [sent["result"]["venue"]]
