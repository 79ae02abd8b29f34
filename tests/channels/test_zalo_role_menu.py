"""Zalo OA menus are the same for everyone, so a role holder's /help carries their menu."""

from __future__ import annotations

from tests.channels.test_zalo_dialogs import (  # noqa: F401  (fixtures)
    Zalo,
    ZaloCitizen,
    citizen,
    fake_zalo,
    zalo,
)


async def test_a_supervisor_on_zalo_gets_the_role_menu_and_a_citizen_does_not(
    zalo: Zalo,  # noqa: F811
    citizen: ZaloCitizen,  # noqa: F811
) -> None:
    async with zalo.services.database.unit_of_work() as store:
        await store.staff.grant("zalo", citizen.id, "supervisor", None, zalo.services.clock())
    [answer] = await zalo.replies_after(1, citizen.text("/help"))
    assert "Lệnh dành cho giám sát viên" in answer and "/overdue" in answer
    titles = [button["title"] for button in zalo.fake.buttons(citizen.id)]
    assert titles == ["📋 Phản ánh của đơn vị", "⏰ Quá hạn", "📊 Số liệu 7 ngày",
                      "🖥️ Trang điều hành"]  # fmt: skip
    [overdue] = await zalo.replies_after(1, citizen.press("Quá hạn"))
    assert overdue == "Không có phản ánh nào quá hạn."

    async with zalo.services.database.unit_of_work() as store:
        assert await store.staff.revoke("zalo", citizen.id)
    [plain] = await zalo.replies_after(1, citizen.text("/help"))
    assert "/overdue" not in plain and "Lệnh dành" not in plain
    assert "⏰ Quá hạn" not in [button["title"] for button in zalo.fake.buttons(citizen.id)]
