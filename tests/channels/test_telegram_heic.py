"""An iPhone photo sent as a file (HEIC) on Telegram: a report with the photo's place."""

from __future__ import annotations

import pytest

from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram
from tests.channels.test_telegram_dialogs import reports
from tests.channels.test_telegram_inbound import send_when_summarised
from tests.support.images import DAI_NOI_LAT, DAI_NOI_LON, heic, heic_bomb

webhook_only = pytest.mark.parametrize("mode", ["webhook"], indirect=True)


@webhook_only
async def test_a_heic_photo_with_gps_becomes_a_report_at_its_place(
    telegram: Telegram, citizen: Citizen
):
    photo = citizen.document(heic((96, 72), gps=True), "IMG_0042.HEIC", "image/heic")
    [asked, *_] = await telegram.replies_after(1, photo)
    assert "không phải ảnh" not in asked and "bị lỗi" not in asked
    await telegram.replies_after(1, citizen.text("Cây xanh bị gãy đổ chắn ngang đường"))
    await telegram.replies_after(1, citizen.press("Dùng vị trí trong ảnh"))
    await send_when_summarised(telegram, citizen)
    [report] = await reports(telegram)
    assert report.latitude == pytest.approx(DAI_NOI_LAT, abs=1e-4)
    assert report.longitude == pytest.approx(DAI_NOI_LON, abs=1e-4)
    [stored] = report.photos
    assert stored.content_type == "image/heic" and (stored.width, stored.height) == (96, 72)


@webhook_only
async def test_a_heic_declaring_a_huge_picture_gets_a_clear_answer(
    telegram: Telegram, citizen: Citizen
):
    bomb = citizen.document(heic_bomb(9000, 9000), "IMG_0043.HEIC", "image/heic")
    [answer, *_] = await telegram.replies_after(1, bomb)
    assert "kích thước quá lớn" in answer and "IMG_0043.HEIC" in answer
    assert "HEIC 12 megapixel" in answer
    assert await reports(telegram) == []
