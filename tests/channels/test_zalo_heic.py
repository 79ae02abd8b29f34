"""An iPhone photo sent as a file (HEIC) on Zalo: taken, and its GPS offered as the place."""

from __future__ import annotations

import pytest

from tests.channels.test_zalo_dialogs import (  # noqa: F401  (fixtures)
    Zalo,
    ZaloCitizen,
    citizen,
    fake_zalo,
    reports,
    zalo,
)
from tests.support.images import DAI_NOI_LAT, DAI_NOI_LON, heic


async def test_a_heic_file_with_gps_becomes_a_report_at_its_place(
    zalo: Zalo,  # noqa: F811
    citizen: ZaloCitizen,  # noqa: F811
) -> None:
    await zalo.replies_after(1, citizen.text("Cây xanh bị gãy đổ chắn ngang đường Lê Lợi"))
    answer = await zalo.replies_after(1, citizen.file(heic((96, 72), gps=True), "IMG_0042.HEIC"))
    assert not any("không phải ảnh" in text or "bị lỗi" in text for text in answer)
    await zalo.replies_after(1, citizen.press("Dùng vị trí trong ảnh"))
    if not any("Gửi phản ánh" in b["title"] for b in zalo.fake.buttons(citizen.id)):
        await zalo.replies_after(1, citizen.press("Cây xanh"))
    [filed] = await zalo.replies_after(1, citizen.press("Gửi phản ánh"))
    assert "PA-1000" in filed
    [report] = await reports(zalo)
    assert report.latitude == pytest.approx(DAI_NOI_LAT, abs=1e-4)
    assert report.longitude == pytest.approx(DAI_NOI_LON, abs=1e-4)
    assert [p.content_type for p in report.photos] == ["image/heic"]
