"""The broadcaster's /alert dialog: who may use it, each step, the preview, the confirm."""

from __future__ import annotations

from typing import Any

from handlers import Channel, City, PhotoRef
from storage.db import Database
from tests.alerts.support import alert_rows, opt_out, report_in, subscribe
from tests.delivery.support import add_users, set_role
from tests.support.chat import Chat
from tests.support.clock import FakeClock

ALERT_TEXT = (
    "Mưa lớn gây ngập sâu\n"
    "Nước sông Hương dâng cao, nhiều tuyến đường ngập 0,5 m.\n"
    "Hướng dẫn: Hạn chế ra đường, di chuyển tài sản lên cao."
)


async def broadcaster(
    db: Database, city: City, parser: Any, clock: FakeClock, role: str = "broadcaster",
    channel: Channel = Channel.WEBCHAT,
) -> Chat:  # fmt: skip
    (user,) = await add_users(db, channel.value, ("officer-1",), clock())
    await set_role(db, user, role)
    return Chat(db, city, parser, clock, user="officer-1", channel=channel)


async def neighbourhood(db: Database, city: City, clock: FakeClock) -> None:
    """Two Vỹ Dạ subscribers, an An Cựu reporter, a Kim Long subscriber, an opted-out reporter."""
    users = await add_users(db, "telegram", ("11", "12", "13", "14", "15"), clock())
    await subscribe(db, users[0], "vy_da", now=clock())
    await subscribe(db, users[1], "vy_da", now=clock())
    await report_in(db, city, users[2], "an_cuu", clock())
    await subscribe(db, users[3], "kim_long", now=clock())
    await report_in(db, city, users[4], "an_cuu", clock())
    await opt_out(db, users[4], clock())


async def test_only_broadcasters_and_admins_may_send_alerts(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    citizen = Chat(db, city, parser, clock, user="citizen-9")
    assert "Chỉ cán bộ" in "\n".join(r.text for r in await citizen.send("/alert"))
    assert "Chỉ cán bộ" in "\n".join(r.text for r in await citizen.send(choice="alert:confirm"))
    admin = await broadcaster(db, city, parser, clock, role="admin")
    await admin.send("/alert")
    assert "dòng đầu là tiêu đề" in admin.texts()


async def test_a_broadcaster_composes_previews_and_sends_an_alert_for_two_wards(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    await neighbourhood(db, city, clock)
    chat = await broadcaster(db, city, parser, clock)
    await chat.send("/alert")
    await chat.send(ALERT_TEXT)
    assert "khu vực nào" in chat.texts()
    await chat.send("Vỹ Dạ, an cuu")
    assert "Phường Vỹ Dạ, Phường An Cựu" in chat.texts()
    assert chat.payloads() == [
        f"alert:sev:{s}" for s in ("Extreme", "Severe", "Moderate", "Minor")
    ]
    await chat.press("alert:sev:Severe")
    preview = chat.texts()
    assert "🟠 CẢNH BÁO · Thời tiết, thiên tai" in preview
    assert "👉 Hạn chế ra đường, di chuyển tài sản lên cao." in preview
    assert "sẽ gửi đến 3 người" in preview
    await chat.press("alert:confirm")
    assert "Đã phát cảnh báo #1 đến 3 người" in chat.texts()
    assert set(await alert_rows(db, 1)) == {"11", "12", "13"}
    async with db.unit_of_work() as store:
        alert = await store.alerts.get(1)
        user = await store.users.find("webchat", "officer-1")
    assert alert is not None and user is not None
    assert alert.progress_user_id == user.id and alert.content.source == "chat"
    assert alert.content.instruction == "Hạn chế ra đường, di chuyển tài sản lên cao."


async def test_numbers_pick_buttons_and_the_whole_city_reaches_everyone(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    await neighbourhood(db, city, clock)
    chat = await broadcaster(db, city, parser, clock)
    await chat.send("/alert")
    await chat.send("Bão số 13 đổ bộ đêm nay")
    await chat.send("1")  # the first button: the whole city
    await chat.send("1")  # Extreme
    assert "CẢNH BÁO KHẨN CẤP" in chat.texts() and "toàn thành phố Huế" in chat.texts()
    assert "sẽ gửi đến 5 người" in chat.texts()  # everyone but the opted-out reporter
    await chat.send("ok")
    assert "Đã phát cảnh báo #1 đến 5 người" in chat.texts()


async def test_an_unknown_area_is_asked_again_and_cancel_sends_nothing(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    chat = await broadcaster(db, city, parser, clock)
    await chat.send("/alert")
    await chat.send("Cắt điện khu vực chợ")
    await chat.send("ở chỗ kia")
    assert "chưa nhận ra phường" in chat.texts()
    await chat.send("Phú Xuân")
    await chat.press("alert:sev:Minor")
    await chat.press("alert:cancel")
    assert "chưa được gửi" in chat.texts()
    async with db.unit_of_work() as store:
        assert await store.alerts.latest() == []


async def test_a_photo_goes_with_the_alert(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    await neighbourhood(db, city, clock)
    chat = await broadcaster(db, city, parser, clock)
    photo = PhotoRef("a" * 64, "image/jpeg", 1000, 640, 480)
    await chat.send("/alert")
    await chat.send(photos=(photo,))
    assert "Đã nhận ảnh" in chat.texts()
    await chat.send("Sạt lở đất đồi Vọng Cảnh\nTránh xa khu vực sườn đồi.")
    await chat.send("Thủy Xuân")
    await chat.press("alert:sev:Severe")
    assert any(reply.image_sha256 == "a" * 64 for reply in chat.last)
    await chat.press("alert:confirm")
    async with db.unit_of_work() as store:
        alert = await store.alerts.get(1)
    assert alert is not None and alert.content.photo_sha256 == "a" * 64
    assert alert.content.category == "Geo"


async def test_a_broadcaster_cancels_an_alert_from_the_chat(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    await neighbourhood(db, city, clock)
    chat = await broadcaster(db, city, parser, clock)
    for step in ("/alert", "Nước dâng", "Vỹ Dạ"):
        await chat.send(step)
    await chat.press("alert:sev:Moderate")
    await chat.press("alert:confirm")
    await chat.send("/alert cancel 1")
    assert "Đã dừng cảnh báo #1: 2 tin" in chat.texts()
    assert set((await alert_rows(db, 1)).values()) == {"cancelled"}
    await chat.send("/alert cancel 7")
    assert "Không có cảnh báo #7" in chat.texts()


async def test_a_stale_alert_button_is_answered_politely(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    chat = await broadcaster(db, city, parser, clock)
    await chat.send(choice="alert:confirm")
    assert "không còn hiệu lực" in chat.texts()
