"""The official-citizen loop keeps everything and says only what is final. Both stores."""

from __future__ import annotations

from typing import Any

from bot.app import Services
from handlers import PhotoRef
from storage.db import Database
from tests.handlers.handling.test_handling import file_flooding, status_of
from tests.support.clock import FakeClock
from tests.support.outbox import Mailbox, payloads, texts

DEPTH_PHOTO = PhotoRef("ef" * 32, "image/jpeg", 2500, 800, 600)
LATER_PHOTO = PhotoRef("12" * 32, "image/jpeg", 2600, 800, 600)


async def ask(staffed: dict[str, Any], code: str, question: str) -> None:
    await staffed["official"].send(choice=f"act:info:{code}")
    await staffed["official"].send(question)


async def resolved(staffed: dict[str, Any], code: str) -> None:
    await staffed["official"].send(choice=f"act:resolve:{code}")
    await staffed["official"].send("Đã nạo vét cống")
    await staffed["official"].press(f"act:done:{code}")


async def test_text_then_photo_both_answer_the_question_until_done(
    database: Database, staffed: dict[str, Any]
):
    citizen, unit_box = staffed["citizen"], Mailbox(database, "hepco-official")
    code = await file_flooding(citizen)
    await ask(staffed, code, "Nước ngập sâu bao nhiêu?")
    await unit_box.read()
    await citizen.send("Khoảng 40 cm")
    assert f"answer:{code}:done" in citizen.payloads()
    await citizen.send(photos=(DEPTH_PHOTO,))
    assert "PA-" not in citizen.texts().replace(code, "") and "report:" not in str(
        citizen.payloads()
    )
    to_unit = await unit_box.read()
    assert "40 cm" in texts(to_unit) and any(r.image_sha256 == DEPTH_PHOTO.sha256 for r in to_unit)
    report = await status_of(database, code)
    assert DEPTH_PHOTO.sha256 in [photo.sha256 for photo in report.photos]
    assert report.status == "in_progress"
    async with database.unit_of_work() as store:
        assert await store.reports.count() == 1

    await citizen.press(f"answer:{code}:done")
    assert "đã gửi xong" in texts(await unit_box.read())
    await citizen.send(photos=(LATER_PHOTO,))  # the question is closed: a new report begins
    assert LATER_PHOTO.sha256 not in [p.sha256 for p in (await status_of(database, code)).photos]
    await staffed["official"].send(f"/report {code}")
    assert "người dân trả lời: Khoảng 40 cm" in staffed["official"].texts()
    assert "người dân trả lời: 📷" in staffed["official"].texts()


async def test_the_question_closes_when_the_official_acts(
    database: Database, staffed: dict[str, Any]
):
    citizen = staffed["citizen"]
    code = await file_flooding(citizen)
    await ask(staffed, code, "Nước ngập sâu bao nhiêu?")
    await citizen.send("Khoảng 40 cm")
    await resolved(staffed, code)
    await citizen.send("Cống nhà bên cạnh cũng bị tắc, nước tràn ra đường")
    report = await status_of(database, code)
    assert report.status == "resolved"
    assert not any("nhà bên cạnh" in (event.note or "") for event in report.events)


async def test_typing_done_also_ends_the_answer(database: Database, staffed: dict[str, Any]):
    citizen = staffed["citizen"]
    code = await file_flooding(citizen)
    await ask(staffed, code, "Ảnh chụp rõ hơn được không?")
    await citizen.send(photos=(DEPTH_PHOTO,))
    await citizen.send("xong")
    assert code in citizen.texts() and "Cảm ơn" in citizen.texts()
    async with database.unit_of_work() as store:
        user = await store.users.find("webchat", "citizen")
        assert user is not None and await store.conversations.load(user.id) is None


async def test_not_satisfied_comment_goes_with_the_reopen_notice(
    database: Database, staffed: dict[str, Any], services: Services, clock: FakeClock
):
    citizen, official = staffed["citizen"], staffed["official"]
    code = await file_flooding(citizen)
    await resolved(staffed, code)
    inbox = services.inbox
    seen = max((i for i, _ in await inbox.webchat_inbox("hepco-official", 0)), default=0)
    await citizen.send(choice=f"rate:{code}:no")
    clock.advance(minutes=2)
    assert await inbox.webchat_inbox("hepco-official", seen) == []  # held for the comment
    await citizen.send("Nước vẫn còn đọng trước cửa nhà")
    notices = [reply for _, reply in await inbox.webchat_inbox("hepco-official", seen)]
    told = texts(notices)
    assert told.count("🔁 Người dân chưa hài lòng") == 1
    assert "Nước vẫn còn đọng" in told and "🔁 Phản ánh mở lại" in told
    assert "🆕" not in told and f"act:accept:{code}" in payloads(notices)
    clock.advance(minutes=30)
    assert await inbox.webchat_inbox("hepco-official", seen + 100) == []
    everything = texts([reply for _, reply in await inbox.webchat_inbox("hepco-official", 0)])
    assert everything.count("🔁 Người dân chưa hài lòng") == 1

    await official.send(f"/report {code}")
    assert official.texts().startswith("🔁 Phản ánh mở lại") and "🆕" not in official.texts()
    assert (await status_of(database, code)).rating_comment == "Nước vẫn còn đọng trước cửa nhà"


async def test_a_reopen_without_comment_is_sent_after_the_wait(
    database: Database, staffed: dict[str, Any], services: Services, clock: FakeClock
):
    citizen = staffed["citizen"]
    code = await file_flooding(citizen)
    await resolved(staffed, code)
    inbox = services.inbox
    seen = max((i for i, _ in await inbox.webchat_inbox("hepco-official", 0)), default=0)
    await citizen.send(choice=f"rate:{code}:no")
    assert await inbox.webchat_inbox("hepco-official", seen) == []
    clock.advance(minutes=11)
    told = texts([reply for _, reply in await inbox.webchat_inbox("hepco-official", seen)])
    assert "không để lại góp ý" in told and "🔁 Phản ánh mở lại" in told


async def test_a_skipped_comment_releases_the_reopen_notice_at_once(
    database: Database, staffed: dict[str, Any], services: Services
):
    citizen = staffed["citizen"]
    code = await file_flooding(citizen)
    await resolved(staffed, code)
    inbox = services.inbox
    seen = max((i for i, _ in await inbox.webchat_inbox("hepco-official", 0)), default=0)
    await citizen.send(choice=f"rate:{code}:no")
    await citizen.press(f"rate:{code}:skip")
    told = texts([reply for _, reply in await inbox.webchat_inbox("hepco-official", seen)])
    assert told.count("🔁 Người dân chưa hài lòng") == 1 and "không để lại góp ý" in told


async def test_a_supervisor_confirms_the_rejection_and_then_the_citizen_is_told(
    database: Database, staffed: dict[str, Any]
):
    citizen, citizen_box = staffed["citizen"], Mailbox(database, "citizen")
    code = await file_flooding(citizen)
    await staffed["official"].send(choice=f"act:reject:{code}")
    await staffed["official"].press(f"act:why:{code}:not_ours")
    assert await citizen_box.read() == []
    supervisor = staffed["supervisor"]
    supervisor.last = await Mailbox(database, "supervisor").read()
    await supervisor.press(f"act:confirm:{code}")
    told = texts(await citizen_box.read())
    assert "Không tiếp nhận" in told and "Không thuộc thẩm quyền" in told
    await supervisor.send(choice=f"act:confirm:{code}")
    assert "không còn phù hợp" in supervisor.texts()
    assert await citizen_box.read() == []
    await citizen.send(f"/status {code}")
    assert "Không tiếp nhận" in citizen.texts()
    await staffed["official"].send(choice=f"act:confirm:{code}")
    assert await citizen_box.read() == []


async def test_spam_is_final_and_the_citizen_is_told_at_once(
    database: Database, staffed: dict[str, Any]
):
    code = await file_flooding(staffed["citizen"])
    await staffed["official"].send(choice=f"act:reject:{code}")
    await staffed["official"].press(f"act:why:{code}:spam")
    assert "Không tiếp nhận" in texts(await Mailbox(database, "citizen").read())


async def test_transfer_offers_every_unit_by_page_and_by_name(
    database: Database, staffed: dict[str, Any], services: Services
):
    city = services.runtime.settings.city
    code = await file_flooding(staffed["citizen"])
    official = staffed["official"]
    await official.send(choice=f"act:transfer:{code}")
    offered: set[str] = set()
    for _ in range(len(city.units)):
        offered |= {p.rsplit(":", 1)[1] for p in official.payloads() if p.startswith("act:to:")}
        following = [p for p in official.payloads() if p.startswith(f"act:transfer:{code}:")]
        forward = [p for p in following if int(p.rsplit(":", 1)[1]) > len(offered) // 8 - 1]
        if not forward:
            break
        await official.send(choice=forward[0])
    assert offered == {unit.code for unit in city.units} - {"hepco"}
    assert len([code for code in offered if code.startswith("ubnd_")]) == 40

    await official.send("vy da")
    assert f"act:to:{code}:ubnd_vy_da" in official.payloads()
    await official.send("không có đơn vị này")
    assert "Không tìm thấy đơn vị" in official.texts()
    await official.send("Vỹ Dạ")
    assert official.payloads()[0] == f"act:to:{code}:ubnd_vy_da"
    await official.send("1")  # where the channel shows a numbered list
    await official.send("Cống trong kiệt thuộc phường quản lý")
    assert (await status_of(database, code)).unit_code == "ubnd_vy_da"


async def test_status_names_units_instead_of_codes(database: Database, staffed: dict[str, Any]):
    citizen = staffed["citizen"]
    code = await file_flooding(citizen)
    official = staffed["official"]
    await official.send(choice=f"act:transfer:{code}")
    await official.send(choice=f"act:to:{code}:huewaco")
    await official.send("Vỡ ống cấp nước")
    await citizen.send(f"/status {code}")
    shown = citizen.texts()
    assert "— hepco" not in shown and "— huewaco" not in shown
    assert "— Công ty CP Môi trường và Công trình đô thị Huế (HEPCO)" in shown
    assert "HUEWACO" in shown and "Vỡ ống cấp nước" in shown
