"""The map: reports with a location as points coloured by status, clustered when dense.

The page carries the filter; its script reads the points from ``/ops/api/map`` (GeoJSON).
Under the points lies the offline base map (wards, main streets and landmarks from the
gazetteer, ``/ops/api/basemap``), so the map works with no network; raster tiles from
``ops.tile_url``, when set, are drawn beneath it, and when they cannot load the page
says so and shows the offline layers in full.
"""

from __future__ import annotations

from aiohttp import web

from bot.web.ops.basemap import BASEMAP_URL, allow_tile_referrer
from bot.web.ops.filters import FIELDS, filter_form, whole
from bot.web.ops.html import attrs, esc, page, query_string
from bot.web.ops.queue import scoped_filter
from bot.web.ops.state import language_of, ops_of, user_of
from bot.web.ops.texts import t
from handlers.report.confidential import text_for_staff as staff_text
from storage.ops_queue import MAX_ROWS
from storage.records import Status


async def map_page(request: web.Request) -> web.StreamResponse:
    """GET /ops/map."""
    ops, language = ops_of(request), language_of(request)
    scoped_filter(request)  # refuses users who see no reports
    query = {key: request.query.get(key) for key in FIELDS}
    config = ops.config
    spot = attrs(
        id="map", class_="bigmap", data_points="/ops/api/map?" + query_string(query),
        data_tiles=config.tile_url, data_attribution=config.tile_attribution,
        data_basemap=BASEMAP_URL, data_layers=t(language, "map.layers"),
        data_basemap_note=t(language, "map.basemap_note"),
        data_lat=config.map_center[0], data_lng=config.map_center[1], data_zoom=config.map_zoom,
        data_no_tiles=t(language, "map.no_tiles"),
        data_shown=t(language, "map.shown", count="{count}"),
    )  # fmt: skip
    legend = "".join(
        f'<li><i class="dot s-{s.value}"></i>{esc(t(language, f"status.{s.value}"))}</li>'
        for s in Status
    )
    body = (
        f'<div class="title"><h1>{esc(t(language, "map.title"))}</h1>'
        f'<span class="count" id="map-count"></span></div>'
        f"{filter_form(request.query, ops.city, user_of(request), language, '/ops/map')}"
        f'<div class="mapwrap"><div {spot}></div><ul class="legend">{legend}</ul>'
        f'<p class="notice" id="map-notice" hidden></p></div>'
    )
    shown = page(request, t(language, "map.title"), body, "map")
    return allow_tile_referrer(shown, config.tile_url)


async def map_points(request: web.Request) -> web.StreamResponse:
    """GET /ops/api/map: the filter's reports that have a location, as GeoJSON."""
    ops, language = ops_of(request), language_of(request)
    wanted = whole(scoped_filter(request), MAX_ROWS)
    async with ops.database.unit_of_work() as store:
        reports, _ = await store.ops_queue.search(wanted, ops.clock())
    city = ops.city
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": {
                "code": r.code,
                "status": r.status,
                "status_label": t(language, f"status.{r.status}"),
                "category": city.category(r.category).name.in_language(language)
                if r.category in city.categories_by_code
                else r.category,
                "text": staff_text(r)[:140],
                "urgent": r.urgent,
            },
        }
        for r in reports
        if r.latitude is not None and r.longitude is not None
    ]
    return web.json_response({"type": "FeatureCollection", "features": features})
