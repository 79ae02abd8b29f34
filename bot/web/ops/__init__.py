"""The operations dashboard (/ops), the Open311 API (/open311/v2) and /metrics.

``setup`` is the one call the composition root makes. See docs/ops.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.webchat import routes as webchat
from bot.core import Services
from bot.gazetteer import LivePlaces
from bot.web.ops import (
    actions,
    alerts,
    auth,
    basemap,
    crisis,
    figures,
    identity,
    maps,
    metrics,
    open311,
    queue,
    report,
)
from bot.web.ops.state import OPS, Ops, user_of
from handlers import Limits
from handlers.handling import ops_link
from places import GazetteerSource

if TYPE_CHECKING:
    from bot.config import Runtime

STATIC = Path(__file__).resolve().parent.parent / "ops_static"


def setup(app: web.Application, services: Services[Runtime]) -> None:
    """Add the dashboard, Open311 and /metrics to ``app`` (before it starts)."""
    settings = services.runtime.settings
    limits = settings.limits
    app[OPS] = Ops(
        database=services.database, city=settings.city, nlu=services.nlu,
        limits=Limits(max_text_chars=limits.max_text_chars,
                      max_photos_per_report=limits.max_photos_per_report,
                      confident=settings.nlu.confident, margin=settings.nlu.margin),
        media=services.media, clock=services.clock, config=settings.ops,
        public_url=settings.server.public_url, places=services.places,
    )  # fmt: skip
    ops_link.configure(settings.server.public_url, settings.ops.login_minutes)
    app[auth.THROTTLE] = auth.throttle_for(app[OPS])
    live = services.places
    source = live.source if isinstance(live, LivePlaces) else GazetteerSource()
    app[basemap.BASE_MAPS] = basemap.BaseMaps(source)
    app.middlewares.append(auth.guard)
    _dashboard(app.router)
    open311.setup(app)
    app[metrics.TOKEN] = os.environ.get("HUEBOT_METRICS_TOKEN", "")
    app.router.add_get("/metrics", metrics.metrics)
    _media(app, services)


def _dashboard(router: web.UrlDispatcher) -> None:
    router.add_get("/ops", _home)
    router.add_get("/ops/", _home)
    router.add_get("/ops/login", auth.login_page)
    router.add_get("/ops/login/{token}", auth.login_page)
    router.add_post("/ops/login", auth.login)
    router.add_post("/ops/logout", auth.logout)
    router.add_get("/ops/lang", auth.switch_language)
    router.add_get("/ops/queue", queue.queue_page)
    router.add_get("/ops/queue.csv", queue.queue_csv)
    router.add_get("/ops/reports/{code}", report.report_page)
    router.add_post("/ops/reports/{code}/identity", identity.identity)  # before {action}
    router.add_post("/ops/reports/{code}/{action}", actions.act)
    router.add_get("/ops/map", maps.map_page)
    router.add_get("/ops/api/map", maps.map_points)
    router.add_get("/ops/api/basemap", basemap.base_map_json)
    router.add_get("/ops/figures", figures.figures_page)
    router.add_get("/ops/figures.csv", figures.figures_csv)
    router.add_get("/ops/crisis", crisis.crisis_page)
    router.add_post("/ops/crisis", crisis.switch)
    router.add_get("/ops/alerts", alerts.alerts_page)
    router.add_get("/ops/api/alerts", alerts.alerts_progress)
    router.add_post("/ops/alerts/preview", alerts.preview)
    router.add_post("/ops/alerts/edit", alerts.edit)
    router.add_post("/ops/alerts/send", alerts.send)
    router.add_static("/ops-static/", STATIC, append_version=True)


async def _home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther(auth.start_page(user_of(request)))


def _media(app: web.Application, services: Services[Runtime]) -> None:
    """Photos' public copies (/media/<sha256>), when the web chat has not added them."""
    if webchat.MEDIA in app:
        return
    app[webchat.MEDIA] = services.media
    app.router.add_get("/media/{sha256:[0-9a-f]{64}}", webchat.get_media)
