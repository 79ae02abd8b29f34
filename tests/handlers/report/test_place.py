"""The report dialog asks only for what is missing about the place. Both stores."""

from __future__ import annotations

from typing import Any

from handlers import GeoPoint, PhotoRef
from storage.db import Database
from storage.records import ReportFilter
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.outbox import Mailbox, texts

NEAR_BEN_NGU = GeoPoint(16.4560, 107.5880)
HO_CHI_MINH_CITY = GeoPoint(10.7769, 106.7009)


def photo(n: int = 1, gps: GeoPoint | None = None) -> PhotoRef:
    return PhotoRef(f"{n:064x}", "image/jpeg", 1000 + n, 640, 480, gps)


async def reports(database: Database) -> list[Any]:
    async with database.unit_of_work() as store:
        return sorted(await store.reports.search(ReportFilter()), key=lambda r: r.id)


async def send_it(chat: Chat, category: str) -> None:
    if "report:send" not in chat.payloads():
        await chat.press(f"report:cat:{category}")
    await chat.press("report:send")


async def test_a_first_message_with_a_place_goes_straight_to_the_photo_step(
    chat: Chat, database: Database
):
    await chat.send("Đèn đường trước số 25 Lê Lợi, phường Thuận Hóa tắt mấy hôm nay")
    assert not any(reply.ask_location for reply in chat.last)
    assert "report:skip_photo" in chat.payloads()
    await chat.press("report:skip_photo")
    assert "📍 trước số 25 Lê Lợi, phường Thuận Hóa" in chat.texts()
    await send_it(chat, "lighting")
    [report] = await reports(database)
    assert (report.ward, report.street) == ("thuan_hoa", "Lê Lợi")
    assert report.place == "trước số 25 Lê Lợi, phường Thuận Hóa"
    assert report.unit_code == "chieu_sang"


async def test_the_place_can_be_changed_on_the_summary(chat: Chat, database: Database):
    await chat.send("rác thải bốc mùi ở kiệt 12 Nguyễn Huệ")
    await chat.press("report:skip_photo")
    await chat.press("report:place")
    assert chat.last[-1].ask_location
    await chat.send("45 Nguyễn Sinh Cung, phường Vỹ Dạ")
    assert "📍 số 45 Nguyễn Sinh Cung, phường Vỹ Dạ" in chat.texts()
    await send_it(chat, "garbage")
    [report] = await reports(database)
    assert report.ward == "vy_da" and report.address == "45 Nguyễn Sinh Cung, phường Vỹ Dạ"


async def test_a_street_through_several_wards_asks_for_the_ward_with_just_those(
    chat: Chat, database: Database
):
    await chat.send("Ổ gà rất to trên đường Hùng Vương, xe máy dễ ngã")
    wards = [p for p in chat.payloads() if p.startswith("report:ward:")]
    assert sorted(wards) == ["report:ward:an_cuu", "report:ward:thuan_hoa"]
    assert not any(reply.ask_location for reply in chat.last)
    await chat.press("report:ward:an_cuu")
    await chat.press("report:skip_photo")
    assert "📍 đường Hùng Vương, phường An Cựu" in chat.texts()
    await send_it(chat, "road")
    [report] = await reports(database)
    assert report.ward == "an_cuu" and report.street == "Hùng Vương"


async def test_a_shared_location_after_a_typed_place_refines_the_point(
    chat: Chat, database: Database
):
    await chat.send("kiet 12 Nguyen Hue gan cho Ben Ngu rac thai boc mui")
    assert "report:skip_photo" in chat.payloads()
    await chat.send(location=NEAR_BEN_NGU)
    assert "📍 kiệt 12 Nguyễn Huệ, gần chợ Bến Ngự, phường Thuận Hóa" in chat.texts()
    await send_it(chat, "garbage")
    [report] = await reports(database)
    assert (report.latitude, report.longitude) == (NEAR_BEN_NGU.latitude, NEAR_BEN_NGU.longitude)
    assert report.ward == "thuan_hoa"


async def test_a_photo_position_is_offered_even_after_a_typed_place(
    chat: Chat, database: Database
):
    await chat.send("Cây xanh gãy đổ trước số 25 Lê Lợi")
    await chat.send(photos=(photo(1, gps=NEAR_BEN_NGU),))
    assert "report:photo_place" in chat.payloads()
    await chat.press("report:photo_place")
    await send_it(chat, "trees")
    [report] = await reports(database)
    assert report.latitude == NEAR_BEN_NGU.latitude


async def test_a_pin_gets_its_ward_and_a_description(chat: Chat, database: Database):
    await chat.send("rác thải đổ bừa bãi bốc mùi hôi thối")
    await chat.send(location=NEAR_BEN_NGU)
    await chat.press("report:skip_photo")
    assert "📍 " in chat.texts() and "phường Thuận Hóa" in chat.texts()
    await send_it(chat, "garbage")
    [report] = await reports(database)
    assert report.ward == "thuan_hoa" and report.place and "phường Thuận Hóa" in report.place


async def test_a_pin_outside_the_city_is_questioned_and_nothing_is_lost(
    chat: Chat, database: Database
):
    await chat.send("rác thải đổ bừa bãi bốc mùi hôi thối")
    await chat.send(location=HO_CHI_MINH_CITY)
    assert "ngoài địa bàn Thành phố Huế" in chat.texts()
    assert chat.last[-1].ask_location
    await chat.send(location=NEAR_BEN_NGU)
    await chat.press("report:skip_photo")
    await send_it(chat, "garbage")
    [report] = await reports(database)
    assert report.text == "rác thải đổ bừa bãi bốc mùi hôi thối"
    assert report.ward == "thuan_hoa"


async def test_a_typed_ward_place_routes_a_ward_category_to_its_committee(
    chat: Chat, database: Database
):
    await chat.send("Quán cà phê lấn chiếm hết vỉa hè trước số 45 Nguyễn Sinh Cung, phường Vỹ Dạ")
    await chat.press("report:skip_photo")
    await send_it(chat, "urban_order")
    [report] = await reports(database)
    assert report.ward == "vy_da" and report.unit_code == "ubnd_vy_da"


async def test_the_official_reads_the_described_place_of_a_pin(
    chat: Chat, database: Database, clock: FakeClock
):
    async with database.unit_of_work() as store:
        await store.staff.grant("webchat", "hepco-official", "official", "hepco", clock())
    await chat.send("rác thải đổ bừa bãi bốc mùi hôi thối")
    await chat.send(location=NEAR_BEN_NGU)
    await chat.press("report:skip_photo")
    await send_it(chat, "garbage")
    seen = texts(await Mailbox(database, "hepco-official").read())
    assert "phường Thuận Hóa" in seen and "chưa rõ" not in seen


async def test_a_pin_in_a_mountain_commune_takes_the_per_ward_override(
    chat: Chat, database: Database, services: Any
):
    centre = services.places.source.current().wards["a_luoi_1"].centre
    await chat.send("Cống thoát nước bị tắc, nước ngập cả đoạn đường")
    await chat.send(location=GeoPoint(*centre))
    await chat.press("report:skip_photo")
    await send_it(chat, "flooding")
    [report] = await reports(database)
    assert report.ward == "a_luoi_1" and report.unit_code == "ubnd_a_luoi_1"


async def test_the_same_street_and_ward_is_a_duplicate_without_points(
    chat: Chat, database: Database, services: Any, nlu_parser: Any, clock: FakeClock
):
    await chat.send("Ổ gà rất to trên đường Trần Hưng Đạo, xe máy dễ ngã")
    await chat.press("report:skip_photo")
    await send_it(chat, "road")
    [first] = await reports(database)
    assert first.latitude is None and first.street == "Trần Hưng Đạo"
    city = services.runtime.settings.city
    neighbour = Chat(database, city, nlu_parser, clock, user="neighbour", places=services.places)
    await neighbour.send("đường Trần Hưng Đạo có ổ gà lớn giữa đường, nguy hiểm")
    await neighbour.press("report:skip_photo")
    if "report:cat:road" in neighbour.payloads():
        await neighbour.press("report:cat:road")
    assert f"report:follow:{first.code}" in neighbour.payloads()


async def test_a_ward_alert_reaches_the_citizen_whose_last_report_was_a_pin_there(
    chat: Chat, database: Database, services: Any, clock: FakeClock
):
    from handlers.alerts.issue import draft, issue

    await chat.send("rác thải đổ bừa bãi bốc mùi hôi thối")
    await chat.send(location=NEAR_BEN_NGU)
    await chat.press("report:skip_photo")
    await send_it(chat, "garbage")
    content = draft(
        "Mưa lớn gây ngập",
        "Ngập sâu 0,5 m ven sông Hương.",
        severity="Moderate",
        whole_city=False,
        wards=("thuan_hoa",),
        now=clock(),
        sender="Thành phố Huế",
    )
    async with database.unit_of_work() as store:
        await issue(store, services.runtime.settings.city, content, clock())
    assert "Mưa lớn gây ngập" in texts(await Mailbox(database, chat.user).read())
