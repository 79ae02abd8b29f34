"""Debian's Chromium, driven by Playwright, confined to this machine.

Never ``playwright install``: the browser is /usr/bin/chromium (``.ci/run`` installs it).
Every request that is not to 127.0.0.1 is aborted, so map tiles fail as they would
offline and nothing leaves the machine.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("HUEBOT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def need_chromium() -> None:
    """Skip (with the reason) where Chromium or Playwright is missing; in CI, fail instead."""
    missing = None
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        missing = f"browser tests need {CHROMIUM} (apt-get install chromium)"
    elif importlib.util.find_spec("playwright") is None:
        missing = "browser tests need the playwright package (pip install -e '.[dev]')"
    if missing and os.environ.get("CI"):
        pytest.fail(missing)
    if missing:
        pytest.skip(missing)


async def _loopback_only(route: Any) -> None:
    host = urlsplit(route.request.url).hostname or ""
    if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
        await route.continue_()
    else:
        await route.abort()


DESKTOP = (1440, 900)
PHONE = (390, 844)  # a common phone's viewport in CSS pixels


@asynccontextmanager
async def browser_page(
    base_url: str, size: tuple[int, int] = DESKTOP, locale: str = "vi-VN"
) -> AsyncIterator[Any]:
    """A fresh page in a fresh headless Chromium, Vietnamese, 1440x900 unless told."""
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone = size[0] < 600
        context = await browser.new_context(
            base_url=base_url, locale=locale, viewport={"width": size[0], "height": size[1]},
            is_mobile=phone, has_touch=phone,
        )  # fmt: skip
        await context.route("**/*", _loopback_only)
        page = await context.new_page()
        try:
            yield page
        finally:
            await browser.close()


def expect(locator: Any) -> Any:
    """Playwright's assertions (imported late: the module may be missing)."""
    from playwright.async_api import expect as playwright_expect

    return playwright_expect(locator)


async def screenshot(page: Any, name: str) -> Path:
    """Keep a full-page picture in artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
