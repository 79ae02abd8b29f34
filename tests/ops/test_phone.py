"""Every dashboard page on a phone (390x844) in a real headless Chromium, both stores.

Officials open the /ops link from their chat on a phone. On each page, in both
languages: nothing is wider than the screen (the page never scrolls sideways), the
header is whole (every part of it inside the screen and inside the header), and the
queue's reports are cards that fit the screen. Pictures go to artifacts/ops-phone-*.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import Services, build_app
from tests.ops.browser import PHONE, browser_page, need_chromium, screenshot
from tests.ops.support import file_report, grant, login_secrets
from tests.support.clock import FakeClock

LONG_TEXT = (
    "Cống thoát nước trước chợ Đông Ba bị tắc hoàn toàn, nước ngập sâu cả đoạn đường "
    "Trần Hưng Đạo, xe máy chết máy hàng loạt, bà con buôn bán không dọn hàng ra được"
)
PAGES = ("queue", "reports/{code}", "map", "figures", "alerts")

# What sticks out: the page's width, and each visible part of the header that is not
# wholly inside both the screen and the header itself.
MEASURE = """(screen) => {
  const header = document.querySelector('body > header');
  const box = header.getBoundingClientRect();
  const out = [];
  for (const part of [header, ...header.querySelectorAll('*')]) {
    const r = part.getBoundingClientRect();
    const hidden = getComputedStyle(part).visibility === 'hidden';
    if (r.width === 0 || r.height === 0 || hidden) continue;
    const inside = r.left >= -0.5 && r.right <= screen + 0.5
      && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
    if (!inside) out.push(`${part.tagName}.${part.className} ${r.left}..${r.right}`);
  }
  if (header.scrollWidth > header.clientWidth) out.push('header scrolls sideways');
  return {width: document.scrollingElement.scrollWidth, header: out,
          headerHeight: box.height, top: box.top};
}"""
CARDS = """(screen) => Array.from(document.querySelectorAll('table.queue tbody tr'))
  .map((row) => row.getBoundingClientRect())
  .filter((r) => r.left < 0 || r.right > screen).length"""


@pytest.fixture
async def base_url(ops_services: Services, aiohttp_server: Any) -> str:
    """HueBot's app on 127.0.0.1."""
    need_chromium()
    server = await aiohttp_server(build_app(ops_services))
    return str(server.make_url("")).rstrip("/")


async def fits_a_phone(page: Any, name: str) -> None:
    """The page, its folded parts open, fits 390 px and shows its whole header."""
    await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    await page.evaluate("window.scrollTo(0, 0)")
    found = await page.evaluate(MEASURE, PHONE[0])
    await screenshot(page, f"ops-phone-{name}")
    assert found["width"] <= PHONE[0], f"{name}: the page is {found['width']} px wide"
    assert found["header"] == [], f"{name}: header cut: {found['header']}"
    assert found["top"] == 0 and found["headerHeight"] <= PHONE[1] / 4, (name, found)


async def sign_in(page: Any, code: str) -> None:
    """Sign in with the code /ops gives."""
    await page.goto("/ops/login")
    await fits_a_phone(page, "login")
    await page.fill("input[name=code]", code)
    await page.get_by_role("button", name="Đăng nhập").click()
    await page.wait_for_url("**/ops/*")


async def test_every_page_fits_a_phone_in_both_languages(
    base_url: str, ops_services: Services, clock: FakeClock
):
    database, city = ops_services.database, ops_services.runtime.settings.city
    report = await file_report(database, city, clock(), text=LONG_TEXT, ward="thuan_hoa")
    clock.advance(hours=40)
    await file_report(database, city, clock(), category="road", place=(16.4698, 107.5786),
                      text="Ổ gà sâu giữa đường Đinh Tiên Hoàng")  # fmt: skip
    admin = await grant(database, "telegram", "7003", "admin", None, clock())
    login = await login_secrets(database, admin, clock())
    async with browser_page(base_url, PHONE) as page:
        await sign_in(page, login.code)
        for language in ("vi", "en"):
            for path in PAGES:
                await page.goto("/ops/" + path.format(code=report.code))
                await page.wait_for_load_state("networkidle")
                await fits_a_phone(page, f"{path.split('/')[0]}-{language}")
            await page.goto("/ops/queue")
            assert await page.locator("table.queue tbody tr").count() == 2
            assert await page.evaluate(CARDS, PHONE[0]) == 0
            await page.goto("/ops/lang?to=en&next=/ops/queue")
        await preview_an_alert(page)


async def preview_an_alert(page: Any) -> None:
    """An alert's preview, as a broadcaster checks it before sending, fits too."""
    await page.goto("/ops/alerts")
    form = page.locator("#compose")
    await form.locator("input[name=headline]").fill("Heavy rain, deep flooding expected")
    await form.locator("textarea[name=description]").fill("Rain until tonight. " * 8)
    await form.locator("input[name=whole_city]").check()
    await form.get_by_role("button", name="Preview").click()
    await page.wait_for_selector(".preview .bubble")
    await fits_a_phone(page, "alert-preview")


async def test_an_officials_header_with_a_long_unit_name_fits_a_phone(
    base_url: str, ops_services: Services, clock: FakeClock
):
    database, city = ops_services.database, ops_services.runtime.settings.city
    unit = max(city.units, key=lambda u: len(u.name.in_language("vi")))
    official = await grant(database, "telegram", "7004", "official", unit.code, clock())
    login = await login_secrets(database, official, clock())
    async with browser_page(base_url, PHONE) as page:
        await sign_in(page, login.code)
        await page.goto("/ops/queue")
        await fits_a_phone(page, "official")
        assert unit.name.in_language("vi") in await page.locator("header").inner_text()
