"""Everything a citizen can send on Telegram: albums, files, edits, groups, contacts."""

from __future__ import annotations

from typing import Any

import pytest

from handlers import say
from tests.channels.citizen import Citizen, next_update_id
from tests.channels.conftest import Telegram
from tests.channels.test_telegram_dialogs import reports
from tests.support.fake_telegram import eventually
from tests.support.images import DAI_NOI_LAT, DAI_NOI_LON, jpeg

webhook_only = pytest.mark.parametrize("mode", ["webhook"], indirect=True)
STICKER = {"file_id": "S", "file_unique_id": "S", "width": 1, "height": 1,
           "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip


async def send_when_summarised(telegram: Telegram, citizen: Citizen) -> str:
    """Pick a kind if asked, then press send; returns the ticket message."""
    if "Gửi phản ánh" not in str(telegram.fake.delivered(citizen.id)[-1].params):
        await telegram.replies_after(1, citizen.press("Cây xanh"))
    [filed] = await telegram.replies_after(1, citizen.press("Gửi phản ánh"))
    return filed


async def test_an_album_becomes_one_report_with_all_its_photos(
    telegram: Telegram, citizen: Citizen
):
    first = citizen.photo(jpeg((320, 240)), caption="Cây đổ chắn ngang đường", album="A1")
    second = citizen.photo(jpeg((400, 300)), album="A1")
    await telegram.deliver(first, second)
    telegram.clock.advance(seconds=2)  # the album has settled
    telegram.channel.queue.wake()
    await eventually(lambda: telegram.fake.delivered(citizen.id))
    await telegram.settled()
    [ask_place] = telegram.fake.delivered(citizen.id)  # one answer for the whole album
    assert ask_place.params["reply_markup"]["keyboard"][0][0]["request_location"]
    await telegram.replies_after(1, citizen.location(16.47, 107.59))
    assert "PA-1000" in await send_when_summarised(telegram, citizen)
    [report] = await reports(telegram)
    assert len(report.photos) == 2 and report.text == "Cây đổ chắn ngang đường"


@webhook_only
async def test_a_photo_sent_as_a_file_keeps_its_gps_for_the_place(
    telegram: Telegram, citizen: Citizen
):
    photo = citizen.document(jpeg(gps=True), "IMG_0042.jpg", "image/jpeg")
    await telegram.replies_after(1, photo)
    await telegram.replies_after(1, citizen.text("Cây xanh bị gãy đổ chắn ngang đường"))
    await telegram.replies_after(1, citizen.press("Dùng vị trí trong ảnh"))
    await send_when_summarised(telegram, citizen)
    [report] = await reports(telegram)
    assert report.latitude == pytest.approx(DAI_NOI_LAT, abs=1e-4)
    assert report.longitude == pytest.approx(DAI_NOI_LON, abs=1e-4)


@webhook_only
async def test_files_too_large_or_not_photos_are_explained_without_download(
    telegram: Telegram, citizen: Citizen
):
    huge = citizen.document(b"x", "flood.jpg", "image/jpeg", size=30 * 1024 * 1024)
    [answer, *_] = await telegram.replies_after(1, huge)
    assert "quá lớn" in answer and "flood.jpg" in answer
    assert telegram.fake.calls_to("getFile") == []
    pdf = citizen.document(b"%PDF-1.4", "don.pdf", "application/pdf")
    [answer, *_] = await telegram.replies_after(1, pdf)
    assert "không phải ảnh" in answer and "don.pdf" in answer


@webhook_only
async def test_an_edit_counts_while_the_dialog_is_open_and_not_after(
    telegram: Telegram, citizen: Citizen
):
    original = citizen.text("Ống nước vỡ")
    await telegram.replies_after(1, original)
    await telegram.replies_after(1, citizen.edit(original, "Ống nước vỡ phun lên mặt đường"))
    await telegram.replies_after(1, citizen.text("/cancel"))
    sent = len(telegram.fake.delivered(citizen.id))
    await telegram.deliver(citizen.edit(original, "thôi bỏ qua"))
    await telegram.settled()
    assert len(telegram.fake.delivered(citizen.id)) == sent  # ignored once the dialog ended


@webhook_only
async def test_in_a_group_only_commands_and_replies_to_the_bot_count(
    telegram: Telegram, citizen: Citizen
):
    group = {"id": -100777, "type": "supergroup", "title": "Tổ dân phố 5"}
    await telegram.deliver(
        citizen.message(group, text="chào cả nhà"),
        citizen.message(group, text="/help@SomeOtherBot"),
    )
    await telegram.settled()
    assert telegram.fake.delivered() == []
    [answer] = await telegram.replies_after(1, citizen.message(group, text="/help@HueTestBot"))
    assert "/status PA-12345" in answer
    bot_message = telegram.fake.messages[max(telegram.fake.messages)]
    reply = citizen.message(group, text="cảm ơn", reply_to_message=bot_message)
    await telegram.replies_after(1, reply)
    assert {int(c.params["chat_id"]) for c in telegram.fake.delivered()} == {-100777}


@webhook_only
async def test_a_shared_contact_is_kept_only_when_it_is_the_citizens_own(
    telegram: Telegram, citizen: Citizen
):
    await telegram.replies_after(1, citizen.contact("+84905111222", own=False))
    assert (await user(telegram, citizen)).phone is None
    await telegram.replies_after(1, citizen.contact("+84905333444"))
    assert (await user(telegram, citizen)).phone == "+84905333444"


@webhook_only
async def test_a_venue_gives_the_place_of_a_report(telegram: Telegram, citizen: Citizen):
    await telegram.replies_after(1, citizen.text("Rác thải đổ bừa bãi bốc mùi hôi thối"))
    await telegram.replies_after(1, citizen.venue(16.4676, 107.5780, "Đại Nội"))
    await telegram.replies_after(1, citizen.press("Bỏ qua"))
    if "Gửi phản ánh" not in str(telegram.fake.delivered(citizen.id)[-1].params):
        await telegram.replies_after(1, citizen.press("Rác"))
    await telegram.replies_after(1, citizen.press("Gửi phản ánh"))
    [report] = await reports(telegram)
    assert (report.latitude, report.longitude) == (16.4676, 107.5780)


@webhook_only
async def test_update_types_huebot_does_not_handle_are_ignored(
    telegram: Telegram, citizen: Citizen, caplog: Any
):
    poll = {"id": "1", "question": "?", "options": [], "total_voter_count": 0,
            "is_closed": False, "is_anonymous": True, "type": "regular",
            "allows_multiple_answers": False}  # fmt: skip
    post = {"message_id": 1, "date": 0, "chat": {"id": -1001, "type": "channel"}, "text": "x"}
    statuses = await telegram.deliver(
        {"update_id": next_update_id(), "poll": poll},
        {"update_id": next_update_id(), "channel_post": post},
        {"update_id": next_update_id(), "some_future_update": {"x": 1}},
        citizen.message(sticker=STICKER),
    )
    assert statuses == [200, 200, 200, 200]
    await eventually(lambda: telegram.fake.delivered(citizen.id))
    await telegram.settled()
    assert [r.levelname for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
    assert telegram.fake.texts() == [say("vi", "empty")]  # only the sticker got an answer


@webhook_only
async def test_what_citizens_type_is_escaped_for_telegram_html(
    telegram: Telegram, citizen: Citizen
):
    await telegram.replies_after(1, citizen.text("<b>Ngập</b> & tắc cống ở đầu kiệt nhà tôi"))
    await telegram.replies_after(1, citizen.location(16.47, 107.59))
    await telegram.replies_after(1, citizen.press("Bỏ qua"))
    summaries = [c for c in telegram.fake.delivered(citizen.id) if "tắc cống" in c.params["text"]]
    assert summaries and summaries[-1].params["parse_mode"] == "HTML"
    assert "&lt;b&gt;Ngập&lt;/b&gt; &amp; tắc cống" in summaries[-1].params["text"]


async def user(telegram: Telegram, citizen: Citizen) -> Any:
    async with telegram.services.database.unit_of_work() as store:
        found = await store.users.find("telegram", str(citizen.id))
    assert found is not None
    return found
