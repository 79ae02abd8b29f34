"""The buttons (Find services, types, the alert's nearest shelter) and the dialog's state."""

from __future__ import annotations

from handlers import Channel, GeoPoint
from handlers.services.find import menu_choice, shelter_choice
from storage.db import Database
from tests.services.conftest import LE_LOI, flow_of, service_texts
from tests.support.chat import Chat

KINDS = ["hospital", "pharmacy", "police", "fire_station", "shelter", "hotline"]


def test_the_alert_gets_a_nearest_shelter_button_in_either_language():
    assert shelter_choice("vi").label == "🏫 Điểm sơ tán gần nhất"
    assert shelter_choice("en").label == "🏫 Nearest shelter"
    assert shelter_choice("en").payload == "service:nearest:shelter"
    assert menu_choice("vi").payload == "service:menu"


async def test_shelter_button_asks_for_a_location_then_lists_shelters(
    chat: Chat, database: Database
):
    replies = await chat.send(choice=shelter_choice("vi").payload)
    assert "☎ 114" in replies[0].text and "0234 3822 225" in replies[0].text
    assert replies[-1].ask_location and "điểm sơ tán" in replies[-1].text
    assert await flow_of(database, chat) == "service"
    shown = service_texts(await chat.send(location=LE_LOI))
    assert shown[0].startswith("Các điểm sơ tán, trú bão gần bạn nhất:")
    assert "Trường Đại học Sư phạm Huế" in shown[0]
    assert "Điểm sơ tán khi có lệnh" in shown[0] and "🕘" not in shown[0]
    assert len(shown) == 3


async def test_shelter_button_answers_at_once_where_the_place_is_known(chat: Chat):
    await chat.send("nhà thuốc gần nhất")
    await chat.send(location=LE_LOI)
    shown = service_texts(await chat.send(choice="service:nearest:shelter"))
    assert shown[0].startswith("Các điểm sơ tán, trú bão gần bạn nhất:")


async def test_shelter_button_in_english(new_chat):
    chat = new_chat("visitor-3", locale="en")
    replies = await chat.send(choice=shelter_choice("en").payload)
    assert replies[-1].text.startswith("Where are you?") and replies[-1].ask_location
    shown = service_texts(await chat.send(location=LE_LOI))
    assert shown[0].startswith("The nearest shelters to you:")
    assert "Opened when evacuation is ordered" in shown[0]


async def test_find_services_button_offers_the_types_and_a_number_picks_one(new_chat):
    chat = new_chat("zalo-1", channel=Channel.ZALO)
    replies = await chat.send(choice=menu_choice("vi").payload)
    payloads = chat.payloads()
    assert payloads[: len(KINDS)] == [f"service:type:{kind}" for kind in KINDS]
    assert {"service:type:atm", "service:type:post_office"} <= set(payloads)
    assert replies[0].choices[1].label == "💊 Nhà thuốc"
    replies = await chat.send("2")  # no buttons on this channel: the number picks
    assert replies[-1].ask_location and "nhà thuốc" in replies[-1].text
    shown = service_texts(await chat.send(location=LE_LOI))
    assert "Nhà thuốc Pharmacity Bến Nghé" in shown[0]


async def test_a_type_then_a_ward_in_words(chat: Chat):
    await chat.send(choice="service:type:pharmacy")
    shown = service_texts(await chat.send("phuong Kim Long"))
    assert shown[0].startswith("Các nhà thuốc ở Phường Kim Long:")


async def test_a_place_first_then_the_type_button(chat: Chat):
    replies = await chat.send("tìm ở gần ga Huế")
    assert "service:type:atm" in chat.payloads(), replies
    shown = service_texts(await chat.press("service:type:atm"))
    assert shown[0].startswith("Các cây ATM gần ga Huế nhất:")


async def test_another_topic_leaves_the_look_up(chat: Chat, database: Database):
    await chat.send("nhà thuốc gần nhất")
    replies = await chat.send("Đường Lê Lợi trước số 12 ngập sâu, xe máy chết máy hết")
    assert await flow_of(database, chat) == "report"
    assert replies[-1].ask_location


async def test_an_invalid_location_is_asked_again(chat: Chat, database: Database):
    await chat.send("cây xăng gần nhất")
    replies = await chat.send(location=GeoPoint(123.0, 500.0))
    assert "không hợp lệ" in replies[0].text and replies[0].ask_location
    assert await flow_of(database, chat) == "service"


async def test_an_old_type_button_still_works_after_the_look_up_ended(chat: Chat):
    await chat.send("/cancel")
    shown = service_texts(await chat.send(choice="service:type:police"))
    assert shown == []
    assert chat.last[-1].ask_location
