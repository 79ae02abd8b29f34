"""The dashboard's map in Chromium with no network: the offline base map under the reports.

Every request that is not to 127.0.0.1 is aborted (tests/ops/browser.py). With no tile
server configured the map draws Huế's wards, main streets and landmarks from the
gazetteer; with a tile server that cannot be reached it says so and draws them in full.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from bot.app import Services, build_app
from places import load_gazetteer
from tests.ops.browser import browser_page, expect, need_chromium, screenshot
from tests.ops.conftest import with_ops
from tests.ops.support import file_report, grant, login_secrets
from tests.support.clock import FakeClock

# Three reports a few dozen metres apart by chợ Đông Ba, one in An Cựu.
NEAR_DONG_BA = [(16.4731, 107.5906), (16.4733, 107.5909), (16.4729, 107.5903)]
AN_CUU = (16.4588, 107.5978)
WARD_FILL = (0xF4, 0xEF, 0xE3)
STREET = (0xFF, 0xFF, 0xFF)
GAZ = load_gazetteer()


async def serve(services: Services, aiohttp_server: Any, clock: FakeClock) -> tuple[str, str]:
    """The app on 127.0.0.1 with four located reports; returns its URL and a sign-in path."""
    need_chromium()
    database, city = services.database, services.runtime.settings.city
    for place in (*NEAR_DONG_BA, AN_CUU):
        await file_report(database, city, clock(), place=place)
    supervisor = await grant(database, "telegram", "7001", "supervisor", None, clock())
    login = await login_secrets(database, supervisor, clock())
    server = await aiohttp_server(build_app(services))
    return str(server.make_url("")).rstrip("/"), f"/ops/login/{login.token}"


async def open_map(page: Any, login: str) -> None:
    await page.goto(login)
    await page.get_by_role("button", name="Đăng nhập").click()
    await page.wait_for_url("**/ops/queue")
    await page.goto("/ops/map")
    await page.wait_for_selector("#map[data-loaded='4']")
    features = sum(map(len, (GAZ.wards, GAZ.streets, GAZ.landmarks)))
    await page.wait_for_selector(f"#map[data-basemap-loaded='{features}']")


async def clustered(page: Any) -> None:
    """The three reports by chợ Đông Ba drawn as one cluster, once zooming has settled."""
    await page.wait_for_function(
        "() => !document.querySelector('.leaflet-zoom-anim') && [...document.querySelectorAll("
        "'.marker-cluster')].filter(e => e.textContent.trim() === '3').length === 1"
    )
    await expect(page.locator(".marker-cluster", has_text="3").first).to_be_visible()


def share_of(picture: bytes, colour: tuple[int, int, int]) -> float:
    """The share of a screenshot's pixels within a few levels of ``colour``."""
    with Image.open(io.BytesIO(picture)) as image:
        pixels = list(image.convert("RGB").getdata())
    close = sum(1 for p in pixels if all(abs(a - b) <= 6 for a, b in zip(p, colour, strict=True)))
    return close / len(pixels)


async def test_with_no_tile_server_the_map_shows_wards_streets_and_clustered_reports(
    ops_services: Services, aiohttp_server: Any, clock: FakeClock
) -> None:
    offline = with_ops(ops_services, tile_url="")
    base_url, login = await serve(offline, aiohttp_server, clock)
    asked: list[str] = []
    async with browser_page(base_url) as page:
        page.on("request", lambda request: asked.append(request.url))
        await open_map(page, login)
        assert await page.locator("path.hb-ward").count() == len(GAZ.wards)
        assert await page.locator("path.hb-street").count() == len(GAZ.streets)
        assert await page.locator("path.hb-landmark").count() == len(GAZ.landmarks)
        await expect(page.locator(".hb-ward-label", has_text="Phú Xuân")).to_be_visible()
        await clustered(page)
        assert await page.locator("#map-notice").is_hidden()
        picture = await page.locator("#map").screenshot()
        await screenshot(page, "ops-map-offline")
    assert share_of(picture, WARD_FILL) > 0.2  # the wards' land colour fills the map
    assert share_of(picture, STREET) > 0.005  # and the streets cross it
    assert all(url.startswith(base_url) for url in asked), [u for u in asked if base_url not in u]


async def test_when_tiles_cannot_load_the_offline_layers_are_drawn_in_full(
    ops_services: Services, aiohttp_server: Any, clock: FakeClock
) -> None:
    base_url, login = await serve(ops_services, aiohttp_server, clock)  # tiles: a closed port
    async with browser_page(base_url) as page:
        await open_map(page, login)
        await page.wait_for_selector("#map-notice:not([hidden])")
        assert "bản đồ ngoại tuyến" in await page.locator("#map-notice").inner_text()
        await expect(page.locator("path.hb-street").first).to_be_attached()
        assert await page.locator("path.hb-street").count() == len(GAZ.streets)
        await clustered(page)
        picture = await page.locator("#map").screenshot()
    assert share_of(picture, WARD_FILL) > 0.2
