"""Look-ups in plain words, in both languages, by location, landmark and ward."""

from __future__ import annotations

import pytest

from handlers import GeoPoint
from storage.db import Database
from tests.services.conftest import CHU_VAN_AN, LE_LOI, flow_of, hue_time, service_texts
from tests.support.chat import Chat
from tests.support.clock import FakeClock

OSM = "https://www.openstreetmap.org/?mlat="


@pytest.mark.parametrize("question", ["nhà thuốc gần nhất", "nha thuoc gan nhat"])
async def test_pharmacy_question_then_a_location_gives_the_nearest_three(
    chat: Chat, database: Database, question: str
):
    replies = await chat.send(question)
    assert "☎ 113" in replies[0].text and "☎ 115" in replies[0].text
    assert "0234 1022" in replies[0].text  # the city's hotline, at once
    assert replies[-1].ask_location and "nhà thuốc" in replies[-1].text
    assert await flow_of(database, chat) == "service"
    answer = await chat.send(location=LE_LOI)
    shown = service_texts(answer)
    assert len(shown) == 3
    assert shown[0].startswith("Các nhà thuốc gần bạn nhất:")
    assert "Nhà thuốc Pharmacity Bến Nghé · cách 280 m" in shown[0]
    assert "☎ 1800 6821" in shown[0] and "Đang mở cửa, đến 22:00" in shown[0]
    assert f"{OSM}16.46520&mlon=107.59300#map=17/16.46520/107.59300" in shown[0]
    assert "Bệnh viện Trung ương Huế" in shown[1] and "Mở cửa 24/7" in shown[1]
    venue = answer[0].venue
    assert venue is not None and venue.title == "Nhà thuốc Pharmacity Bến Nghé"
    assert (venue.latitude, venue.longitude) == (16.4652, 107.593)
    assert "service:menu" in chat.payloads()


async def test_english_cash_near_the_citadel_maps_the_landmark(new_chat):
    chat = new_chat("visitor-1", locale="en")
    replies = await chat.send("where can I get cash near the citadel")
    shown = service_texts(replies)
    assert shown[0].startswith("The nearest ATMs to the Imperial City:")
    assert "Agribank ATM (Đinh Tiên Hoàng) · 520 m away" in shown[0]
    assert "Open 24/7" in shown[0] and "Map: " + OSM in shown[0]
    assert "1.0 km away" in shown[1]


async def test_a_landmark_wins_over_the_old_ward_inside_its_name(chat: Chat):
    shown = service_texts(await chat.send("cây atm gần chợ Đông Ba"))
    assert shown[0].startswith("Các cây ATM gần chợ Đông Ba nhất:")
    assert "ATM BIDV chợ Đông Ba · cách 160 m" in shown[0]


async def test_open_hospitals_in_a_ward_put_the_emergency_number_first(chat: Chat):
    replies = await chat.send("bệnh viện nào mở cửa bây giờ ở An Cựu")
    assert replies[0].text.startswith("🚨 Cấp cứu: gọi ngay 115")
    assert "Các bệnh viện, phòng khám ở Phường An Cựu:" in replies[0].text
    shown = service_texts(replies)
    assert [text.count("☎") for text in shown] == [1, 1]
    assert shown[1].startswith("☎ 0234 3831 220\n🏥 Bệnh viện · Trạm Y tế phường An Cựu")
    assert "Đang mở cửa, đến 11:30" in shown[1]


async def test_at_night_open_now_leaves_out_what_is_closed(chat: Chat, clock: FakeClock):
    clock.now = hue_time(2026, 11, 24, 22)
    shown = service_texts(await chat.send("benh vien nao con mo cua o an cuu"))
    assert len(shown) == 1 and "Bệnh viện Y học cổ truyền Huế" in shown[0]


async def test_fire_number_without_a_place_then_a_ward_then_a_location(chat: Chat):
    replies = await chat.send("so dien thoai cuu hoa")
    first = replies[0].text.splitlines()
    assert first[0] == "🚨 Cháy, nổ hoặc cần cứu nạn: gọi ngay 114."
    assert first[3].startswith("☎ 114") and first[4].startswith("☎ 113")
    assert replies[-1].ask_location
    in_ward = await chat.send("Vỹ Dạ")
    assert "chưa có đội cứu hỏa nào ở Phường Vỹ Dạ" in in_ward[0].text
    assert in_ward[-1].ask_location
    shown = service_texts(await chat.send(location=LE_LOI))
    assert shown[1].startswith("☎ 0234 3528 114\n🚒 Cứu hỏa · Đội Chữa cháy và CNCH khu vực")
    assert "cách 2,7 km" in shown[1]


async def test_friday_night_the_pharmacy_open_past_midnight_comes_first(
    chat: Chat, clock: FakeClock
):
    clock.now = hue_time(2026, 11, 27, 23, 30)  # a Friday
    await chat.send("nhà thuốc")
    shown = service_texts(await chat.send(location=CHU_VAN_AN))
    assert "Nhà thuốc An Khang Chu Văn An" in shown[0]
    assert "Đang mở cửa, đến 02:00 (hôm sau)" in shown[0]
    assert "Mở cửa 24/7" in shown[1]
    assert "Đang đóng cửa, mở lại lúc 07:00 ngày mai" in shown[2]
    clock.now = hue_time(2026, 11, 28, 1, 30)
    shown = service_texts(await chat.send(location=CHU_VAN_AN))
    assert "Đang mở cửa, đến 02:00" in shown[0] and "hôm sau" not in shown[0]


async def test_on_a_listed_holiday_offices_are_closed_until_the_next_day(
    new_chat, clock: FakeClock
):
    clock.now = hue_time(2026, 9, 2, 9)  # National Day, a Wednesday
    vi = service_texts(await new_chat("a").send("trạm y tế ở An Cựu"))
    station = next(text for text in vi if "Trạm Y tế" in text)
    assert "Đang đóng cửa, mở lại lúc 07:00 ngày mai — hôm nay nghỉ lễ Quốc khánh" in station
    en = service_texts(await new_chat("b", locale="en").send("health station in An Cuu"))
    station = next(text for text in en if "Health Station" in text)
    assert "Closed now, opens tomorrow at 07:00 — today is a holiday (National Day)" in station


async def test_a_pharmacy_keeps_its_own_holiday_hours(chat: Chat, clock: FakeClock):
    clock.now = hue_time(2026, 9, 2, 19)
    await chat.send("nhà thuốc gần nhất")
    shown = service_texts(await chat.send(location=LE_LOI))
    ben_nghe = next(text for text in shown if "Bến Nghé" in text)
    assert "Đang mở cửa, đến 20:00" in ben_nghe


async def test_hotlines_need_no_place(chat: Chat, database: Database):
    replies = await chat.send("cho xin số đường dây nóng")
    assert "☎ 0234 1022 — Đường dây nóng đô thị thông minh Huế (Hue-S)" in replies[0].text
    assert replies[0].text.count("☎ 113") == 1  # the directory's own 113 is not repeated
    assert not replies[-1].ask_location


async def test_english_pharmacy_near_me(new_chat):
    chat = new_chat("visitor-2", locale="en")
    replies = await chat.send("pharmacy near me")
    assert "☎ 115 — Ambulance" in replies[0].text
    assert replies[-1].text.startswith("Where are you?")
    shown = service_texts(await chat.send(location=LE_LOI))
    assert shown[0].startswith("The nearest pharmacies to you:")
    assert "Pharmacity (Bến Nghé) · 280 m away" in shown[0]
    assert "Open now, until 22:00" in shown[0]


@pytest.mark.parametrize("plea", ["gọi xe cứu thương", "goi xe cuu thuong gap"])
async def test_a_call_for_an_ambulance_gets_115_whatever_the_nlu_thinks(chat: Chat, plea: str):
    replies = await chat.send(plea)
    assert replies[0].text.startswith("🚨 Cấp cứu: gọi ngay 115")


async def test_nothing_in_reach_says_so(chat: Chat):
    await chat.send("cây xăng gần nhất")
    replies = await chat.send(location=GeoPoint(10.77, 106.70))  # Hồ Chí Minh City
    assert "chưa tìm thấy cây xăng nào trong vòng 50 km quanh bạn" in replies[0].text


async def test_open_now_in_a_ward_where_nothing_is_open_says_when_they_open(
    chat: Chat, clock: FakeClock
):
    clock.now = hue_time(2026, 11, 24, 20)
    replies = await chat.send("trạm y tế nào còn mở cửa ở Vỹ Dạ")
    assert "Hiện không có bệnh viện, phòng khám nào ở Phường Vỹ Dạ đang mở cửa" in replies[0].text
    assert "mở lại lúc 07:00 ngày mai" in replies[0].text
