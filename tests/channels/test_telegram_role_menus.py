"""Officials find their commands on Telegram: a menu per role holder's chat, and /help.

The fake Bot API keeps menus per scope and language as Telegram does, and resolves
what a chat's client shows (``FakeTelegram.menu_for``).
"""

from __future__ import annotations

import pytest

from bot.channels.telegram.channel import TelegramChannel
from handlers.role_commands import ROLE_COMMANDS
from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram, channel_settings
from tests.support.fake_telegram import FakeTelegram, eventually

webhook_only = pytest.mark.parametrize("mode", ["webhook"], indirect=True)
OFFICIAL = 5_100_001
CITIZEN_MENU = list(ROLE_COMMANDS["citizen"])


async def grant(telegram: Telegram, chat_id: int, role: str, unit: str | None) -> None:
    async with telegram.services.database.unit_of_work() as store:
        await store.staff.grant("telegram", str(chat_id), role, unit, telegram.clock())


async def revoke(telegram: Telegram, chat_id: int) -> None:
    async with telegram.services.database.unit_of_work() as store:
        assert await store.staff.revoke("telegram", str(chat_id))


@webhook_only
async def test_an_official_sees_the_officials_menu_and_a_citizen_does_not(
    telegram: Telegram, citizen: Citizen
):
    fake = telegram.fake
    await grant(telegram, OFFICIAL, "official", "hepco")
    assert await telegram.channel.menus.sync() == 1

    for language in ("vi", "en", "fr"):
        shown = fake.menu_for(OFFICIAL, language)
        assert shown[:4] == ["mine", "report", "stats", "ops"] and "start" not in shown
        assert fake.menu_for(citizen.id, language) == CITIZEN_MENU
    english = {c["command"]: c["description"] for c in fake.menus[("chat", OFFICIAL, "en")]}
    assert english["mine"] == "Your unit's open reports, nearest deadline first"
    vietnamese = {c["command"]: c["description"] for c in fake.menus[("chat", OFFICIAL, "vi")]}
    assert vietnamese["report"] == "Xem đầy đủ một phản ánh: /report PA-12345"
    assert await telegram.channel.menus.sync() == 0  # nothing changed, nothing sent


@webhook_only
async def test_role_changes_change_the_menu_and_revoking_gives_the_citizens_back(
    telegram: Telegram,
):
    fake, menus = telegram.fake, telegram.channel.menus
    await grant(telegram, OFFICIAL, "official", "hepco")
    await menus.sync()
    await grant(telegram, OFFICIAL, "supervisor", None)
    assert await menus.sync() == 1
    assert "overdue" in fake.menu_for(OFFICIAL, "vi")
    await revoke(telegram, OFFICIAL)
    assert await menus.sync() == 1

    assert fake.chat_menus() == {}
    assert fake.menu_for(OFFICIAL, "vi") == CITIZEN_MENU
    deleted = fake.calls_to("deleteMyCommands")
    assert sorted(str(c.params.get("language_code", "")) for c in deleted) == ["", "en", "vi"]
    assert all(c.params["scope"] == {"type": "chat", "chat_id": OFFICIAL} for c in deleted)


@webhook_only
async def test_a_group_holding_a_role_gets_the_menu_for_everyone_in_it(telegram: Telegram):
    group = -1_001_234_567
    await grant(telegram, group, "official", "hepco")
    await telegram.channel.menus.sync()
    assert telegram.fake.menu_for(group, "vi")[0] == "mine"


@webhook_only
async def test_a_chat_telegram_refuses_waits_and_the_others_still_get_theirs(
    telegram: Telegram,
):
    fake = telegram.fake
    fake.reachable_chats = {OFFICIAL}  # the broadcaster never opened the bot
    await grant(telegram, 5_100_002, "broadcaster", None)
    await grant(telegram, OFFICIAL, "official", "hepco")

    assert await telegram.channel.menus.sync() == 1
    assert fake.menu_for(OFFICIAL, "vi")[0] == "mine"
    assert fake.chat_menus().keys() == {("chat", OFFICIAL, lang) for lang in ("vi", "en", "")}
    async with telegram.services.database.unit_of_work() as store:
        waiting = await store.staff.menus_to_sync("telegram")
    assert [change.role for change in waiting] == ["broadcaster"]  # tried again later


@webhook_only
async def test_the_channel_gives_role_holders_their_menus_when_it_starts(
    telegram: Telegram, fake_telegram: FakeTelegram
):
    await telegram.channel.stop()
    await grant(telegram, OFFICIAL, "admin", None)  # granted while HueBot was down
    settings = channel_settings(telegram.services, fake_telegram, webhook=True)
    again = TelegramChannel(telegram.services, settings, clock=telegram.clock, tick=0.05,
                            menu_interval=0.05)  # fmt: skip
    await again.start()
    try:
        await eventually(lambda: len(fake_telegram.chat_menus()) == 3)
    finally:
        await again.stop()
    assert fake_telegram.menu_for(OFFICIAL, "en")[:6] == [
        "mine", "report", "overdue", "stats", "alert", "ops",
    ]


@webhook_only
async def test_help_lists_the_officials_commands_only_to_officials(
    telegram: Telegram, citizen: Citizen
):
    official = Citizen(telegram.fake, OFFICIAL)
    await grant(telegram, OFFICIAL, "official", "hepco")

    [mine, *_] = await telegram.replies_after(1, official.text("/help"))
    assert "Lệnh dành cho cán bộ đơn vị" in mine and "/report PA-12345" in mine
    assert "/mine" in mine and "/stats 7" in mine and "/status PA-12345" in mine
    buttons = telegram.fake.delivered(OFFICIAL)[-1].params["reply_markup"]["inline_keyboard"]
    labels = [button["text"] for row in buttons for button in row]
    assert labels == ["📋 Phản ánh của đơn vị", "📊 Số liệu 7 ngày", "🖥️ Trang điều hành"]
    [theirs, *_] = await telegram.replies_after(1, citizen.text("/help"))
    assert "/status PA-12345" in theirs and "/mine" not in theirs and "Lệnh dành" not in theirs


@webhook_only
async def test_an_english_supervisor_gets_help_in_english_and_the_buttons_work(
    telegram: Telegram,
):
    supervisor = Citizen(telegram.fake, OFFICIAL, language="en")
    await grant(telegram, OFFICIAL, "supervisor", None)
    await telegram.replies_after(1, supervisor.text("/lang en"))

    [answer, *_] = await telegram.replies_after(1, supervisor.text("/help"))
    assert "Commands for supervisors:" in answer and "/overdue — Reports past" in answer
    [overdue] = await telegram.replies_after(1, supervisor.press("Overdue"))
    assert overdue == "No report is overdue."  # the /overdue command, from its button
