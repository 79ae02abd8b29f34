"""Officials handle reports from the chat; citizens are told and rate. Both stores."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import open_scheduler
from handlers import GeoPoint, PhotoRef
from storage.db import Database
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.outbox import Mailbox, payloads, texts

LE_LOI = GeoPoint(16.4637, 107.5909)
RESULT_PHOTO = PhotoRef("ab" * 32, "image/jpeg", 2000, 800, 600)


@pytest.fixture
def people(database: Database, services: Any, nlu_parser: Any, clock: FakeClock) -> dict[str, Any]:
    city = services.runtime.settings.city

    def chat(key: str) -> Chat:
        return Chat(database, city, nlu_parser, clock, user=key)

    return {
        "citizen": chat("citizen"),
        "official": chat("hepco-official"),
        "other": chat("huewaco-official"),
        "supervisor": chat("supervisor"),
        "neighbour": chat("neighbour"),
    }


async def grant(database: Database, key: str, role: str, unit: str | None, clock: FakeClock):
    async with database.unit_of_work() as store:
        await store.staff.grant("webchat", key, role, unit, clock())


@pytest.fixture
async def staffed(database: Database, people: dict[str, Any], clock: FakeClock):
    await grant(database, "hepco-official", "official", "hepco", clock)
    await grant(database, "huewaco-official", "official", "huewaco", clock)
    await grant(database, "supervisor", "supervisor", None, clock)
    return people


async def file_flooding(chat: Chat, where: GeoPoint = LE_LOI) -> str:
    await chat.send("Cống thoát nước trước chợ bị tắc, nước ngập cả đoạn đường")
    await chat.send(location=where)
    await chat.press("report:skip_photo")
    if "report:send" not in chat.payloads():
        await chat.press("report:cat:flooding")
    await chat.press("report:send")
    return next(w for w in chat.texts().split() if w.startswith("PA-")).rstrip(".")


async def status_of(database: Database, code: str) -> Any:
    async with database.unit_of_work() as store:
        return await store.reports.by_code(code)


async def test_whole_life_cycle(database: Database, staffed: dict[str, Any]):
    citizen, official = staffed["citizen"], staffed["official"]
    citizen_box, official_box = Mailbox(database, "citizen"), Mailbox(database, "hepco-official")
    code = await file_flooding(citizen)
    assignment = await official_box.read()
    assert code in texts(assignment) and "openstreetmap.org" in texts(assignment)
    assert f"act:accept:{code}" in payloads(assignment)
    assert (await status_of(database, code)).status == "assigned"

    official.last = assignment
    await official.press(f"act:accept:{code}")
    assert "Đang xử lý" in texts(await citizen_box.read())

    await official.press(f"act:info:{code}")
    await official.send("Nước ngập sâu khoảng bao nhiêu cm ạ?")
    question = await citizen_box.read()
    assert "bao nhiêu cm" in texts(question) and f"answer:{code}" in payloads(question)
    assert (await status_of(database, code)).status == "need_info"
    await citizen.send("Khoảng 40 cm, xe máy không đi được")
    assert "40 cm" in texts(await official_box.read())
    assert (await status_of(database, code)).status == "in_progress"

    await official.send(f"/report {code}")
    assert "40 cm" in official.texts() and "Đã chuyển đơn vị xử lý" in official.texts()
    await official.press(f"act:resolve:{code}")
    await official.send("Đã nạo vét cống, nước đã rút hết")
    await official.send(photos=(RESULT_PHOTO,))
    resolved = await citizen_box.read()
    assert "nước đã rút" in texts(resolved) and f"rate:{code}:yes" in payloads(resolved)
    assert any(r.image_sha256 == RESULT_PHOTO.sha256 for r in resolved)

    citizen.last = resolved
    await citizen.press(f"rate:{code}:yes")
    await citizen.send("Cảm ơn các anh rất nhanh!")
    report = await status_of(database, code)
    assert (report.status, report.satisfied, report.rating_comment) == (
        "closed",
        True,
        "Cảm ơn các anh rất nhanh!",
    )
    statuses = [e.new_status for e in report.events if e.new_status]
    assert statuses == [
        "received",
        "assigned",
        "in_progress",
        "need_info",
        "in_progress",
        "resolved",
        "closed",
    ]


async def test_transfer_goes_to_the_new_unit(database: Database, staffed: dict[str, Any]):
    code = await file_flooding(staffed["citizen"])
    official = staffed["official"]
    official.last = await Mailbox(database, "hepco-official").read()
    await official.press(f"act:transfer:{code}")
    await official.press(f"act:to:{code}:huewaco")
    await official.send("Vỡ ống cấp nước gây ngập, thuộc cấp nước")
    report = await status_of(database, code)
    assert (report.status, report.unit_code) == ("assigned", "huewaco")
    assert "↪️" in texts(await Mailbox(database, "huewaco-official").read())
    assert "HUEWACO" in texts(await Mailbox(database, "citizen").read())


async def test_reject_not_ours_goes_to_supervisors_and_the_citizen_hears_only_the_outcome(
    database, staffed
):
    citizen, citizen_box = staffed["citizen"], Mailbox(database, "citizen")
    code = await file_flooding(citizen)
    await staffed["official"].send(choice=f"act:reject:{code}")
    await staffed["official"].press(f"act:why:{code}:not_ours")
    assert (await status_of(database, code)).status == "rejected"
    assert await citizen_box.read() == []
    await citizen.send(f"/status {code}")
    assert "Không tiếp nhận" not in citizen.texts()
    assert "Đang chuyển đến đơn vị phù hợp" in citizen.texts()
    to_supervisor = await Mailbox(database, "supervisor").read()
    assert code in texts(to_supervisor) and f"act:transfer:{code}" in payloads(to_supervisor)
    supervisor = staffed["supervisor"]
    supervisor.last = to_supervisor
    await supervisor.press(f"act:transfer:{code}")
    await supervisor.press(f"act:to:{code}:huewaco")
    await supervisor.send("Chuyển cấp nước xử lý")
    assert (await status_of(database, code)).unit_code == "huewaco"
    told = texts(await citizen_box.read())
    assert "HUEWACO" in told and "Không tiếp nhận" not in told


async def test_not_satisfied_reopens_once_then_closes_disputed(database, staffed):
    citizen, official = staffed["citizen"], staffed["official"]
    code = await file_flooding(citizen)
    for _ in range(2):
        await official.send(choice=f"act:resolve:{code}")
        await official.send("Đã xử lý")
        await official.press(f"act:done:{code}")
        await citizen.send(choice=f"rate:{code}:no")
        await citizen.send(choice=f"rate:{code}:skip")
    report = await status_of(database, code)
    assert (report.status, report.disputed, report.satisfied, report.reopen_count) == (
        "closed",
        True,
        False,
        1,
    )
    to_supervisor = texts(await Mailbox(database, "supervisor").read())
    assert "mở lại" in to_supervisor and "lần hai" in to_supervisor


async def test_other_units_and_citizens_cannot_act(database, staffed):
    code = await file_flooding(staffed["citizen"])
    await staffed["other"].send(choice=f"act:accept:{code}")
    assert "không có quyền" in staffed["other"].texts()
    await staffed["citizen"].send(choice=f"act:resolve:{code}")
    assert "không có quyền" in staffed["citizen"].texts()
    report = await status_of(database, code)
    assert report.status == "assigned"
    refusals = [e.note for e in report.events if e.new_status is None and e.note]
    assert len(refusals) == 2 and all("refused" in note for note in refusals)


async def test_forged_and_replayed_presses_change_nothing(database, staffed):
    code = await file_flooding(staffed["citizen"])
    official = staffed["official"]
    await official.send(choice=f"act:accept:{code}")
    await official.send(choice=f"act:accept:{code}")
    assert "không còn phù hợp" in official.texts()
    await official.send(choice="act:accept:PA-99999")
    assert "PA-99999" in official.texts()
    await official.send(choice=f"act:to:{code}:no_such_unit")
    await official.send(choice=f"act:explode:{code}")
    report = await status_of(database, code)
    assert [e.new_status for e in report.events if e.new_status][-1] == "in_progress"
    await staffed["neighbour"].send(choice=f"rate:{code}:yes")
    assert (await status_of(database, code)).status == "in_progress"


async def test_deadlines_remind_escalate_and_digest_once(database, staffed, services, clock):
    code = await file_flooding(staffed["citizen"])  # flooding: 24 h
    scheduler = open_scheduler(services)
    official_box, supervisor_box = (
        Mailbox(database, "hepco-official"),
        Mailbox(database, "supervisor"),
    )
    await official_box.read()
    clock.advance(hours=17)
    assert (await scheduler.tick()).reminded == 0
    clock.advance(hours=1, minutes=1)  # 75 % of 24 h is 18 h
    assert (await scheduler.tick()).reminded == 1
    assert "Nhắc hạn" in texts(await official_box.read())
    assert (await scheduler.tick()).reminded == 0
    clock.advance(hours=6)
    assert (await scheduler.tick()).escalated == 1
    assert code in texts(await supervisor_box.read())
    assert (await scheduler.tick()).escalated == 0
    await staffed["supervisor"].send("/overdue")
    assert code in staffed["supervisor"].texts()
    report = await status_of(database, code)
    assert any(e.note == "overdue" for e in report.events)


async def test_daily_digest_at_the_hour_once_a_day(database, staffed, services, clock):
    await file_flooding(staffed["citizen"])
    box = Mailbox(database, "hepco-official")
    await box.read()
    scheduler = open_scheduler(services)
    clock.now = clock.now.replace(hour=23, minute=30)  # 06:30 in Huế next day
    assert (await scheduler.tick()).digests == 0
    clock.advance(minutes=45)  # 07:15 in Huế
    assert (await scheduler.tick()).digests == 1
    assert "Tổng hợp ngày" in texts(await box.read())
    clock.advance(hours=3)
    assert (await scheduler.tick()).digests == 0


async def test_unanswered_rating_closes_after_seven_days(database, staffed, services, clock):
    code = await file_flooding(staffed["citizen"])
    await staffed["official"].send(choice=f"act:resolve:{code}")
    await staffed["official"].send("Đã xử lý")
    await staffed["official"].press(f"act:done:{code}")
    clock.advance(days=6, hours=23)
    await open_scheduler(services).tick()
    assert (await status_of(database, code)).status == "resolved"
    clock.advance(hours=2)
    await open_scheduler(services).tick()
    report = await status_of(database, code)
    assert (report.status, report.satisfied) == ("closed", None)


async def test_duplicate_nearby_is_offered_and_followed(database, staffed):
    code = await file_flooding(staffed["citizen"])
    neighbour = staffed["neighbour"]
    await neighbour.send("Đường ngập nước do cống tắc")
    await neighbour.send(location=GeoPoint(LE_LOI.latitude + 0.0005, LE_LOI.longitude))  # ~55 m
    await neighbour.press("report:skip_photo")
    if f"report:follow:{code}" not in neighbour.payloads():
        await neighbour.press("report:cat:flooding")
    await neighbour.press(f"report:follow:{code}")
    assert "đang theo dõi" in neighbour.texts()
    report = await status_of(database, code)
    assert report.priority == 1
    await staffed["official"].send(choice=f"act:accept:{code}")
    assert "Đang xử lý" in texts(await Mailbox(database, "neighbour").read())


async def test_far_away_report_is_not_a_duplicate(database, staffed):
    await file_flooding(staffed["citizen"])
    neighbour = staffed["neighbour"]
    await neighbour.send("Đường ngập nước do cống tắc")
    await neighbour.send(location=GeoPoint(LE_LOI.latitude + 0.01, LE_LOI.longitude))  # ~1.1 km
    await neighbour.press("report:skip_photo")
    if "report:send" not in neighbour.payloads():
        await neighbour.press("report:cat:flooding")
    assert not any(p.startswith("report:follow") for p in neighbour.payloads())


async def test_invite_join_once(database, people, clock):
    async with database.unit_of_work() as store:
        code = await store.staff.create_invite("cay_xanh", "official", clock())
    newcomer = people["neighbour"]
    await newcomer.send(f"/join {code.lower()}")
    assert "Trung tâm Công viên cây xanh Huế" in newcomer.texts()
    await people["other"].send(f"/join {code}")
    assert "đã dùng" in people["other"].texts()
    async with database.unit_of_work() as store:
        late = await store.staff.create_invite("cay_xanh", "official", clock())
    clock.advance(hours=73)
    await people["other"].send(f"/join {late}")
    assert "hết hạn" in people["other"].texts()


async def test_mine_lists_the_units_queue_in_pages(database, staffed, services, nlu_parser, clock):
    city = services.runtime.settings.city
    for n in range(12):
        await file_flooding(
            Chat(database, city, nlu_parser, clock, user=f"c{n}"),
            GeoPoint(LE_LOI.latitude + n * 0.01, LE_LOI.longitude),
        )
    official = staffed["official"]
    await official.send("/mine")
    assert official.texts().count("PA-") == 10 and "staff:mine:1" in official.payloads()
    await official.press("staff:mine:1")
    assert official.texts().count("PA-") == 2
    await staffed["citizen"].send("/mine")
    assert "Phản ánh đang mở của đơn vị" not in staffed["citizen"].texts()


async def test_stats_command_for_supervisors_and_officials(database, staffed, clock):
    code = await file_flooding(staffed["citizen"])
    clock.advance(minutes=5)
    await staffed["official"].send(choice=f"act:resolve:{code}")
    await staffed["official"].send("Đã xử lý")
    await staffed["official"].press(f"act:done:{code}")
    await staffed["supervisor"].send("/stats 7")
    city_wide = staffed["supervisor"].texts()
    assert "1" in city_wide and "HEPCO" in city_wide
    await staffed["other"].send("/stats")
    assert "HEPCO" not in staffed["other"].texts()
    await staffed["supervisor"].send("/stats abc")
    assert "/stats" in staffed["supervisor"].texts()
    await staffed["citizen"].send("/stats")
    assert "dành cho cán bộ" in staffed["citizen"].texts()
