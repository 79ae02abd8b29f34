"""Signing in to /ops, sessions, CSRF, and who sees what. Over HTTP, on both stores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import Services
from handlers import Context, Turn
from handlers.handling import ops_link
from tests.ops.support import (
    NoNlu,
    csrf,
    file_report,
    form_value,
    grant,
    login_secrets,
    sign_in,
)
from tests.support.clock import FakeClock

SAMPLES = {"code": "PA-10001", "action": "accept", "token": "x" * 40}


def ops_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, path) under /ops but the sign-in page and the language switch."""
    found = []
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix") or ""
        if not (path == "/ops" or path.startswith("/ops/")) or route.method == "HEAD":
            continue
        if path.startswith(("/ops/login", "/ops/lang")):
            continue
        found.append((route.method, path.format(**SAMPLES)))
    return found


async def test_every_ops_route_refuses_without_a_session(client: TestClient, ops_services: Any):
    await file_report(ops_services.database, ops_services.runtime.settings.city, FakeClock()())
    routes = ops_routes(client)
    assert len(routes) >= 16
    for method, path in routes:
        response = await client.request(method, path, allow_redirects=False)
        if method == "GET" and not path.startswith("/ops/api/"):
            assert response.status == 303, path
            assert response.headers["Location"] == "/ops/login", path
        else:
            assert response.status == 401, (method, path)
        assert "PA-10001" not in await response.text()
    unknown = await client.get("/ops/no-such-page", allow_redirects=False)
    assert unknown.status == 303


async def test_sign_in_by_link_gives_a_strict_expiring_http_only_cookie(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    supervisor = await grant(ops_services.database, "telegram", "77", "supervisor", None, clock())
    login = await login_secrets(ops_services.database, supervisor, clock())
    value = await form_value(client, f"/ops/login/{login.token}")
    response = await client.post(
        "/ops/login", data={"token": login.token, "form": value}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/ops/queue"
    cookie = response.cookies["huebot_ops"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/ops"
    assert int(cookie["max-age"]) == 12 * 3600
    queue = await client.get("/ops/queue")
    assert queue.status == 200 and "Hàng đợi phản ánh" in await queue.text()
    assert "frame-ancestors 'none'" in queue.headers["Content-Security-Policy"]
    # The link works once.
    client.session.cookie_jar.clear()
    value = await form_value(client, f"/ops/login/{login.token}")
    again = await client.post("/ops/login", data={"token": login.token, "form": value})
    assert again.status == 401


async def test_sign_in_by_code_and_the_session_expires(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    admin = await grant(ops_services.database, "webchat", "admin-chat-key-0001", "admin", None,
                        clock())  # fmt: skip
    login = await login_secrets(ops_services.database, admin, clock())
    value = await form_value(client)
    typed = login.code.lower().replace("-", " ")
    response = await client.post("/ops/login", data={"code": typed, "form": value})
    assert response.status == 200 and "Hàng đợi phản ánh" in await response.text()
    clock.advance(hours=12, seconds=1)
    expired = await client.get("/ops/queue", allow_redirects=False)
    assert expired.status == 303


async def test_an_expired_code_and_a_citizen_are_refused(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    supervisor = await grant(ops_services.database, "telegram", "77", "supervisor", None, clock())
    login = await login_secrets(ops_services.database, supervisor, clock())
    clock.advance(minutes=16)
    value = await form_value(client)
    late = await client.post("/ops/login", data={"code": login.code, "form": value})
    assert late.status == 401 and "hết hạn" in await late.text()
    async with ops_services.database.unit_of_work() as store:
        citizen = await store.users.get_or_create("telegram", "5", clock())
        ctx = Context(store=store, city=ops_services.runtime.settings.city, nlu=NoNlu(),
                      now=clock())  # fmt: skip
        [answer] = await ops_link.on_command(Turn(ctx, citizen))
    assert "Chỉ cán bộ" in answer.text
    citizen_login = await login_secrets(ops_services.database, citizen, clock())
    value = await form_value(client)
    refused = await client.post("/ops/login", data={"code": citizen_login.code, "form": value})
    assert refused.status == 403


async def test_the_sign_in_form_needs_its_cookie(client: TestClient, ops_services: Services,
                                                clock: FakeClock):  # fmt: skip
    supervisor = await grant(ops_services.database, "telegram", "77", "supervisor", None, clock())
    login = await login_secrets(ops_services.database, supervisor, clock())
    forged = await client.post("/ops/login", data={"code": login.code, "form": "made-up"})
    assert forged.status == 400


async def test_posts_need_the_csrf_token_and_logout_ends_the_session(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    database, city = ops_services.database, ops_services.runtime.settings.city
    report = await file_report(database, city, clock())
    supervisor = await grant(database, "telegram", "77", "supervisor", None, clock())
    token = await sign_in(client, database, supervisor, clock())
    path = f"/ops/reports/{report.code}/accept"
    assert (await client.post(path, data={}, allow_redirects=False)).status == 403
    assert (await client.post(path, data={"csrf": "wrong"}, allow_redirects=False)).status == 403
    cross = await client.post(path, data={"csrf": token}, headers={"Origin": "https://evil.test"},
                              allow_redirects=False)  # fmt: skip
    assert cross.status == 403
    done = await client.post(path, data={"csrf": token}, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"].endswith("done=ok")
    await client.post("/ops/logout", data={"csrf": token})
    assert (await client.get("/ops/queue", allow_redirects=False)).status == 303


async def test_an_official_sees_only_their_unit(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    database, city = ops_services.database, ops_services.runtime.settings.city
    flooding = await file_report(database, city, clock())
    water = await file_report(database, city, clock(), category="water_supply",
                              text="Mất nước sinh hoạt từ sáng")  # fmt: skip
    assert flooding.unit_code != water.unit_code
    official = await grant(database, "telegram", "88", "official", water.unit_code, clock())
    token = await sign_in(client, database, official, clock())
    queue = await (await client.get("/ops/queue")).text()
    assert water.code in queue and flooding.code not in queue
    exported = await (await client.get("/ops/queue.csv")).text()
    assert water.code in exported and flooding.code not in exported
    points = await (await client.get("/ops/api/map")).json()
    assert [f["properties"]["code"] for f in points["features"]] == [water.code]
    assert (await client.get(f"/ops/reports/{flooding.code}")).status == 403
    refused = await client.post(f"/ops/reports/{flooding.code}/accept", data={"csrf": token})
    assert refused.status == 403
    async with database.unit_of_work() as store:
        kept = await store.reports.by_code(flooding.code)
    assert kept is not None and kept.status == "assigned"
    assert "refused 'accept' from the dashboard" in (kept.events[-1].note or "")
    assert (await client.get(f"/ops/reports/{water.code}")).status == 200


async def test_a_broadcaster_sees_no_reports(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    broadcaster = await grant(ops_services.database, "telegram", "99", "broadcaster", None,
                              clock())  # fmt: skip
    await sign_in_as(client, ops_services, broadcaster, clock)
    assert (await client.get("/ops/queue")).status == 403
    assert (await client.get("/ops/alerts")).status == 200


async def sign_in_as(client: TestClient, services: Services, user: Any, clock: FakeClock) -> None:
    login = await login_secrets(services.database, user, clock())
    value = await form_value(client)
    response = await client.post("/ops/login", data={"code": login.code, "form": value},
                                 allow_redirects=False)  # fmt: skip
    assert response.status == 303


async def test_the_language_switch_keeps_the_page(
    client: TestClient, ops_services: Services, clock: FakeClock
):
    supervisor = await grant(ops_services.database, "telegram", "77", "supervisor", None, clock())
    await sign_in(client, ops_services.database, supervisor, clock())
    page = await client.get("/ops/lang?to=en&next=/ops/figures")
    assert str(page.url).endswith("/ops/figures") and "Performance figures" in await page.text()
    for elsewhere in ("https://evil.test/", "https://evil.test/ops/queue", "//evil.test/ops"):
        outside = await client.get("/ops/lang", params={"to": "vi", "next": elsewhere},
                                   allow_redirects=False)  # fmt: skip
        assert outside.headers["Location"] == "/ops/queue", elsewhere


async def test_csrf_token_is_per_session(client: TestClient, ops_services: Services,
                                         clock: FakeClock):  # fmt: skip
    supervisor = await grant(ops_services.database, "telegram", "77", "supervisor", None, clock())
    first = await sign_in(client, ops_services.database, supervisor, clock())
    client.session.cookie_jar.clear()
    clock.advance(seconds=timedelta(minutes=1).total_seconds())
    second = await sign_in(client, ops_services.database, supervisor, clock())
    assert first != second and second == await csrf(client)
