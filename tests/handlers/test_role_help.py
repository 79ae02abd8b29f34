"""The role -> commands table, and /help by role on the web chat and Zalo (no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.app import Services
from handlers import Channel, role_commands
from storage.staff import ROLES
from tests.support.chat import Chat
from tests.support.clock import FakeClock


def test_every_role_has_a_menu_telegram_would_take() -> None:
    assert set(role_commands.ROLE_COMMANDS) == set(ROLES)
    for role in ROLES:
        for language in ("vi", "en"):
            pairs = role_commands.menu(role, language)
            names = [name for name, _ in pairs]
            assert len(names) == len(set(names)) <= 100 and "help" in names
            assert all(name.isascii() and name.islower() and len(name) <= 32 for name in names)
            assert all(1 <= len(description) <= 256 for _, description in pairs)
    assert "mine" not in dict(role_commands.menu("citizen", "vi"))
    assert role_commands.menu("nobody", "en") == role_commands.menu("citizen", "en")


def test_every_button_is_a_command_of_the_role_that_gets_it() -> None:
    for role in ROLES:
        buttons = role_commands.staff_choices(role, "vi")
        assert len(buttons) <= 5  # Zalo shows at most five buttons
        for _, payload in buttons:
            name = payload.split(":")[1]
            assert name in role_commands.ROLE_COMMANDS[role]
    assert role_commands.staff_choices("citizen", "vi") == ()
    assert role_commands.staff_help("citizen", "vi") is None


@pytest.mark.parametrize(
    ("role", "unit", "expected", "absent"),
    [
        ("official", "hepco", ["/mine", "/report PA-12345", "/stats 7", "/ops"], ["/alert"]),
        ("supervisor", None, ["/overdue", "/mine"], ["/alert"]),
        ("broadcaster", None, ["/alert", "/ops"], ["/mine", "/overdue"]),
        ("admin", None, ["/overdue", "/alert", "/mine"], []),
    ],
)
async def test_help_on_the_web_chat_and_zalo_lists_the_roles_commands(
    services: Services, nlu_parser: Any, clock: FakeClock, role: str, unit: str | None,
    expected: list[str], absent: list[str],
) -> None:  # fmt: skip
    db, city = services.database, services.runtime.settings.city
    for channel, key in ((Channel.WEBCHAT, "page-staff"), (Channel.ZALO, "58100001")):
        async with db.unit_of_work() as store:
            await store.staff.grant(channel.value, key, role, unit, clock())
        chat = Chat(db, city, nlu_parser, clock, user=key, channel=channel)
        await chat.send("/help")
        text = chat.texts()
        assert all(command in text for command in expected), text
        assert not any(f"{command} —" in text for command in absent), text
        assert chat.payloads() == [p for _, p in role_commands.staff_choices(role, "vi")]


async def test_a_citizens_help_has_no_staff_commands_and_the_buttons_are_refused_to_them(
    services: Services, nlu_parser: Any, clock: FakeClock
) -> None:
    citizen = Chat(services.database, services.runtime.settings.city, nlu_parser, clock)
    await citizen.send("/help")
    assert "/mine" not in citizen.texts() and "Lệnh dành" not in citizen.texts()
    assert "menu:report" in citizen.payloads()
    answer = await citizen.send(choice="cmd:overdue")  # a forged staff button
    assert [reply.text for reply in answer] == ["Lệnh này dành cho cán bộ đơn vị xử lý."]


async def test_the_menu_buttons_run_their_commands(
    services: Services, nlu_parser: Any, clock: FakeClock
) -> None:
    db, city = services.database, services.runtime.settings.city
    async with db.unit_of_work() as store:
        await store.staff.grant("zalo", "58100002", "supervisor", None, clock())
    supervisor = Chat(db, city, nlu_parser, clock, user="58100002", channel=Channel.ZALO)
    await supervisor.send("/help")
    await supervisor.press("Quá hạn")
    assert supervisor.texts() == "Không có phản ánh nào quá hạn."
    await supervisor.send("/help")
    await supervisor.press("Số liệu 7 ngày")
    title = supervisor.texts().splitlines()[0]
    first, _, last = title.removeprefix("📊 Thống kê phản ánh ").partition(" – ")
    days = datetime.strptime(last, "%d/%m/%Y") - datetime.strptime(first, "%d/%m/%Y")
    assert days == timedelta(days=6)  # the button's seven days, not /stats' default 30
