"""The offline base map (``/ops/api/basemap``) and the map pages' tile settings.

The base map is the gazetteer's wards, main streets and landmarks as GeoJSON
(``places.basemap``), so the dashboard's maps are useful with no tile server and no
network. It is built once per gazetteer version and language, and sent with an ETag
and a day of private caching; a changed gazetteer file makes a new ETag.

Raster tiles are optional (``ops.tile_url``). Public tile servers such as
OpenStreetMap's refuse requests without a referrer, so pages that show tiles send
``Referrer-Policy: strict-origin-when-cross-origin`` (the origin only, never the
dashboard's paths or filters); every other dashboard page sends ``no-referrer``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from aiohttp import web

from bot.web.ops.state import language_of
from places import Gazetteer, GazetteerSource
from places.basemap import base_map

BASEMAP_URL = "/ops/api/basemap"
TILE_REFERRER_POLICY = "strict-origin-when-cross-origin"
CACHE_CONTROL = "private, max-age=86400"


@dataclass(slots=True)
class _Built:
    gazetteer: Gazetteer
    body: bytes
    etag: str


@dataclass(slots=True)
class BaseMaps:
    """The gazetteer to draw and the GeoJSON already built from it, per language."""

    source: GazetteerSource
    _built: dict[str, _Built] = field(default_factory=dict)

    def get(self, language: str) -> _Built:
        """The base map of the current gazetteer in ``language``, built if it changed."""
        gazetteer = self.source.current()
        built = self._built.get(language)
        if built is None or built.gazetteer is not gazetteer:
            document = base_map(gazetteer, language)
            body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            built = self._built[language] = _Built(gazetteer, body, etag)
        return built


BASE_MAPS = web.AppKey("base_maps", BaseMaps)


async def base_map_json(request: web.Request) -> web.StreamResponse:
    """GET /ops/api/basemap: wards, streets and landmarks (304 when the ETag still holds)."""
    built = request.app[BASE_MAPS].get(language_of(request))
    headers = {"ETag": built.etag, "Cache-Control": CACHE_CONTROL, "Vary": "Cookie"}
    if built.etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    response = web.Response(body=built.body, content_type="application/json", headers=headers)
    response.enable_compression()
    return response


def allow_tile_referrer(response: web.Response, tile_url: str) -> web.Response:
    """Let a page that shows raster tiles send its origin to the tile server."""
    if tile_url:
        response.headers["Referrer-Policy"] = TILE_REFERRER_POLICY
    return response
