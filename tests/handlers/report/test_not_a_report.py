"""Messages that are not plain reports: questions, two problems, English, strong words.

Transcripts through handlers.dispatch on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest

from handlers import GeoPoint
from storage.db import Database
from storage.records import ReportFilter
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.outbox import Mailbox, texts

LE_LOI = GeoPoint(16.4637, 107.5909)


async def reports(database: Database) -> list[Any]:
    async with database.unit_of_work() as store:
        return sorted(await store.reports.search(ReportFilter()), key=lambda r: r.id)


async def flow_of(database: Database, chat: Chat) -> str | None:
    async with database.unit_of_work() as store:
        user = await store.users.get_or_create(chat.channel, chat.user, chat.clock())
        conversation = await store.conversations.load(user.id)
    return conversation.flow if conversation else None


def offers_a_report_step(chat: Chat) -> bool:
    asks_place = any(reply.ask_location for reply in chat.last)
    pickers = [p for p in chat.payloads() if p.startswith("report:")]
    return asks_place or bool(pickers)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("mấy giờ thu gom rác ở phường Vỹ Dạ", "HEPCO"),
        ("bao giờ thì hết mưa", "/subscribe"),
        ("khi nào có nước lại vậy?", "HUEWACO"),
    ],
)
async def test_a_question_gets_an_answer_not_a_report_draft(
    chat: Chat, database: Database, question: str, expected: str
):
    await chat.send(question)
    assert "HueBot chưa trả lời được câu này" in chat.texts()
    assert "0234 1022" in chat.texts() and expected in chat.texts()
    assert not offers_a_report_step(chat)
    assert await flow_of(database, chat) != "report"
    assert await reports(database) == []


async def test_an_english_question_in_a_vietnamese_chat_is_answered_in_english(
    chat: Chat, database: Database
):
    await chat.send("how do I pay the water bill?")
    assert "HueBot cannot answer this question yet" in chat.texts()
    assert "HUEWACO" in chat.texts() and "0234 1022" in chat.texts()
    assert not offers_a_report_step(chat)
    await chat.send("/myreports")
    assert "Bạn chưa có phản ánh nào" in chat.texts()


async def test_a_question_about_ones_own_report_shows_the_reports(chat: Chat, database: Database):
    await chat.send("phản ánh của tôi khi nào được xử lý?")
    assert "Bạn chưa có phản ánh nào" in chat.texts()
    await chat.send("làm sao để hủy nhận cảnh báo?")
    assert "/unsubscribe" in chat.texts() and not offers_a_report_step(chat)


async def test_a_question_inside_a_complaint_is_still_a_report(chat: Chat):
    await chat.send("Đường Lê Lợi ngập sâu, bao giờ mới rút?")
    assert "report:skip_photo" in chat.payloads()
    assert "chưa trả lời được" not in chat.texts()


async def test_an_english_report_is_answered_in_english_for_that_turn(
    chat: Chat, database: Database
):
    await chat.send("There is a big pothole in front of my house")
    assert chat.last[-1].ask_location and "Where is it?" in chat.texts()
    await chat.send(location=LE_LOI)
    assert "Bạn có thể gửi thêm ảnh" in chat.texts()
    await chat.send("The pothole is about one metre wide")
    assert "Please check your report" in chat.texts() or "What kind" in chat.texts()


async def test_two_problems_file_the_first_and_offer_the_second(chat: Chat, database: Database):
    await chat.send("đèn đường hỏng, dây điện rớt xuống đường")
    await chat.send(location=LE_LOI)
    await chat.press("report:skip_photo")
    assert "dây điện rớt xuống đường" in chat.texts() and "Đèn chiếu sáng" in chat.texts()
    await chat.press("report:send")
    [first] = await reports(database)
    assert first.category == "lighting" and first.code in chat.texts()
    assert "phản ánh riêng" in chat.texts() and "report:send" in chat.payloads()
    assert "Điện, mất điện, dây điện" in chat.texts()
    await chat.press("report:send")
    first, second = await reports(database)
    assert second.category == "electricity" and second.unit_code == "pc_hue"
    assert second.text == "dây điện rớt xuống đường"
    assert (second.latitude, second.longitude) == (LE_LOI.latitude, LE_LOI.longitude)


async def test_one_problem_in_two_clauses_is_one_report(chat: Chat, database: Database):
    await chat.send("Cống thoát nước bị tắc, nước tràn lên đường")
    await chat.send(location=LE_LOI)
    await chat.press("report:skip_photo")
    if "report:send" not in chat.payloads():
        await chat.press("report:cat:flooding")
    assert "Bạn còn nhắc đến" not in chat.texts()
    await chat.press("report:send")
    assert "phản ánh riêng" not in chat.texts()
    assert len(await reports(database)) == 1


async def test_strong_words_are_acknowledged_and_masked_for_officials(
    chat: Chat, database: Database, clock: FakeClock
):
    async with database.unit_of_work() as store:
        await store.staff.grant("webchat", "road-official", "official", "so_xay_dung", clock())
    await chat.send("đm cái ổ gà to vcl giữa đường Hùng Vương")
    assert "bức xúc" in chat.texts()
    await chat.send(location=LE_LOI)
    await chat.press("report:skip_photo")
    if "report:send" not in chat.payloads():
        await chat.press("report:cat:road")
    await chat.press("report:send")
    [report] = await reports(database)
    assert report.text == "đ* cái ổ gà to v** giữa đường Hùng Vương"
    seen = texts(await Mailbox(database, "road-official").read())
    assert "ổ gà" in seen and "đm" not in seen.lower() and "vcl" not in seen.lower()


async def test_strong_words_alone_get_a_calm_answer_and_no_draft(chat: Chat, database: Database):
    await chat.send("ĐM bot ngu vcl")
    assert "bức xúc" in chat.texts() and "menu:report" in chat.payloads()
    assert await flow_of(database, chat) != "report"
