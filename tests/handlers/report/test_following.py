"""Following a similar report: only the one offered, seen as the public sees it. Both stores."""

from __future__ import annotations

from typing import Any

from handlers import GeoPoint, PhotoRef
from storage.db import Database
from tests.handlers.handling.test_handling import LE_LOI, file_flooding, status_of
from tests.support.chat import Chat
from tests.support.outbox import Mailbox, texts

PRIVATE_WORDS = ("0905123456", "số 12", "chị Lan")
SCENE = PhotoRef("cd" * 32, "image/jpeg", 3000, 800, 600)
NEARBY = GeoPoint(LE_LOI.latitude + 0.0005, LE_LOI.longitude)  # ~55 m


async def file_private(chat: Chat) -> str:
    """A report whose text names a house, a person and a phone, with a photo."""
    await chat.send("Cống trước nhà số 12 bị tắc, nước ngập đường, chị Lan gọi 0905123456")
    await chat.send(location=LE_LOI)
    await chat.send(photos=(SCENE,))
    if "report:send" not in chat.payloads():
        await chat.press("report:cat:flooding")
    await chat.press("report:send")
    return next(w for w in chat.texts().split() if w.startswith("PA-")).rstrip(".")


async def reach_offer(neighbour: Chat, code: str) -> None:
    await neighbour.send("Đường ngập nước do cống tắc")
    await neighbour.send(location=NEARBY)
    await neighbour.press("report:skip_photo")
    if f"report:follow:{code}" not in neighbour.payloads():
        await neighbour.press("report:cat:flooding")
    assert f"report:follow:{code}" in neighbour.payloads()


async def test_the_offer_shows_no_private_text_or_photo(database: Database, staffed: Any):
    code = await file_private(staffed["citizen"])
    neighbour = staffed["neighbour"]
    await reach_offer(neighbour, code)
    offer = neighbour.texts()
    assert code in offer and "Ngập úng, tắc cống" in offer
    assert "Đã chuyển đơn vị xử lý" in offer and "vừa xong" in offer
    assert not any(word in offer for word in PRIVATE_WORDS)
    assert "16.46" not in offer and "107.59" not in offer
    assert all(reply.image_sha256 is None for reply in neighbour.last)


async def test_a_follower_sees_the_report_and_its_status_changes_only(
    database: Database, staffed: Any
):
    citizen, neighbour, official = staffed["citizen"], staffed["neighbour"], staffed["official"]
    code = await file_private(citizen)
    await reach_offer(neighbour, code)
    await neighbour.press(f"report:follow:{code}")
    assert "đang theo dõi" in neighbour.texts()

    await neighbour.send(f"/status {code}")
    shown = neighbour.texts()
    assert code in shown and "Ngập úng, tắc cống" in shown and "theo dõi" in shown
    assert not any(word in shown for word in PRIVATE_WORDS) and "16.46" not in shown
    assert all(reply.image_sha256 is None for reply in neighbour.last)
    await neighbour.send("/myreports")
    assert code in neighbour.texts() and "đang theo dõi" in neighbour.texts()

    box = Mailbox(database, "neighbour")
    await official.send(choice=f"act:accept:{code}")
    assert "Đang xử lý" in texts(await box.read())
    await official.send(choice=f"act:info:{code}")
    await official.send("Nhà chị ở kiệt mấy?")
    to_follower = texts(await box.read())
    assert "Cần bổ sung thông tin" in to_follower and "kiệt mấy" not in to_follower
    assert "kiệt mấy" in texts(await Mailbox(database, "citizen").read())
    await citizen.send("Kiệt 7, nhà màu xanh")
    assert "Kiệt 7" not in texts(await box.read())
    await neighbour.send(choice=f"answer:{code}")
    assert "Kiệt 7" not in neighbour.texts()
    assert (await status_of(database, code)).priority == 1


async def test_only_the_report_offered_can_be_followed(
    database: Database, staffed: Any, services: Any, nlu_parser: Any, clock: Any
):
    offered = await file_private(staffed["citizen"])
    far = GeoPoint(LE_LOI.latitude + 0.02, LE_LOI.longitude)
    city = services.runtime.settings.city
    other = await file_flooding(Chat(database, city, nlu_parser, clock, user="far-away"), far)
    neighbour = staffed["neighbour"]
    await reach_offer(neighbour, offered)
    await neighbour.send(choice=f"report:follow:{other}")
    assert "chỉ có thể theo dõi" in neighbour.texts()
    assert f"report:follow:{offered}" in neighbour.payloads()
    assert (await status_of(database, other)).priority == 0
    await neighbour.send(f"/status {other}")
    assert "Không tìm thấy" in neighbour.texts()

    await neighbour.send(choice=f"report:follow:{offered}")  # the dialog waited meanwhile
    assert (await status_of(database, offered)).priority == 1
    await neighbour.send(choice=f"report:follow:{other}")
    assert (await status_of(database, other)).priority == 0
