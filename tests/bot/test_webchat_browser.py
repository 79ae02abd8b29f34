"""The web chat page in a real headless Chromium follows the chat's language, both stores.

``/lang en`` typed in the chat switches the bot; the page's header, quick buttons and
input placeholder must follow, and stay English on reload: from this browser's memory,
and from the server when that memory is gone (the same chat on a fresh page).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import Services, build_app
from tests.ops.browser import PHONE, browser_page, expect, need_chromium, screenshot

VIETNAMESE = {
    ".topbar__service": "Phản ánh hiện trường Huế",
    '.chip[data-command="/myreports"]': "Báo cáo của tôi",
    '.chip[data-command="/help"]': "Hướng dẫn",
    '.chip[data-command="/cancel"]': "Hủy thao tác",
}
ENGLISH = {
    ".topbar__service": "Huế field reports",
    '.chip[data-command="/myreports"]': "My reports",
    '.chip[data-command="/help"]': "Help",
    '.chip[data-command="/cancel"]': "Cancel",
}


@pytest.fixture
async def base_url(services: Services, aiohttp_server: Any) -> str:
    """HueBot's app on 127.0.0.1."""
    need_chromium()
    server = await aiohttp_server(build_app(services))
    return str(server.make_url("")).rstrip("/")


async def shows(page: Any, texts: dict[str, str], placeholder: str, lang: str) -> None:
    """The page's own words are these, in this language."""
    for selector, text in texts.items():
        await expect(page.locator(selector)).to_have_text(text)
    await expect(page.locator("#input")).to_have_attribute("placeholder", placeholder)
    await expect(page.locator("html")).to_have_attribute("lang", lang)
    await expect(page.locator(f'.lang__btn[data-lang="{lang}"]')).to_have_attribute(
        "aria-pressed", "true"
    )


async def type_message(page: Any, text: str) -> None:
    """Type a message and send it with Enter, as a citizen does."""
    await page.locator("#input").fill(text)
    await page.locator("#input").press("Enter")


async def test_lang_en_switches_the_page_and_it_stays_english(base_url: str):
    async with browser_page(base_url, PHONE) as page:
        await page.goto("/")
        await expect(page.locator(".bubble").first).to_be_visible()  # the welcome
        await shows(page, VIETNAMESE, "Nhập tin nhắn…", "vi")

        await type_message(page, "/lang en")
        await shows(page, ENGLISH, "Type a message…", "en")
        assert await page.title() == "HueBot — Huế field reports"
        await screenshot(page, "webchat-english")

        await page.reload()
        await shows(page, ENGLISH, "Type a message…", "en")

        await page.evaluate("localStorage.clear()")  # the same chat (cookie), a fresh page
        await page.reload()
        await shows(page, ENGLISH, "Type a message…", "en")

        await type_message(page, "/lang vi")
        await shows(page, VIETNAMESE, "Nhập tin nhắn…", "vi")
