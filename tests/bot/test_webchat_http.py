"""The web chat over real HTTP against the running aiohttp app, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.app import Services, build_app
from storage.records import ReportFilter
from tests.support.faults import failing_inserts
from tests.support.images import DAI_NOI_LAT, DAI_NOI_LON, gif, has_gps, jpeg, png_bomb


@pytest.fixture
async def client(aiohttp_client: Any, services: Services) -> TestClient:
    app = build_app(services)
    web_client: TestClient = await aiohttp_client(app)
    page = await web_client.get("/")
    assert page.status == 200
    return web_client


def new_id() -> str:
    return uuid.uuid4().hex


async def say(client: TestClient, **body: Any) -> list[dict[str, Any]]:
    body.setdefault("id", new_id())
    response = await client.post("/api/chat/messages", json=body)
    assert response.status == 200, await response.text()
    return list((await response.json())["replies"])


async def upload(client: TestClient, *files: bytes, caption: str | None = None) -> Any:
    form = FormData()
    form.add_field("id", new_id())
    if caption:
        form.add_field("caption", caption)
    for n, data in enumerate(files):
        form.add_field("file", data, filename=f"photo{n}.jpg", content_type="image/jpeg")
    return await client.post("/api/chat/photos", data=form)


def payloads(replies: list[dict[str, Any]]) -> list[str]:
    return [choice["payload"] for reply in replies for choice in reply["choices"]]


async def stored_reports(services: Services) -> list[Any]:
    async with services.database.unit_of_work() as store:
        return list(await store.reports.search(ReportFilter()))


async def test_page_sets_an_httponly_cookie_and_serves_its_assets(aiohttp_client: Any, services):
    client = await aiohttp_client(build_app(services))
    page = await client.get("/")
    assert page.status == 200 and "text/html" in page.headers["Content-Type"]
    cookie = page.headers["Set-Cookie"]
    assert "huebot_chat=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    html = await page.text()
    assert "/static/chat.js" in html and "http://" not in html and "https://" not in html
    for asset in ("/static/chat.js", "/static/chat.css"):
        assert (await client.get(asset)).status == 200


async def test_api_refuses_a_request_without_the_chat_cookie(aiohttp_client: Any, services):
    client = await aiohttp_client(build_app(services))
    response = await client.post("/api/chat/messages", json={"id": new_id(), "text": "hi"})
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "no_session"


async def test_report_with_photo_and_location_over_http(client: TestClient, services: Services):
    replies = await say(client, text="/start")
    assert "menu:report" in payloads(replies)
    replies = await say(client, text="Cống trước nhà tôi bị tắc, nước ngập lên tận vỉa hè")
    assert replies[-1]["ask_location"] is True
    response = await upload(client, jpeg(gps=True))
    assert response.status == 200
    replies = (await response.json())["replies"]
    assert "report:photo_place" in payloads(replies)
    replies = await say(client, choice="report:photo_place")
    if "report:send" not in payloads(replies):
        replies = await say(client, choice="report:cat:flooding")
    replies = await say(client, choice="report:send")
    [report] = await stored_reports(services)
    assert report.code in replies[0]["text"]
    assert report.latitude == pytest.approx(DAI_NOI_LAT, abs=1e-5)
    assert report.longitude == pytest.approx(DAI_NOI_LON, abs=1e-5)
    async with services.database.unit_of_work() as store:
        full = await store.reports.by_code(report.code)
    assert full is not None and len(full.photos) == 1
    sha = full.photos[0].sha256
    original = services.media.original_path(sha)
    assert original is not None and has_gps(original.read_bytes())
    public = await client.get(f"/media/{sha}")
    assert public.status == 200 and public.content_type == "image/jpeg"
    assert not has_gps(await public.read())


async def test_status_over_http_shows_the_photo_copy(client: TestClient, services: Services):
    await say(client, text="Đèn đường hỏng cả dãy kiệt 12 Phan Đình Phùng")
    await upload(client, jpeg())
    await say(client, location={"latitude": 16.46, "longitude": 107.59})
    replies = await say(client, choice="report:cat:lighting")
    if "report:send" not in payloads(replies):
        replies = await say(client, choice="report:skip_photo")
    await say(client, choice="report:send")
    [report] = await stored_reports(services)
    replies = await say(client, text=f"/status {report.code}")
    assert report.code in replies[0]["text"]
    images = [r["image_url"] for r in replies if r["image_url"]]
    assert len(images) == 1 and (await client.get(images[0])).status == 200


async def test_the_same_message_id_twice_files_one_report(client: TestClient, services):
    await say(client, text="Cây xanh ngã đổ chắn ngang đường Lê Duẩn")
    await say(client, location={"latitude": 16.47, "longitude": 107.58})
    await say(client, choice="report:skip_photo")
    replies = await say(client, choice="report:cat:trees")
    assert "report:send" in payloads(replies)
    once = new_id()
    first = await say(client, id=once, choice="report:send")
    second = await say(client, id=once, choice="report:send")
    assert first == second
    assert len(await stored_reports(services)) == 1


async def test_ids_are_scoped_to_their_chat(aiohttp_client: Any, services: Services):
    alice, bob = (
        await aiohttp_client(build_app(services)),
        await aiohttp_client(build_app(services)),
    )
    await alice.get("/")
    await bob.get("/")
    shared = new_id()
    first = await say(alice, id=shared, text="/help")
    replayed = await say(bob, id=shared, text="/start")
    assert first != replayed  # bob's message is processed, not answered with alice's replies


@pytest.mark.parametrize(
    "body",
    [
        {"id": "short", "text": "hi"},
        {"id": "x" * 8, "text": 42},
        {"id": "x" * 8, "location": {"latitude": 95, "longitude": 107}},
        {"id": "x" * 8, "location": {"latitude": "north"}},
        ["not", "an", "object"],
    ],
)
async def test_malformed_messages_get_a_clear_400(client: TestClient, body: Any):
    response = await client.post("/api/chat/messages", json=body)
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["code"] == "bad_request" and "không hợp lệ" in error["message"]


async def test_invalid_json_gets_a_clear_400(client: TestClient):
    response = await client.post(
        "/api/chat/messages", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400


async def test_photo_over_ten_megabytes_is_explained(client: TestClient, services: Services):
    big = jpeg() + b"\0" * (10 * 1024 * 1024)
    response = await upload(client, big)
    assert response.status == 200
    replies = (await response.json())["replies"]
    assert "10 MB" in replies[0]["text"]
    async with services.database.unit_of_work() as store:
        assert await store.reports.count() == 0


async def test_corrupt_and_unsupported_files_are_explained(client: TestClient):
    response = await upload(client, gif(), jpeg()[:200])
    replies = (await response.json())["replies"]
    texts = " ".join(r["text"] for r in replies)
    assert "không phải ảnh JPEG" in texts and "bị lỗi" in texts


async def test_an_image_bomb_is_refused_with_the_pixel_limit(client: TestClient):
    response = await upload(client, png_bomb(7000, 7000))
    texts = " ".join(r["text"] for r in (await response.json())["replies"])
    assert "kích thước quá lớn" in texts and "40 megapixel" in texts


async def test_upload_over_the_request_limit_is_413(client: TestClient):
    parts = [jpeg() + b"\0" * (9 * 1024 * 1024) for _ in range(4)]
    response = await upload(client, *parts)
    assert response.status == 413
    assert "MB" in (await response.json())["error"]["message"]


async def test_inbox_delivers_later_notices_once_each(client: TestClient, services: Services):
    await say(client, text="/start")
    async with services.database.unit_of_work() as store:
        [user] = [u for u in [await store.users.get(1)] if u]
        notice = {"replies": [{"text": "PA-10001: Đang xử lý", "choices": []}]}
        row_id = await store.outbox.enqueue(user, "status", notice, services.inbox._clock())
    first = await (await client.get("/api/chat/inbox?after=0")).json()
    assert [m["id"] for m in first["messages"]] == [row_id]
    assert first["messages"][0]["reply"]["text"] == "PA-10001: Đang xử lý"
    later = await (await client.get(f"/api/chat/inbox?after={row_id}")).json()
    assert later["messages"] == []


async def test_store_failure_answers_503_and_keeps_nothing(client: TestClient, services: Services):
    message = {"id": new_id(), "text": "Cống thoát nước bị tắc trước nhà, nước tràn ra"}
    async with failing_inserts(services.database, "conversation"):
        response = await client.post("/api/chat/messages", json=message)
        assert response.status == 503
        assert "chưa được lưu" in (await response.json())["error"]["message"]
    # Had the failed attempt been recorded, the retry would be answered as a replay.
    retried = await client.post("/api/chat/messages", json=message)
    assert retried.status == 200
    assert (await retried.json())["replies"][-1]["ask_location"] is True


async def test_healthz(client: TestClient):
    response = await client.get("/healthz")
    assert response.status == 200 and (await response.json())["store"] == "up"


async def test_answers_and_the_inbox_carry_the_chats_language(client: TestClient):
    inbox = await (await client.get("/api/chat/inbox")).json()
    assert inbox["language"] is None  # a chat that never wrote
    first = await client.post("/api/chat/messages", json={"id": new_id(), "text": "/start"})
    assert (await first.json())["language"] == "vi"
    switched = await client.post(
        "/api/chat/messages", json={"id": new_id(), "text": "/lang en", "locale": "vi"}
    )
    assert (await switched.json())["language"] == "en"
    assert (await (await client.get("/api/chat/inbox")).json())["language"] == "en"
