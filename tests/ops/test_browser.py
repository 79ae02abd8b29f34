"""The dashboard in a real headless Chromium, on both stores.

A supervisor signs in from the link /ops sent to their chat, filters the queue, opens a
report and resolves it with a note and a photo; the citizen is told on Telegram (the fake
Bot API records it). The map shows the points on its offline base map when tiles fail,
the figures draw their charts, and a broadcaster composes an alert and watches it go out.
Pictures of the queue, the map, the figures and the alerts go to artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.app import Services, build_app
from bot.delivery.worker import DeliveryWorker
from handlers import Context, Turn
from handlers.handling import ops_link
from storage.records import UserRecord
from tests.delivery.support import build_worker
from tests.ops.browser import browser_page, expect, need_chromium, screenshot
from tests.ops.support import NoNlu, file_report, grant, login_secrets
from tests.support.clock import FakeClock
from tests.support.fake_telegram import FakeTelegram, eventually
from tests.support.images import jpeg

CITIZEN = 4_242_001
NEAR_CITADEL = (16.4698, 107.5786)


@pytest.fixture
async def base_url(ops_services: Services, aiohttp_server: Any) -> str:
    """HueBot's app on 127.0.0.1."""
    need_chromium()
    server = await aiohttp_server(build_app(ops_services))
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
async def worker(ops_services: Services, fake_telegram: FakeTelegram, clock: FakeClock) -> Any:
    """A delivery worker sending to the fake Bot API (started by the test)."""
    started: list[DeliveryWorker] = []

    async def start() -> DeliveryWorker:
        delivery = build_worker(ops_services.database, fake_telegram, clock,
                                ops_services.runtime.media_dir)  # fmt: skip
        await delivery.start()
        started.append(delivery)
        return delivery

    yield start
    for delivery in started:
        await delivery.stop()


async def ops_command(services: Services, user: UserRecord, now: Any) -> str:
    """What /ops answers in the user's chat (handlers.handling.ops_link.on_command)."""
    async with services.database.unit_of_work() as store:
        ctx = Context(store=store, city=services.runtime.settings.city, nlu=NoNlu(), now=now)
        [reply] = await ops_link.on_command(Turn(ctx, user))
    return reply.text


async def test_supervisor_resolves_a_report_and_the_citizen_is_told(
    base_url: str, ops_services: Services, fake_telegram: FakeTelegram, clock: FakeClock,
    worker: Any, tmp_path: Path,
):  # fmt: skip
    database, city = ops_services.database, ops_services.runtime.settings.city
    flooding = await file_report(database, city, clock())
    clock.advance(hours=3)
    await file_report(database, city, clock(), category="road", place=NEAR_CITADEL,
                      text="Ổ gà sâu giữa đường Đinh Tiên Hoàng")  # fmt: skip
    await file_report(database, city, clock(), category="garbage", place=None,
                      text="Rác thải đổ bừa bãi ven sông")  # fmt: skip
    clock.advance(hours=30)
    supervisor = await grant(database, "telegram", "7001", "supervisor", None, clock())
    text = await ops_command(ops_services, supervisor, clock())
    link = re.search(r"http://huebot\.test(/ops/login/\S+)", text)
    assert link and "Hoặc nhập mã" in text
    photo = tmp_path / "result.jpg"
    photo.write_bytes(jpeg((640, 480)))
    async with browser_page(base_url) as page:
        await page.goto(link.group(1))
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.wait_for_url("**/ops/queue")
        assert await page.locator("table.queue tbody tr").count() == 3
        assert await page.locator("tr.overdue").count() >= 1
        await screenshot(page, "ops-queue")

        await page.select_option("select[name=category]", "flooding")
        await page.get_by_role("button", name="Lọc").click()
        await page.wait_for_url("**category=flooding**")
        rows = page.locator("table.queue tbody tr")
        assert await rows.count() == 1
        await rows.get_by_role("link", name=flooding.code).click()
        await page.wait_for_url(f"**/ops/reports/{flooding.code}")
        assert await page.locator(".history li").count() == 2  # received, assigned

        await page.locator("details.act-resolve summary").click()
        form = page.locator("details.act-resolve form")
        await form.locator("textarea[name=note]").fill("Đã nạo vét cống, nước đã rút")
        await form.locator("input[name=photo]").set_input_files(str(photo))
        await form.get_by_role("button", name="Xác nhận").click()
        await page.wait_for_selector(".flash.ok")
        assert await page.locator(".summary .badge").inner_text() == "Đã xử lý"
        assert "Đã nạo vét cống" in await page.locator(".history").inner_text()
        await screenshot(page, "ops-report")

        await worker()
        told = await eventually(lambda: [t for t in fake_telegram.texts(CITIZEN)
                                         if flooding.code in t and "nạo vét" in t])  # fmt: skip
        assert "Đã xử lý" in told[0]
        assert any(
            int(c.params["chat_id"]) == CITIZEN for c in fake_telegram.calls_to("sendPhoto")
        )

        await map_and_figures(page)


async def map_and_figures(page: Any) -> None:
    """The map with its two located reports and no tiles; the figures with their charts."""
    await page.goto("/ops/map")
    await page.wait_for_selector("#map[data-loaded='2']")
    await page.wait_for_selector("#map-notice:not([hidden])")
    assert "bản đồ ngoại tuyến" in await page.locator("#map-notice").inner_text()
    assert await page.locator("path.hb-street").count() > 0  # the offline base map
    await screenshot(page, "ops-map")

    await page.goto("/ops/figures")
    await page.wait_for_selector("body[data-charts='ready']")
    received = page.locator("[data-figure=received] strong")
    assert await received.inner_text() == "3"
    assert await page.locator("table.league tbody tr").count() >= 2
    await screenshot(page, "ops-figures")

    await page.get_by_role("link", name="English").click()
    await page.wait_for_selector("text=Performance figures")


async def test_broadcaster_composes_an_alert_and_watches_it_go_out(
    base_url: str, ops_services: Services, fake_telegram: FakeTelegram, clock: FakeClock,
    worker: Any,
):  # fmt: skip
    database = ops_services.database
    async with database.unit_of_work() as store:
        for chat in (5001, 5002, 5003):
            await store.users.get_or_create("telegram", str(chat), clock())
    broadcaster = await grant(database, "telegram", "7002", "broadcaster", None, clock())
    login = await login_secrets(database, broadcaster, clock())
    async with browser_page(base_url) as page:
        await page.goto("/ops/login")
        await page.fill("input[name=code]", login.code)
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.wait_for_url("**/ops/alerts")  # a broadcaster sees no reports
        form = page.locator("#compose")
        await form.locator("input[name=headline]").fill("Mưa lớn, nguy cơ ngập sâu")
        await form.locator("textarea[name=description]").fill("Mưa lớn kéo dài đến tối nay.")
        await form.locator("textarea[name=instruction]").fill("Hạn chế ra đường.")
        await form.locator("select[name=severity]").select_option("Severe")
        await form.locator("input[name=whole_city]").check()
        await form.get_by_role("button", name="Xem trước").click()
        await page.wait_for_selector(".preview .bubble")
        assert "CẢNH BÁO" in await page.locator(".preview .bubble").inner_text()
        reach = await page.locator(".reach").inner_text()
        assert "4 người" in reach  # the three citizens and the broadcaster
        await page.get_by_role("button", name="Gửi cảnh báo").click()
        await page.wait_for_selector(".flash.ok")
        assert "#1" in await page.locator(".flash.ok").inner_text()
        await worker()
        sent = page.locator('article[data-alert="1"] [data-count=sent]')
        await expect(sent).to_have_text("4", timeout=30_000)  # the page polls every 3 s
        await screenshot(page, "ops-alerts")
    assert {int(c.params["chat_id"]) for c in fake_telegram.sent()} >= {5001, 5002, 5003}
