"""Citizens subscribe to wards, list, remove and opt out, in words or with commands."""

from __future__ import annotations

from typing import Any

from handlers import City, GeoPoint
from storage.db import Database
from tests.alerts.support import report_in
from tests.delivery.support import add_users
from tests.support.chat import Chat
from tests.support.clock import FakeClock

HUE = GeoPoint(16.4637, 107.5909)


async def wards_of(db: Database, key: str) -> tuple[list[str], bool]:
    async with db.unit_of_work() as store:
        user = await store.users.find("webchat", key)
        assert user is not None
        return await store.subscriptions.wards_of(user.id), await store.subscriptions.opted_out(
            user.id
        )


async def test_subscribing_in_words(db: Database, city: City, parser: Any, clock: FakeClock):
    chat = Chat(db, city, parser, clock, user="lan")
    await chat.send("đăng ký nhận cảnh báo phường Vỹ Dạ")
    assert "Đã đăng ký nhận cảnh báo cho: Phường Vỹ Dạ." in chat.texts()
    assert "Cảnh báo khẩn cấp toàn thành phố" in chat.texts()
    assert await wards_of(db, "lan") == (["vy_da"], False)
    await chat.send("dang ky canh bao phuong vy da")
    assert "đã đăng ký Phường Vỹ Dạ từ trước" in chat.texts()


async def test_subscribe_asks_for_the_ward_and_takes_a_typed_name(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    chat = Chat(db, city, parser, clock, user="minh")
    await chat.send("/subscribe")
    assert "phường/xã nào" in chat.texts() and chat.last[0].ask_location
    await chat.send("an cuu va kim long")
    assert "Phường An Cựu, Phường Kim Long" in chat.texts()
    assert await wards_of(db, "minh") == (["an_cuu", "kim_long"], False)


async def test_a_shared_location_offers_the_ward_of_the_last_report(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    (user,) = await add_users(db, "webchat", ("hoa",), clock())
    await report_in(db, city, user, "thuy_xuan", clock())
    chat = Chat(db, city, parser, clock, user="hoa")
    await chat.send("/subscribe")
    await chat.send(location=HUE)
    assert "chưa thể xác định phường từ vị trí" in chat.texts()
    assert "Phường Thủy Xuân" in chat.texts()
    await chat.send("1")  # the offered button
    assert await wards_of(db, "hoa") == (["thuy_xuan"], False)


async def test_a_shared_location_is_placed_in_its_ward_by_the_boundaries(
    db: Database, city: City, parser: Any, clock: FakeClock, services: Any
):
    chat = Chat(db, city, parser, clock, user="thu", places=services.places)
    await chat.send("/subscribe")
    await chat.send(location=HUE)
    assert "Vị trí bạn gửi thuộc Phường Thuận Hóa" in chat.texts()
    await chat.send("1")  # the offered button
    assert await wards_of(db, "thu") == (["thuan_hoa"], False)


async def test_a_shared_location_without_a_report_asks_for_the_name(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    chat = Chat(db, city, parser, clock, user="tuan")
    await chat.send("/subscribe")
    await chat.send(location=HUE)
    assert "nhắn giúp tên phường" in chat.texts()
    await chat.send("Phú Xuân")
    assert await wards_of(db, "tuan") == (["phu_xuan"], False)


async def test_the_subscription_question_lets_other_messages_through(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    chat = Chat(db, city, parser, clock, user="an")
    await chat.send("/subscribe")
    await chat.send("cảm ơn")
    assert "Cảm ơn bạn đã đồng hành" in chat.texts()


async def test_listing_and_removing_subscriptions(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    (user,) = await add_users(db, "webchat", ("binh",), clock())
    await report_in(db, city, user, "phu_bai", clock())
    chat = Chat(db, city, parser, clock, user="binh")
    await chat.send("/subscribe vy da, an cuu")
    await chat.send("/subscriptions")
    listing = chat.texts()
    assert "Phường Phú Bài (nơi bạn phản ánh gần nhất)" in listing
    assert "Phường Vỹ Dạ (đã đăng ký)" in listing and "Phường An Cựu (đã đăng ký)" in listing
    assert chat.payloads() == ["sub:del:vy_da", "sub:del:an_cuu", "sub:add", "sub:off"]
    await chat.press("sub:del:vy_da")
    assert "Đã bỏ đăng ký: Phường Vỹ Dạ." in chat.texts()
    await chat.send("/unsubscribe An Cựu")
    assert await wards_of(db, "binh") == ([], False)
    await chat.send("/unsubscribe Kim Long")
    assert "Bạn chưa đăng ký Phường Kim Long" in chat.texts()


async def test_opting_out_and_back_in(db: Database, city: City, parser: Any, clock: FakeClock):
    chat = Chat(db, city, parser, clock, user="cuong")
    await chat.send("/subscribe vy da")
    await chat.send("/unsubscribe all")
    assert "kể cả cảnh báo khẩn cấp" in chat.texts()
    assert await wards_of(db, "cuong") == ([], True)
    await chat.send("/subscriptions")
    assert "không nhận cảnh báo nào" in chat.texts() and "sub:on" in chat.payloads()
    await chat.press("sub:on")
    assert await wards_of(db, "cuong") == ([], False)
    await chat.send("hủy đăng ký nhận cảnh báo")
    assert "sub:off" in chat.payloads()
    await chat.press("sub:off")
    await chat.send("/subscribe phu xuan")  # subscribing again ends the opt-out
    assert await wards_of(db, "cuong") == (["phu_xuan"], False)


async def test_subscriptions_in_english(db: Database, city: City, parser: Any, clock: FakeClock):
    chat = Chat(db, city, parser, clock, user="jane", locale="en")
    await chat.send("sign me up for flood alerts in An Cuu")
    assert "You will get the alerts for: Phường An Cựu." in chat.texts()
