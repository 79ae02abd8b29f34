"""The offline base map over HTTP: the gazetteer as GeoJSON, cached, and the referrer policy."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import Services, build_app
from places import load_gazetteer
from places.basemap import base_map
from tests.ops.conftest import with_ops
from tests.ops.support import file_report, grant, sign_in
from tests.support.clock import FakeClock


async def signed_in(client: TestClient, services: Services, clock: FakeClock) -> None:
    supervisor = await grant(services.database, "telegram", "7001", "supervisor", None, clock())
    await sign_in(client, services.database, supervisor, clock())


def layers(document: dict[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for feature in document["features"]:
        kind = feature["properties"]["layer"]
        found[kind] = found.get(kind, 0) + 1
    return found


def test_the_base_map_holds_every_ward_street_and_landmark_of_the_gazetteer() -> None:
    gazetteer = load_gazetteer()
    document = base_map(gazetteer)

    assert layers(document) == {"ward": len(gazetteer.wards), "street": len(gazetteer.streets),
                                "landmark": len(gazetteer.landmarks)}  # fmt: skip
    assert layers(document)["ward"] == 40 and layers(document)["street"] >= 70
    ward = next(f for f in document["features"] if f["properties"]["codename"] == "thuan_hoa")
    assert ward["properties"]["short_name"] == "Thuận Hóa"
    ring = ward["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1] and len(ring) >= 4  # closed, as GeoJSON wants
    lon, lat = ward["properties"]["label"]
    assert 107.4 < lon < 107.8 and 16.3 < lat < 16.6  # [longitude, latitude]
    english = base_map(gazetteer, "en")
    names = {f["properties"]["name"] for f in english["features"]}
    assert "Đông Ba market" in names and "Thuận Hóa ward" in names


async def test_the_dashboard_serves_it_cached_with_an_etag(
    client: TestClient, ops_services: Services, clock: FakeClock
) -> None:
    assert (await client.get("/ops/api/basemap", allow_redirects=False)).status in (303, 401)
    await signed_in(client, ops_services, clock)

    first = await client.get("/ops/api/basemap")
    assert first.status == 200 and first.content_type == "application/json"
    assert first.headers["Cache-Control"] == "private, max-age=86400"
    document = await first.json()
    assert layers(document)["ward"] == 40
    etag = first.headers["ETag"]
    again = await client.get("/ops/api/basemap", headers={"If-None-Match": etag})
    assert again.status == 304 and again.headers["ETag"] == etag
    client.session.cookie_jar.update_cookies({"huebot_ops_lang": "en"})
    english = await client.get("/ops/api/basemap", headers={"If-None-Match": etag})
    assert english.status == 200 and english.headers["ETag"] != etag
    assert "Đông Ba market" in await english.text()


async def test_map_pages_send_the_origin_to_tile_servers_and_nothing_else_does(
    client: TestClient, ops_services: Services, clock: FakeClock
) -> None:
    await signed_in(client, ops_services, clock)
    report = await file_report(ops_services.database, ops_services.runtime.settings.city,
                               clock())  # fmt: skip

    for path in ("/ops/map", f"/ops/reports/{report.code}"):
        shown = await client.get(path)
        assert shown.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert 'data-basemap="/ops/api/basemap"' in await shown.text()
    queue = await client.get("/ops/queue")
    assert queue.headers["Referrer-Policy"] == "no-referrer"


async def test_without_a_tile_server_no_page_sends_a_referrer(
    ops_services: Services, aiohttp_client: Any, clock: FakeClock
) -> None:
    offline = with_ops(ops_services, tile_url="")
    client: TestClient = await aiohttp_client(build_app(offline))
    await signed_in(client, offline, clock)

    shown = await client.get("/ops/map")
    assert shown.headers["Referrer-Policy"] == "no-referrer"
    assert 'data-tiles=""' in await shown.text() or "data-tiles" not in await shown.text()
    assert "img-src 'self' data: blob: ;" in shown.headers["Content-Security-Policy"]
