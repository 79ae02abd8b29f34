"""A Telegram group as a unit's inbox: joined with /join, any member acts, history says who.

Real PTB and the real delivery worker talk to the fake Bot API over HTTP; the citizen
writes on the web chat. Both stores.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.channel import queue_keys
from bot.channels.telegram.parse import Kind
from bot.delivery.worker import DeliveryWorker
from handlers import Channel, GeoPoint, Member
from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram
from tests.channels.test_telegram_parse import read
from tests.delivery.support import build_worker
from tests.support.chat import Chat
from tests.support.fake_telegram import FakeTelegram, eventually

webhook_only = pytest.mark.parametrize("mode", ["webhook"], indirect=True)
GROUP = {"id": -1001234567, "type": "supergroup", "title": "HEPCO — tổ trực phản ánh"}
GROUP_ID = GROUP["id"]


def member(fake: FakeTelegram, user_id: int, name: str) -> Citizen:
    """A person writing in the unit's group."""
    person = Citizen(fake, user_id)
    person.user["first_name"] = name
    person.chat = GROUP
    return person


@pytest.fixture
async def worker(telegram: Telegram, tmp_path: Path) -> AsyncIterator[DeliveryWorker]:
    """The outbox's delivery worker, sending to the same fake Bot API."""
    started = build_worker(
        telegram.services.database, telegram.fake, telegram.clock, tmp_path / "media"
    )
    await started.start()
    yield started
    await started.stop()


async def user(telegram: Telegram, key: int) -> Any:
    async with telegram.services.database.unit_of_work() as store:
        return await store.users.find(Channel.TELEGRAM, str(key))


async def file_flooding(telegram: Telegram, nlu_parser: Any) -> str:
    """A web chat citizen's report for HEPCO; returns its code."""
    services = telegram.services
    city = services.runtime.settings.city
    citizen = Chat(services.database, city, nlu_parser, telegram.clock, user="page-1")
    await citizen.send("Cống trước chợ Đông Ba bị tắc, nước ngập cả đoạn đường")
    await citizen.send(location=GeoPoint(16.4719, 107.5875))
    await citizen.press("report:skip_photo")
    if "report:send" not in citizen.payloads():
        await citizen.press("report:cat:flooding")
    await citizen.press("report:send")
    return next(w for w in citizen.texts().split() if w.startswith("PA-")).rstrip(".")


def newest_bot_message(fake: FakeTelegram) -> dict[str, Any]:
    return fake.messages[max(key for key in fake.messages if key[0] == GROUP_ID)]


@webhook_only
async def test_a_group_joins_as_the_unit_inbox_and_any_member_acts(
    telegram: Telegram, worker: DeliveryWorker, nlu_parser: Any
):
    fake, database = telegram.fake, telegram.services.database
    lan, minh = member(fake, 7_001, "Lan"), member(fake, 7_002, "Minh")
    async with database.unit_of_work() as store:
        invite = await store.staff.create_invite("hepco", "official", telegram.clock())

    [joined] = await telegram.replies_after(1, lan.text(f"/join {invite}"))
    assert "nhóm này nhận phản ánh của" in joined and "HEPCO" in joined
    assert {int(c.params["chat_id"]) for c in fake.delivered()} == {GROUP_ID}
    group = await user(telegram, GROUP_ID)
    assert (group.role, group.unit_code) == ("official", "hepco")
    assert (await user(telegram, lan.id)).role == "citizen"  # the group joined, not Lan

    code = await file_flooding(telegram, nlu_parser)
    await eventually(lambda: any(code in text for text in fake.texts(GROUP_ID)))
    assert fake.delivered(lan.id) == []  # nothing goes to Lan's private chat

    [accepted] = await telegram.replies_after(1, lan.press("Tiếp nhận"))
    assert f"Đã tiếp nhận {code}" in accepted
    [asked] = await telegram.replies_after(1, minh.press("Đã xử lý xong"))
    assert "Nhắn kết quả xử lý" in asked and "trả lời (reply)" in asked
    note = minh.message(GROUP, text="Đã nạo vét cống, nước đã rút",
                        reply_to_message=newest_bot_message(fake))  # fmt: skip
    await telegram.replies_after(1, note)
    [done] = await telegram.replies_after(1, minh.press("Xong, không gửi ảnh"))
    assert "không còn hiệu lực" not in done and code in done

    async with database.unit_of_work() as store:
        report = await store.reports.by_code(code)
    assert report is not None and report.status == "resolved"
    by_status = {e.new_status: e.actor_name for e in report.events if e.new_status}
    assert (by_status["in_progress"], by_status["resolved"]) == ("Lan", "Minh")

    await telegram.replies_after(2, lan.text(f"/report {code}"))
    history = fake.texts(GROUP_ID)[-1]
    lines = history.splitlines()
    assert any("Đang xử lý" in line and "người bấm: Lan" in line for line in lines), history
    assert any("nước đã rút" in line and "người bấm: Minh" in line for line in lines), history


@webhook_only
async def test_a_group_button_is_bound_to_the_group_chat(
    telegram: Telegram, worker: DeliveryWorker, nlu_parser: Any
):
    fake, database = telegram.fake, telegram.services.database
    lan = member(fake, 7_001, "Lan")
    async with database.unit_of_work() as store:
        await store.staff.grant("telegram", str(GROUP_ID), "official", "hepco", telegram.clock())
    code = await file_flooding(telegram, nlu_parser)
    await eventually(lambda: any(code in text for text in fake.texts(GROUP_ID)))
    assignment = newest_bot_message(fake)
    accept = next(b for row in assignment["reply_markup"]["inline_keyboard"] for b in row
                  if "Tiếp nhận" in b["text"])  # fmt: skip

    outsider = Citizen(fake, 7_999)  # the group's token, pressed from a private chat
    elsewhere = {**assignment, "chat": outsider.chat}
    [answer] = await telegram.replies_after(1, outsider.press_data(accept["callback_data"],
                                                                   elsewhere))  # fmt: skip
    assert "không còn hiệu lực" in answer
    async with database.unit_of_work() as store:
        assert (await store.reports.by_code(code)).status == "assigned"

    [accepted] = await telegram.replies_after(1, lan.press_data(accept["callback_data"],
                                                                assignment))  # fmt: skip
    assert f"Đã tiếp nhận {code}" in accepted


def test_in_a_group_the_chat_is_the_user_and_the_person_a_member():
    lan = member(FakeTelegram(), 7_001, "Lan")
    lan.user["last_name"] = "Nguyễn"
    card = {"phone_number": "+84905111222", "first_name": "Lan", "user_id": lan.id}
    said = lan.message(GROUP, text="/join ABC", contact=card)
    got = read(said)
    assert (got.user_key, got.chat_id, got.private) == (str(GROUP_ID), GROUP_ID, False)
    assert got.member == Member("7001", "Lan Nguyễn") and got.name == GROUP["title"]
    assert got.contact is None  # nobody's phone is taken from a group
    assert queue_keys(said) == (str(GROUP_ID), None)  # one group's updates go in order
    pressed = lan.press_data("t0ken", {"message_id": 9, "date": 0, "chat": GROUP})
    assert (read(pressed).user_key, read(pressed).member) == (str(GROUP_ID), got.member)
    assert queue_keys(pressed) == (str(GROUP_ID), None)
    alone = Citizen(FakeTelegram(), 7_002)
    assert read(alone.text("/start")).member is None
    assert queue_keys(alone.text("/start")) == ("7002", None)


@pytest.mark.parametrize(
    ("status", "kind"),
    [("left", Kind.BLOCKED), ("kicked", Kind.BLOCKED), ("member", Kind.UNBLOCKED)],
)
def test_a_group_that_removes_the_bot_is_unreachable(status, kind):
    lan = member(FakeTelegram(), 7_001, "Lan")
    got = read(lan.member_status(status))
    assert (got.kind, got.user_key) == (kind, str(GROUP_ID))
