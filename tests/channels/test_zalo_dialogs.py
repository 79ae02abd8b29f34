"""Whole dialogs on Zalo over real HTTP, on SQLite and PostgreSQL.

Signed events go to HueBot's ``/zalo/webhook``; HueBot answers through the fake Zalo
OpenAPI and OAuth server. Every assertion is on what that server recorded or on what the
store holds.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import Services, build_app
from bot.channels.zalo.channel import ZaloChannel
from storage.records import ReportFilter
from tests.support.clock import FakeClock
from tests.support.fake_telegram import eventually
from tests.support.fake_zalo import (
    APP_ID,
    OA_SECRET_KEY,
    OAUTH_PATH,
    UPLOAD_PATH,
    FakeZalo,
    ZaloCitizen,
    serve_fake,
    signed,
    zalo_settings_for,
)
from tests.support.images import jpeg

LE_LOI = (16.4637, 107.5909)
SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "zalo"


@dataclass
class Zalo:
    """A running Zalo channel, the fake server behind it, and the webhook to post to."""

    fake: FakeZalo
    channel: Any
    services: Any
    client: Any

    async def post(self, event: Any, key: str = OA_SECRET_KEY, **headers: str) -> int:
        """POST an event to the webhook, signed with ``key`` (headers override)."""
        body, signed_headers = signed(event, key)
        response = await self.client.post(
            "/zalo/webhook", data=body, headers={**signed_headers, **headers}
        )
        return int(response.status)

    async def settled(self) -> None:
        """Wait until every stored event has been processed."""

        async def pending() -> int:
            async with self.services.database.unit_of_work() as store:
                return (await store.intake.counts("zalo")).get("pending", 0)

        for _ in range(750):
            if await pending() == 0:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("zalo events still pending")

    async def replies_after(self, count: int, *events: dict[str, Any]) -> list[str]:
        """Post events, wait for ``count`` more accepted messages, return their texts."""
        before = len(self.fake.texts())
        for event in events:
            assert await self.post(event) == 200
        await eventually(lambda: len(self.fake.texts()) >= before + count)
        await self.settled()
        return self.fake.texts()[before:]


@pytest.fixture
async def fake_zalo(aiohttp_server: Any) -> FakeZalo:
    """The fake Zalo servers, listening on 127.0.0.1 on a free port."""
    return await serve_fake(aiohttp_server)


@pytest.fixture
async def zalo(
    services: Services, fake_zalo: FakeZalo, clock: FakeClock, aiohttp_client: Any
) -> AsyncIterator[Zalo]:
    """HueBot's Zalo channel, started, its webhook served by the app."""
    channel = ZaloChannel(services, zalo_settings_for(services, fake_zalo), clock=clock, tick=0.05)
    client = await aiohttp_client(build_app(services, zalo=channel))
    await channel.start()
    await eventually(channel.ready.is_set)
    yield Zalo(fake_zalo, channel, services, client)
    await channel.stop()


@pytest.fixture
def citizen(fake_zalo: FakeZalo, clock: FakeClock) -> ZaloCitizen:
    """A citizen chatting with the OA."""
    return ZaloCitizen(fake_zalo, clock)


async def reports(zalo: Zalo) -> list[Any]:
    async with zalo.services.database.unit_of_work() as store:
        found = await store.reports.search(ReportFilter())
        return [await store.reports.by_code(r.code) for r in found]


async def user(zalo: Zalo, citizen: ZaloCitizen) -> Any:
    async with zalo.services.database.unit_of_work() as store:
        return await store.users.find("zalo", citizen.id)


async def file_a_report(zalo: Zalo, citizen: ZaloCitizen) -> str:
    """Text, location, photo, the send button: returns the ticket code."""
    [ask] = await zalo.replies_after(1, citizen.text("Đèn đường trước nhà tôi bị hỏng, tối om"))
    assert "“Vị trí”" in ask  # how to share a position on Zalo
    await zalo.replies_after(1, citizen.location(*LE_LOI))
    await zalo.replies_after(1, citizen.image(jpeg((640, 480))))
    titles = [b["title"] for b in zalo.fake.buttons(citizen.id)]
    assert any("Gửi phản ánh" in t for t in titles)
    [filed] = await zalo.replies_after(1, citizen.press("Gửi phản ánh"))
    assert "PA-1000" in filed
    return "PA-" + filed.split("PA-")[1][:5]


async def test_a_report_with_text_location_and_photo_gets_a_ticket(
    zalo: Zalo, citizen: ZaloCitizen
):
    code = await file_a_report(zalo, citizen)
    [report] = await reports(zalo)
    assert report.code == code and report.channel == "zalo"
    assert (report.latitude, report.longitude) == LE_LOI
    assert report.category == "lighting" and len(report.photos) == 1
    downloads = [c for c in zalo.fake.calls if c.path == "/cdn"]
    assert len(downloads) == 1
    [refresh] = zalo.fake.calls_to(OAUTH_PATH)  # the first send traded the seeded token
    assert refresh.body["grant_type"] == "refresh_token"


async def test_status_sends_the_photo_as_an_uploaded_image(zalo: Zalo, citizen: ZaloCitizen):
    code = await file_a_report(zalo, citizen)
    answer, photo = await zalo.replies_after(2, citizen.text(f"/status {code}"))
    assert code in answer and photo == ""
    [upload] = zalo.fake.calls_to(UPLOAD_PATH)
    assert upload.files["file"].startswith(b"\xff\xd8")  # the public JPEG
    image = zalo.fake.sent(citizen.id)[-1]["message"]["attachment"]["payload"]
    assert image["elements"][0]["attachment_id"] in zalo.fake.uploads


async def test_a_long_list_is_numbered_and_a_digit_picks_from_it(zalo: Zalo, citizen: ZaloCitizen):
    await zalo.replies_after(1, citizen.text("Cây xanh gãy đổ chắn ngang đường"))
    await zalo.replies_after(1, citizen.location(*LE_LOI))
    await zalo.replies_after(1, citizen.press("Bỏ qua"))
    [listing] = await zalo.replies_after(1, citizen.press("Đổi loại"))  # all 14 kinds
    assert zalo.fake.sent(citizen.id)[-1]["message"].get("attachment") is None
    assert "\n2. " in listing and "Trả lời bằng một số" in listing
    [summary] = await zalo.replies_after(1, citizen.text("2"))
    assert "Hư hỏng đường" in summary  # the second category: roads


async def test_a_replayed_event_is_processed_once(zalo: Zalo, citizen: ZaloCitizen):
    event = citizen.text("/help")
    await zalo.replies_after(1, event)
    assert await zalo.post(event) == 200
    await zalo.settled()
    await zalo.replies_after(1, citizen.text("/myreports"))
    assert len([t for t in zalo.fake.texts(citizen.id) if "/status PA-12345" in t]) == 1


async def test_a_bad_signature_is_refused_and_nothing_is_stored(zalo: Zalo, citizen: ZaloCitizen):
    event = citizen.text("/help")
    assert await zalo.post(event, key="not-the-oa-key") == 401
    assert await zalo.post(event, **{"X-ZEvent-Signature": ""}) == 401
    assert await zalo.post(event | {"app_id": "999"}) == 401
    async with zalo.services.database.unit_of_work() as store:
        assert await store.intake.counts("zalo") == {}
    assert zalo.fake.sent() == []


async def test_stale_and_future_events_are_refused(
    zalo: Zalo, citizen: ZaloCitizen, clock: FakeClock
):
    old = citizen.text("/help")
    clock.advance(hours=2)
    assert await zalo.post(old) == 400
    ahead = citizen.text("/help")
    clock.advance(minutes=-10)
    assert await zalo.post(ahead) == 400
    async with zalo.services.database.unit_of_work() as store:
        assert await store.intake.counts("zalo") == {}


async def test_without_an_oa_secret_key_every_webhook_is_refused(
    services: Services, fake_zalo: FakeZalo, citizen: ZaloCitizen, aiohttp_client: Any
):
    settings = zalo_settings_for(services, fake_zalo, {
        "ZALO_APP_ID": "1234567890123456789", "ZALO_APP_SECRET": "s",
        "ZALO_REFRESH_TOKEN": "r"})  # fmt: skip
    channel = ZaloChannel(services, settings)
    keyless = Zalo(
        fake_zalo, channel, services, await aiohttp_client(build_app(services, None, channel))
    )
    assert await keyless.post(citizen.text("hi"), key="") == 403
    unconfigured = Zalo(fake_zalo, None, services, await aiohttp_client(build_app(services)))
    assert await unconfigured.post(citizen.text("hi")) == 403


async def test_a_token_refused_in_the_middle_of_a_send_is_refreshed(
    zalo: Zalo, citizen: ZaloCitizen
):
    await zalo.replies_after(1, citizen.text("/help"))
    zalo.fake.expire_access_token()
    [answer] = await zalo.replies_after(1, citizen.text("/myreports"))
    assert answer
    assert len(zalo.fake.calls_to(OAUTH_PATH)) == 2
    async with zalo.services.database.unit_of_work() as store:
        tokens = await store.zalo_tokens.get(zalo.channel.settings.app_id)
    assert tokens is not None
    assert (tokens.access_token, tokens.refresh_token) == (
        zalo.fake.access_token, zalo.fake.refresh_token)  # fmt: skip


async def test_follow_unfollow_and_a_refused_send_set_the_reachable_flag(
    zalo: Zalo, citizen: ZaloCitizen
):
    await zalo.replies_after(1, citizen.text("/start"))
    assert await zalo.post(citizen.follow("unfollow")) == 200
    await zalo.settled()
    assert not (await user(zalo, citizen)).reachable
    assert await zalo.post(citizen.follow("follow")) == 200
    await zalo.settled()
    assert (await user(zalo, citizen)).reachable
    zalo.fake.unfollowed.add(citizen.id)
    assert await zalo.post(citizen.text("/help")) == 200
    await zalo.settled()
    assert not (await user(zalo, citizen)).reachable


async def test_a_phone_is_kept_only_when_the_citizen_sends_zalos_form(
    zalo: Zalo, citizen: ZaloCitizen
):
    await zalo.replies_after(1, citizen.text("/start"))
    assert await zalo.post(citizen.text("/sdt")) == 200
    await eventually(lambda: len(zalo.fake.sent(citizen.id)) == 2)
    form = zalo.fake.sent(citizen.id)[-1]["message"]["attachment"]["payload"]
    assert form["template_type"] == "request_user_info"
    assert (await user(zalo, citizen)).phone is None
    await zalo.replies_after(1, citizen.submit_info("Lan", "84912345678"))
    found = await user(zalo, citizen)
    assert (found.phone, found.name) == ("84912345678", "Lan")


async def test_stickers_and_documents_get_a_polite_answer_and_echoes_are_ignored(
    zalo: Zalo, citizen: ZaloCitizen
):
    sticker = await zalo.replies_after(1, citizen.sticker())
    assert "không phải ảnh JPEG, PNG, WebP hoặc HEIC" in sticker[0]
    document = await zalo.replies_after(1, citizen.file(b"%PDF-1.4 ...", "don.pdf"))
    assert "“don.pdf” không phải ảnh" in document[0]
    assert await zalo.post(citizen.echo("Xin chào")) == 200
    async with zalo.services.database.unit_of_work() as store:
        assert (await store.intake.counts("zalo")) == {"done": 2}
    assert await reports(zalo) == []


async def test_the_recorded_samples_are_taken_when_signed_as_zalo_signs(
    zalo: Zalo, clock: FakeClock
):
    """Every sample in tests/fixtures/zalo/, for our app, now, with its links on the fake CDN."""
    keys = set()
    for path in sorted(SAMPLES.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["app_id"], raw["timestamp"] = APP_ID, str(int(clock().timestamp() * 1000))
        for attachment in raw.get("message", {}).get("attachments", []):
            if "url" in attachment["payload"]:
                attachment["payload"]["url"] = zalo.fake.host(jpeg())
        assert await zalo.post(raw) == 200, path.name
        keys.add(raw.get("message", {}).get("msg_id") or path.name)
    await zalo.settled()
    async with zalo.services.database.unit_of_work() as store:
        counts = await store.intake.counts("zalo")
    assert counts == {"done": len(keys)}  # the three PHP samples share one msg_id
