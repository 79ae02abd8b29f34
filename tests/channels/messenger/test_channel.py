"""The Messenger channel on both stores: events in with photos, replies out by the window."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.messenger import MessengerChannel, NotSendable
from bot.channels.messenger.client import MessengerClient, MessengerSettings, Unreachable
from bot.channels.messenger.parse import parse_body
from bot.channels.messenger.render import Purpose
from bot.media import MediaStore
from handlers import Channel, Choice, PhotoProblem, Reply
from storage.db import Database
from tests.support.clock import FakeClock
from tests.support.fake_messenger import (
    APP_SECRET,
    PAGE_TOKEN,
    VERIFY_TOKEN,
    FakeGraph,
    serve_fake,
)
from tests.support.images import has_gps, jpeg

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "messenger"
PSID = "6543210987654321"


@pytest.fixture
async def fake(aiohttp_server: Any, clock: FakeClock) -> FakeGraph:
    return await serve_fake(aiohttp_server, clock)


@pytest.fixture
async def channel(
    fake: FakeGraph, database: Database, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[MessengerChannel]:
    settings = MessengerSettings(
        PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, api_base_url=fake.base_url, http_media=True
    )
    media = MediaStore(tmp_path / "media")
    opened = MessengerChannel(
        settings, MessengerClient(settings), database, media, clock, "https://hue.example"
    )
    yield opened
    await opened.stop()


async def citizen_wrote(database: Database, fake: FakeGraph, clock: FakeClock) -> None:
    """What the intake does on an inbound message: the user is seen now."""
    async with database.unit_of_work() as store:
        await store.users.get_or_create(Channel.MESSENGER, PSID, clock.now, language="en")
    fake.inbound(PSID)


def body_with_images(*urls: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / "messengernode_image.json").read_text("utf-8"))
    event = body["entry"][0]["messaging"][0]
    event["sender"]["id"] = PSID
    event["message"]["attachments"] = [{"type": "image", "payload": {"url": u}} for u in urls]
    return body


async def test_parse_fetches_checks_and_strips_photos(
    channel: MessengerChannel, fake: FakeGraph, tmp_path: Path
) -> None:
    good = fake.host(jpeg(gps=True))
    bad = fake.host(jpeg()[:300])  # cut short in transit
    (event,) = parse_body(body_with_images(good, bad)).events
    (message,) = await channel.parse(event)
    assert message.channel is Channel.MESSENGER and message.user_key == PSID
    (photo,) = message.photos
    assert photo.gps is not None  # read from the original's EXIF before it was stripped
    public = MediaStore(tmp_path / "media").public_path(photo.sha256)
    assert public is not None and not has_gps(public.read_bytes())
    assert [r.problem for r in message.rejected_files] == [PhotoProblem.CORRUPT]


async def test_receipts_give_nothing_to_handle(channel: MessengerChannel) -> None:
    body = json.loads((FIXTURES / "docs_optin_notification_messages.json").read_text())
    (event,) = parse_body(body).events
    assert await channel.parse(event) == []


async def test_a_reply_inside_the_window(
    channel: MessengerChannel, fake: FakeGraph, database: Database, clock: FakeClock
) -> None:
    await citizen_wrote(database, fake, clock)
    clock.advance(hours=23)
    await channel.send(PSID, [Reply("Got it", (Choice("Skip", "report:skip_photo"),))])
    (sent,) = fake.sent(PSID)
    assert sent["messaging_type"] == "RESPONSE"
    assert sent["message"]["quick_replies"][0]["payload"] == "report:skip_photo"


async def test_an_out_of_window_notice_is_tagged_and_a_reply_is_not_sendable(
    channel: MessengerChannel, fake: FakeGraph, database: Database, clock: FakeClock
) -> None:
    await citizen_wrote(database, fake, clock)
    clock.advance(hours=25)
    await channel.send(PSID, [Reply("PA-1 resolved")], Purpose.NOTICE)
    assert [(b["messaging_type"], b["tag"]) for b in fake.sent(PSID)] == [
        ("MESSAGE_TAG", "ACCOUNT_UPDATE")
    ]
    with pytest.raises(NotSendable):
        await channel.send(PSID, [Reply("late answer")])
    with pytest.raises(NotSendable):
        await channel.send(PSID, [Reply("storm warning")], Purpose.ALERT)
    assert len(fake.calls) == 1


async def test_a_closed_window_meta_reports_is_not_sendable(
    channel: MessengerChannel, fake: FakeGraph, database: Database, clock: FakeClock
) -> None:
    await citizen_wrote(database, fake, clock)
    fake.last_inbound.clear()  # Meta's view differs from ours: it refuses
    with pytest.raises(NotSendable):
        await channel.send(PSID, [Reply("hello")])


async def test_a_citizen_who_blocked_the_page_is_marked_unreachable(
    channel: MessengerChannel, fake: FakeGraph, database: Database, clock: FakeClock
) -> None:
    await citizen_wrote(database, fake, clock)
    fake.blocked.add(PSID)
    with pytest.raises(Unreachable):
        await channel.send(PSID, [Reply("hello")])
    async with database.unit_of_work() as store:
        user = await store.users.find(Channel.MESSENGER, PSID)
    assert user is not None and not user.reachable


async def test_an_unknown_person_cannot_be_messaged(channel: MessengerChannel) -> None:
    with pytest.raises(NotSendable):
        await channel.send("999", [Reply("hello")], Purpose.ALERT)
