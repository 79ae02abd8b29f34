"""/healthz: is the store reachable."""

from __future__ import annotations

from aiohttp import web

from storage.db import Database

DATABASE = web.AppKey("database", Database)


def setup(app: web.Application, database: Database) -> None:
    """Add /healthz."""
    app[DATABASE] = database
    app.router.add_get("/healthz", healthz)


async def healthz(request: web.Request) -> web.Response:
    """200 when the store answers, 503 when it does not."""
    if await request.app[DATABASE].ping():
        return web.json_response({"status": "ok", "store": "up"})
    return web.json_response({"status": "unavailable", "store": "down"}, status=503)
