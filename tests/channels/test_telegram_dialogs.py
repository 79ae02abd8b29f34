"""Whole dialogs on Telegram, by polling and by webhook, on SQLite and PostgreSQL.

The real python-telegram-bot talks to the fake Bot API server; every assertion is
on what that server recorded or on what the store holds.
"""

from __future__ import annotations

from typing import Any

from storage.records import ReportFilter
from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram
from tests.support.fake_telegram import eventually
from tests.support.images import jpeg

LE_LOI = (16.4637, 107.5909)


async def reports(telegram: Telegram) -> list[Any]:
    async with telegram.services.database.unit_of_work() as store:
        found = await store.reports.search(ReportFilter())
        return [await store.reports.by_code(r.code) for r in found]


async def file_a_report(telegram: Telegram, citizen: Citizen) -> str:
    """Text, location, photo, send: returns the ticket code the bot gave."""
    fake = telegram.fake
    await telegram.replies_after(1, citizen.text("Đèn đường trước nhà tôi bị hỏng, tối om"))
    keyboard = fake.delivered(citizen.id)[-1].params["reply_markup"]
    assert keyboard["keyboard"][0][0]["request_location"] is True
    await telegram.replies_after(1, citizen.location(*LE_LOI))
    assert "report:skip_photo" not in str(fake.delivered(citizen.id)[-1].params)
    await telegram.replies_after(1, citizen.photo(jpeg((640, 480)), caption=None))
    summary = fake.delivered(citizen.id)[-1]
    assert "report:" not in str(summary.params["reply_markup"])  # tokens, not payloads
    [filed] = await telegram.replies_after(1, citizen.press("Gửi phản ánh"))
    assert "PA-1000" in filed
    return "PA-" + filed.split("PA-")[1][:5]


async def test_a_report_by_text_location_and_photo_gets_a_ticket(
    telegram: Telegram, citizen: Citizen
):
    code = await file_a_report(telegram, citizen)
    [report] = await reports(telegram)
    assert report.code == code and report.channel == "telegram"
    assert (report.latitude, report.longitude) == LE_LOI
    assert report.category == "lighting" and len(report.photos) == 1
    fetched = [c.params["file_id"] for c in telegram.fake.calls_to("getFile")]
    assert fetched == [f"F{citizen.id}x1"]  # the largest size, not the thumbnail


async def test_status_command_answers_with_the_reports_state(telegram: Telegram, citizen: Citizen):
    code = await file_a_report(telegram, citizen)
    answer, photo = await telegram.replies_after(2, citizen.text(f"/status {code}"))
    assert code in answer and "Đã tiếp nhận" in answer
    [sent_photo] = telegram.fake.calls_to("sendPhoto")
    assert photo == "" and sent_photo.files["photo"].startswith(b"\xff\xd8")  # the public JPEG
    [mine] = await telegram.replies_after(1, citizen.text("/myreports"))
    assert code in mine


async def test_a_pressed_button_is_answered_and_disarmed(telegram: Telegram, citizen: Citizen):
    await telegram.replies_after(1, citizen.text("/start"))
    menu = telegram.fake.delivered(citizen.id)[-1]
    await telegram.replies_after(1, citizen.press("Hướng dẫn"))
    assert len(telegram.fake.calls_to("answerCallbackQuery")) == 1
    [edit] = telegram.fake.calls_to("editMessageText")
    assert int(edit.params["message_id"]) == max(m for _, m in telegram.fake.messages) - 1
    assert "reply_markup" not in edit.params  # the keyboard is gone
    assert menu.params["text"].split("\n")[0] in edit.params["text"]
    assert "✔️ ℹ️ Hướng dẫn" in edit.params["text"]


async def test_a_stale_or_forged_button_changes_nothing(telegram: Telegram, citizen: Citizen):
    await telegram.replies_after(1, citizen.text("/start"))
    message = telegram.fake.messages[max(telegram.fake.messages)]
    [answer] = await telegram.replies_after(1, citizen.press_data("report:send", message))
    assert "không còn hiệu lực" in answer
    assert await reports(telegram) == []
    assert len(telegram.fake.calls_to("answerCallbackQuery")) == 1


async def test_a_replayed_update_is_processed_once(telegram: Telegram, citizen: Citizen):
    update = citizen.text("/help")
    await telegram.replies_after(1, update)
    statuses = await telegram.deliver(update)
    assert statuses == [200]
    await telegram.settled()
    await telegram.replies_after(1, citizen.text("/myreports"))
    helps = [t for t in telegram.fake.texts(citizen.id) if "/status PA-12345" in t]
    assert len(helps) == 1


async def test_a_citizen_who_blocked_the_bot_is_marked_unreachable(
    telegram: Telegram, citizen: Citizen
):
    await telegram.replies_after(1, citizen.text("/start"))
    telegram.fake.blocked.add(citizen.id)
    await telegram.deliver(citizen.text("/help"))
    await telegram.settled()
    assert not (await user(telegram, citizen)).reachable
    telegram.fake.blocked.clear()
    await telegram.deliver(citizen.member_status("member"))
    await telegram.settled()
    assert (await user(telegram, citizen)).reachable
    await telegram.deliver(citizen.member_status("kicked"))
    await telegram.settled()
    assert not (await user(telegram, citizen)).reachable


async def test_flood_control_is_waited_out(telegram: Telegram, citizen: Citizen):
    telegram.fake.fail("sendMessage", 429, "Too Many Requests: retry after 2", retry_after=2)
    [answer] = await telegram.replies_after(1, citizen.text("/help"))
    assert "/status PA-12345" in answer
    refused, sent = telegram.fake.calls_to("sendMessage")  # refused once, then sent
    assert not refused.ok and sent.ok and sent.at >= refused.at + 2  # the pacer waited


async def user(telegram: Telegram, citizen: Citizen) -> Any:
    async with telegram.services.database.unit_of_work() as store:
        found = await store.users.find("telegram", str(citizen.id))
    assert found is not None
    return found


async def test_start_up_sets_the_menu_and_the_mode(telegram: Telegram):
    fake = telegram.fake
    languages = sorted(
        str(c.params.get("language_code", "")) for c in fake.calls_to("setMyCommands")
    )
    assert languages == ["", "en", "vi"]
    names = [c["command"] for c in fake.calls_to("setMyCommands")[0].params["commands"]]
    assert names == [
        "start",
        "help",
        "status",
        "myreports",
        "subscribe",
        "subscriptions",
        "cancel",
        "lang",
    ]
    if telegram.mode == "webhook":
        [hook] = fake.calls_to("setWebhook")
        assert hook.params["secret_token"] == telegram.channel.settings.webhook_secret
        assert hook.params["allowed_updates"] == [
            "message",
            "edited_message",
            "callback_query",
            "my_chat_member",
        ]
        assert not fake.calls_to("getUpdates")
    else:
        assert fake.calls_to("deleteWebhook") and not fake.calls_to("setWebhook")
        await eventually(lambda: fake.calls_to("getUpdates"))
