"""Over-long names, phones and ids are cut where they enter, the same on both stores.

PostgreSQL refuses a VARCHAR overflow that SQLite keeps; before the cut, such messages
went unanswered on PostgreSQL only.
"""

from __future__ import annotations

from typing import Any

from bot.channels.telegram.channel import SECRET_HEADER, WEBHOOK_PATH
from storage import limits
from tests.channels.citizen import Citizen
from tests.channels.conftest import SECRET
from tests.hostile.conftest import Hostile
from tests.support.fake_telegram import eventually
from tests.support.fake_zalo import ZaloCitizen, signed

LONG_NAME = "Nguyễn Thị Hoa Lan 🌸 " * 40  # 840 characters
LONG_PHONE = "+84 " + "9" * 96


async def stored_user(hostile: Hostile, channel: str, external_id: str) -> Any:
    async with hostile.services.database.unit_of_work() as store:
        return await store.users.find(channel, external_id)


async def telegram_post(hostile: Hostile, update: dict[str, Any]) -> int:
    headers = {SECRET_HEADER: SECRET}
    return (await hostile.client.post(WEBHOOK_PATH, json=update, headers=headers)).status


async def test_a_telegram_user_with_a_huge_name_and_phone_is_answered(hostile: Hostile):
    citizen = Citizen(hostile.fake_telegram, user_id=4_242_777)
    citizen.user.update(first_name=LONG_NAME, last_name=LONG_NAME, username="u" * 300)
    assert await telegram_post(hostile, citizen.text("/start")) == 200
    await eventually(lambda: len(hostile.fake_telegram.delivered(citizen.id)) >= 1)
    card = citizen.contact(LONG_PHONE)
    card["message"]["contact"]["first_name"] = LONG_NAME
    assert await telegram_post(hostile, card) == 200
    await eventually(lambda: len(hostile.fake_telegram.delivered(citizen.id)) >= 2)

    user = await stored_user(hostile, "telegram", str(citizen.id))
    assert len(user.name) <= limits.NAME and user.name.startswith("Nguyễn Thị Hoa Lan")
    assert user.phone == LONG_PHONE[: limits.PHONE]


async def test_a_zalo_form_with_a_huge_name_is_answered(hostile: Hostile):
    citizen = ZaloCitizen(hostile.fake_zalo, hostile.services.clock)
    for count, event in enumerate(
        [citizen.text("/start"), citizen.submit_info(LONG_NAME, "84912345678")], 1
    ):
        body, headers = signed(event)
        assert (
            await hostile.client.post("/zalo/webhook", data=body, headers=headers)
        ).status == 200
        await eventually(lambda n=count: len(hostile.fake_zalo.sent(citizen.id)) >= n)

    user = await stored_user(hostile, "zalo", citizen.id)
    assert len(user.name) <= limits.NAME and user.phone == "84912345678"


async def test_an_over_long_zalo_event_name_and_message_id_are_stored_safely(hostile: Hostile):
    citizen = ZaloCitizen(hostile.fake_zalo, hostile.services.clock, user_id="58" * 60)
    event = citizen.message("user_send_text" + "x" * 200, text="xin chào")
    event["message"]["msg_id"] = "m" * 500
    body, headers = signed(event)
    assert (await hostile.client.post("/zalo/webhook", data=body, headers=headers)).status == 200
    text = citizen.text("đèn đường hỏng")
    body, headers = signed(text)
    assert (await hostile.client.post("/zalo/webhook", data=body, headers=headers)).status == 200
    await eventually(lambda: len(hostile.fake_zalo.sent()) >= 1)


def test_the_limits_are_the_columns_of_the_store():
    assert (limits.NAME, limits.PHONE, limits.EXTERNAL_ID) == (200, 40, 100)
    assert limits.clip("x" * 300, limits.NAME) == "x" * 199 + "…"
    assert limits.fit_key("k" * 300, 100) != limits.fit_key("k" * 299, 100)
    assert len(limits.fit_key("k" * 300, 40)) == 40
    assert limits.clean("a\x00b\ud800") == "ab?"
