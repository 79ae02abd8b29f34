"""The report dialog, through handlers.dispatch, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from handlers import GeoPoint, PhotoProblem, PhotoRef, RejectedFile
from storage.db import Database
from storage.records import ReportFilter
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.faults import failing_inserts

LE_LOI = GeoPoint(16.4637, 107.5909)


def photo(n: int = 1, gps: GeoPoint | None = None) -> PhotoRef:
    return PhotoRef(f"{n:064x}", "image/jpeg", 1000 + n, 640, 480, gps)


async def reports(database: Database) -> list[Any]:
    async with database.unit_of_work() as store:
        return list(await store.reports.search(ReportFilter()))


async def test_text_then_location_then_skip_photo_files_a_report(chat: Chat, database: Database):
    replies = await chat.send("Nước ngập sâu trước nhà, xe máy chết máy hết")
    assert replies[-1].ask_location
    await chat.send(location=LE_LOI)
    assert "report:skip_photo" in chat.payloads()
    await chat.press("report:skip_photo")
    assert "Ngập úng" in chat.texts() and "HEPCO" in chat.texts()
    await chat.press("report:send")
    filed = await reports(database)
    assert len(filed) == 1
    report = filed[0]
    assert report.category == "flooding" and report.unit_code == "hepco"
    assert (report.latitude, report.longitude) == (LE_LOI.latitude, LE_LOI.longitude)
    assert report.code in chat.texts() and report.code.startswith("PA-")
    assert report.deadline_at - report.created_at == timedelta(hours=24)
    assert "HEPCO" in chat.texts()


async def test_photo_first_with_gps_is_offered_as_the_place(chat: Chat, database: Database):
    await chat.send(photos=(photo(1, gps=LE_LOI),))
    assert "Describe" in chat.texts() or "mô tả" in chat.texts()
    await chat.send("cây xanh bị gãy đổ chắn ngang đường")
    assert "report:photo_place" in chat.payloads()
    await chat.press("report:photo_place")
    assert "report:send" in chat.payloads()
    await chat.press("report:send")
    [report] = await reports(database)
    assert report.category == "trees" and report.latitude == LE_LOI.latitude
    async with database.unit_of_work() as store:
        full = await store.reports.by_code(report.code)
    assert full is not None and [p.sha256 for p in full.photos] == [photo(1).sha256]


async def test_typed_address_with_ward_routes_to_the_ward_committee(
    chat: Chat, database: Database
):
    await chat.send("Quán cà phê lấn chiếm hết vỉa hè, người đi bộ phải xuống lòng đường")
    await chat.send("45 Nguyễn Sinh Cung, phường Vỹ Dạ")
    await chat.press("report:skip_photo")
    if "report:send" not in chat.payloads():
        await chat.press("report:cat:urban_order")
    await chat.press("report:send")
    [report] = await reports(database)
    assert report.address == "45 Nguyễn Sinh Cung, phường Vỹ Dạ"
    assert report.ward == "vy_da"
    assert report.unit_code == "ubnd_vy_da"


async def test_unclear_text_offers_categories_and_the_citizen_picks(
    chat: Chat, database: Database
):
    await chat.send("/start")
    await chat.press("menu:report")
    await chat.send("có chuyện ở đầu kiệt nhà tôi, mong xem giúp")
    await chat.send("kiệt 25 Nguyễn Trường Tộ")
    await chat.press("report:skip_photo")
    assert any(p.startswith("report:cat:") for p in chat.payloads())
    await chat.press("report:cat:other")
    assert len([p for p in chat.payloads() if p.startswith("report:cat:")]) == 14
    await chat.press("report:cat:lighting")
    await chat.press("report:send")
    [report] = await reports(database)
    assert report.category == "lighting" and report.unit_code == "chieu_sang"


async def test_change_category_before_sending(chat: Chat, database: Database):
    await chat.send("rác thải đổ bừa bãi bốc mùi hôi thối")
    await chat.send(location=LE_LOI)
    await chat.press("report:skip_photo")
    if "report:change" not in chat.payloads():
        await chat.press("report:cat:garbage")
    await chat.press("report:change")
    await chat.press("report:cat:pollution")
    await chat.press("report:send")
    [report] = await reports(database)
    assert report.category == "pollution"


async def test_numbered_answer_picks_a_button(chat: Chat, database: Database):
    await chat.send("nước máy bị đục ngầu cả tuần nay")
    await chat.send(location=LE_LOI)
    await chat.send("1")  # the only button: skip the photo
    assert "report:send" in chat.payloads()
    await chat.send("1")  # first button: send
    [report] = await reports(database)
    assert report.category == "water_supply"


async def test_cancel_leaves_the_dialog_and_files_nothing(chat: Chat, database: Database):
    await chat.send("đèn đường hỏng cả dãy")
    await chat.send("/cancel")
    assert "hủy" in chat.texts().lower()
    await chat.send(location=LE_LOI)  # a new dialog starts from the location
    assert await reports(database) == []


async def test_status_and_my_reports_show_only_own_reports(
    chat: Chat, database: Database, services: Any, nlu_parser: Any, clock: FakeClock
):
    await chat.send("ổ gà rất to giữa đường Hùng Vương")
    await chat.send(location=LE_LOI)
    await chat.press("report:skip_photo")
    if "report:send" not in chat.payloads():
        await chat.press("report:cat:road")
    await chat.press("report:send")
    [report] = await reports(database)
    await chat.send(f"/status {report.code.lower()}")
    assert report.code in chat.texts() and "Đã chuyển đơn vị xử lý" in chat.texts()
    await chat.send("/myreports")
    assert report.code in chat.texts()
    stranger = Chat(database, services.runtime.settings.city, nlu_parser, clock, user="other")
    await stranger.send(f"/status {report.code}")
    assert "Không tìm thấy" in stranger.texts()
    await stranger.send("/myreports")
    assert report.code not in stranger.texts()


async def test_ticket_code_in_free_text_goes_to_the_status(chat: Chat, database: Database):
    await chat.send("/status")
    assert "/status PA-" in chat.texts()
    await chat.send("phản ánh pa 10999 của tôi sao rồi")
    assert "PA-10999" in chat.texts()


async def test_english_and_language_switch(chat: Chat, database: Database):
    await chat.send("/lang en")
    assert chat.texts().startswith("Switched to English")
    await chat.send("There is a big pothole in front of my house")
    assert chat.last[-1].ask_location and "Where" in chat.texts()
    await chat.send("/lang vi")
    assert "tiếng Việt" in chat.texts()


async def test_start_and_help_offer_the_menu(chat: Chat):
    await chat.send("/start")
    assert "HueBot" in chat.texts() and "menu:report" in chat.payloads()
    await chat.press("menu:help")
    assert "/status" in chat.texts()


# --- bad input ----------------------------------------------------------------------------


async def test_empty_message_gets_a_clear_answer(chat: Chat):
    await chat.send("   ")
    assert "chưa nhận được nội dung" in chat.texts()


async def test_ten_thousand_characters_are_refused_and_the_draft_is_kept(
    chat: Chat, database: Database
):
    await chat.send("cống thoát nước bị tắc, nước tràn lên đường")
    await chat.send("x" * 10_000)
    assert "10000" in chat.texts() and "4000" in chat.texts()
    await chat.send(location=LE_LOI)
    await chat.press("report:skip_photo")
    await chat.press("report:send")
    [report] = await reports(database)
    assert report.text == "cống thoát nước bị tắc, nước tràn lên đường"


async def test_emoji_only_is_answered_politely(chat: Chat, database: Database):
    await chat.send("😡😡")
    assert chat.last and chat.texts()
    assert await reports(database) == []


async def test_refused_files_are_explained(chat: Chat):
    await chat.send(rejected=(RejectedFile(PhotoProblem.UNSUPPORTED, "clip.gif"),))
    assert "clip.gif" in chat.texts() and "JPEG" in chat.texts()
    await chat.send(rejected=(RejectedFile(PhotoProblem.TOO_LARGE),))
    assert "10 MB" in chat.texts()


async def test_photo_limit(chat: Chat, database: Database):
    many = tuple(photo(n) for n in range(1, 9))
    await chat.send("cây đổ chắn ngang đường", photos=many)
    assert "tối đa 6 ảnh" in chat.texts()


async def test_stale_button_is_refused(chat: Chat, database: Database):
    await chat.send(choice="report:send")
    assert "không còn hiệu lực" in chat.texts()
    assert await reports(database) == []


async def test_database_error_while_filing_stores_nothing_and_keeps_the_draft(
    chat: Chat, database: Database
):
    await chat.send("cột điện nghiêng sắp đổ, dây điện võng xuống thấp")
    await chat.send(location=LE_LOI)
    await chat.press("report:skip_photo")
    async with failing_inserts(database, "report_event"):
        with pytest.raises(Exception, match="boom"):
            await chat.press("report:send")
        assert await reports(database) == []
    await chat.press("report:send")  # the draft survived: the same button still works
    [report] = await reports(database)
    assert report.category == "electricity"
    async with database.unit_of_work() as store:
        full = await store.reports.by_code(report.code)
    assert full is not None and [e.new_status for e in full.events] == ["received", "assigned"]
