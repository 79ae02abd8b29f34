"""A place typed on Telegram reaches the right unit with its ward, and the official reads it.

The real python-telegram-bot talks to the fake Bot API; the official's assignment goes
out through the real delivery worker and Telegram sender to the same fake server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.records import ReportFilter
from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram
from tests.delivery.support import build_worker
from tests.support.fake_telegram import eventually

OFFICIAL = 7_700_001
PLACE = "kiệt 12 Nguyễn Huệ, gần chợ Bến Ngự, phường Thuận Hóa"


@pytest.fixture
def mode() -> str:
    """The webhook path only: polling is covered by the other dialog tests."""
    return "webhook"


async def test_a_typed_place_reaches_the_unit_with_its_ward_and_the_official_reads_it(
    telegram: Telegram, citizen: Citizen, tmp_path: Path
):
    database, fake = telegram.services.database, telegram.fake
    await telegram.services.nlu.parse("xin chào")  # the model is trained once, before the clock
    async with database.unit_of_work() as store:
        await store.staff.grant("telegram", str(OFFICIAL), "official", "hepco", telegram.clock())
    [asked] = await telegram.replies_after(
        1, citizen.text("kiet 12 Nguyen Hue gan cho Ben Ngu rac thai")
    )
    assert "Sự cố ở đâu" not in asked and "ảnh" in asked
    [summary] = await telegram.replies_after(1, citizen.press("Bỏ qua"))
    if "Gửi phản ánh" not in str(fake.delivered(citizen.id)[-1].params):
        [summary] = await telegram.replies_after(1, citizen.press("Rác thải"))
    assert f"📍 {PLACE}" in summary
    [filed] = await telegram.replies_after(1, citizen.press("Gửi phản ánh"))
    async with database.unit_of_work() as store:
        [report] = await store.reports.search(ReportFilter())
    assert report.code in filed
    assert (report.ward, report.unit_code, report.place) == ("thuan_hoa", "hepco", PLACE)
    worker = build_worker(database, fake, telegram.clock, tmp_path / "media")
    await worker.start()
    try:
        await eventually(lambda: any(report.code in t for t in fake.texts(OFFICIAL)))
    finally:
        await worker.stop()
    assignment = next(t for t in fake.texts(OFFICIAL) if report.code in t)
    assert PLACE in assignment and "chưa rõ" not in assignment
