"""Whole dialogs on Messenger over real HTTP, on SQLite and PostgreSQL.

Signed webhook bodies go to ``/messenger/webhook``; each event goes through the channel
(photos fetched from the fake CDN and checked), ``Inbox.receive`` and back out through
the fake Graph API. ``Intake`` below hands each event straight to the channel (the
running app stores it in the kit's intake first: ``test_live.py``); every assertion is
on what the fake recorded or what the store holds.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

from bot.channels.messenger import MessengerChannel
from bot.channels.messenger.client import MessengerClient, MessengerSettings
from bot.channels.messenger.parse import Parsed
from bot.channels.messenger.webhook import SIGNATURE_HEADER, WEBHOOK_PATH, add_routes
from bot.core import Services
from storage.records import ReportFilter, Status
from tests.support.clock import FakeClock
from tests.support.fake_messenger import (
    APP_SECRET,
    PAGE_ID,
    PAGE_TOKEN,
    VERIFY_TOKEN,
    FakeGraph,
    serve_fake,
)
from tests.support.images import jpeg

CITIZEN, OFFICIAL = "6543210987654321", "7012345678901234"
PLACE = "kiệt 12 Nguyễn Huệ, gần chợ Bến Ngự, phường Thuận Hóa"


class Intake:
    """Stands in for the kit's intake: every event through the channel and the inbox."""

    def __init__(
        self, channel: MessengerChannel, services: Services[Any], fake: FakeGraph
    ) -> None:
        self.channel, self.services, self.fake = channel, services, fake

    async def __call__(self, parsed: Parsed) -> None:
        for event in parsed.events:
            for message in await self.channel.parse(event):
                outcome = await self.services.inbox.receive(message)
                self.fake.inbound(message.user_key)
                if not outcome.duplicate:  # the intake answers a replay once, not twice
                    await self.channel.send(message.user_key, outcome.replies)


@dataclass
class Person:
    """Someone chatting with the Page; events carry the clock's time."""

    psid: str
    page: Messenger

    def event(self, **what: Any) -> dict[str, Any]:
        stamp = int(self.page.clock.now.timestamp() * 1000)
        event = {"sender": {"id": self.psid}, "recipient": {"id": PAGE_ID}, "timestamp": stamp}
        entry = {"id": PAGE_ID, "time": stamp, "messaging": [{**event, **what}]}
        return {"object": "page", "entry": [entry]}

    def mid(self) -> str:
        return f"m_{self.psid}_{next(self.page.mids)}"

    def text(self, text: str) -> dict[str, Any]:
        return self.event(message={"mid": self.mid(), "text": text})

    def image(self, data: bytes) -> dict[str, Any]:
        attachment = {"type": "image", "payload": {"url": self.page.fake.host(data)}}
        return self.event(message={"mid": self.mid(), "attachments": [attachment]})

    def press(self, label: str) -> dict[str, Any]:
        """Tap the quick reply or template button whose title holds ``label``."""
        message = self.page.fake.sent(self.psid)[-1]["message"]
        for quick in message.get("quick_replies", []):
            if label in quick["title"]:
                reply = {"payload": quick["payload"]}
                return self.event(
                    message={"mid": self.mid(), "text": quick["title"], "quick_reply": reply}
                )
        for button in message.get("attachment", {}).get("payload", {}).get("buttons", []):
            if label in button["title"]:
                postback = {
                    "mid": self.mid(),
                    "title": button["title"],
                    "payload": button["payload"],
                }
                return self.event(postback=postback)
        raise AssertionError(f"no {label!r} to press in {message}")

    def postback(self, payload: str) -> dict[str, Any]:
        return self.event(postback={"mid": self.mid(), "title": "…", "payload": payload})

    async def says(self, event: dict[str, Any]) -> list[str]:
        """Post the event signed; the texts the Page answered this person with."""
        before = len(self.page.fake.texts(self.psid))
        assert await self.page.post(event) == 200
        return self.page.fake.texts(self.psid)[before:]


@dataclass
class Messenger:
    """The webhook served over HTTP, the channel and the fake Graph API behind it."""

    fake: FakeGraph
    services: Services[Any]
    clock: FakeClock
    client: Any
    mids: itertools.count[int]
    posted: list[dict[str, Any]]

    async def post(self, event: dict[str, Any], secret: str = APP_SECRET) -> int:
        self.posted.append(event)
        body = json.dumps(event, ensure_ascii=False).encode()
        mac = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {SIGNATURE_HEADER: mac, "Content-Type": "application/json"}
        response = await self.client.post(WEBHOOK_PATH, data=body, headers=headers)
        return int(response.status)

    async def reports(self) -> list[Any]:
        async with self.services.database.unit_of_work() as store:
            found = await store.reports.search(ReportFilter())
            return [await store.reports.by_code(r.code) for r in found]


@pytest.fixture
async def messenger(
    services: Services[Any], clock: FakeClock, aiohttp_server: Any, aiohttp_client: Any
) -> AsyncIterator[Messenger]:
    await services.nlu.parse("xin chào")  # the model is trained once, before the clock
    fake = await serve_fake(aiohttp_server, clock)
    settings = MessengerSettings(
        PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, api_base_url=fake.base_url, http_media=True
    )
    channel = MessengerChannel(
        settings, MessengerClient(settings), services.database, services.media, clock
    )
    app = web.Application()
    add_routes(app, VERIFY_TOKEN, APP_SECRET, Intake(channel, services, fake))
    yield Messenger(fake, services, clock, await aiohttp_client(app), itertools.count(1), [])
    await channel.stop()


async def file_a_report(page: Messenger, citizen: Person) -> str:
    """Text with a typed place, a photo, the send button: returns the ticket code."""
    [asked] = await citizen.says(citizen.text("kiet 12 Nguyen Hue gan cho Ben Ngu rac thai"))
    assert "Sự cố ở đâu" not in asked and "ảnh" in asked
    [summary] = await citizen.says(citizen.image(jpeg((640, 480))))
    if "Gửi phản ánh" not in json.dumps(page.fake.sent(CITIZEN)[-1], ensure_ascii=False):
        [summary] = await citizen.says(citizen.press("Rác thải"))
    assert f"📍 {PLACE}" in summary
    [filed] = await citizen.says(citizen.press("Gửi phản ánh"))
    [report] = await page.reports()
    assert report.code in filed
    return str(report.code)


async def test_a_report_with_text_photo_and_typed_place_gets_a_ticket(
    messenger: Messenger,
) -> None:
    citizen = Person(CITIZEN, messenger)
    code = await file_a_report(messenger, citizen)
    [report] = await messenger.reports()
    assert (report.code, report.channel, report.place) == (code, "messenger", PLACE)
    assert report.category == "garbage" and len(report.photos) == 1
    assert [c.path for c in messenger.fake.calls].count("/cdn") == 1
    assert all(b["messaging_type"] == "RESPONSE" for b in messenger.fake.sent(CITIZEN))


async def test_an_official_on_messenger_accepts_and_resolves(messenger: Messenger) -> None:
    code = await file_a_report(messenger, Person(CITIZEN, messenger))
    async with messenger.services.database.unit_of_work() as store:
        await store.staff.grant("messenger", OFFICIAL, "official", "hepco", messenger.clock())
    official = Person(OFFICIAL, messenger)
    [accepted] = await official.says(official.postback(f"act:accept:{code}"))
    assert code in accepted
    [ask_note] = await official.says(official.postback(f"act:resolve:{code}"))
    [ask_photo] = await official.says(official.text("Đã thu gom rác, vệ sinh khu vực"))
    assert ask_photo != ask_note
    await official.says(official.image(jpeg((800, 600))))
    [report] = await messenger.reports()
    assert report.status == Status.RESOLVED
    assert len(report.photos) == 2  # the citizen's and the result


async def test_replayed_events_are_processed_once(messenger: Messenger) -> None:
    citizen = Person(CITIZEN, messenger)
    await file_a_report(messenger, citizen)
    sent = len(messenger.fake.sent())
    for event in list(messenger.posted):  # Meta sends the whole dialog again
        assert await messenger.post(event) == 200
    assert len(await messenger.reports()) == 1
    assert len(messenger.fake.sent()) == sent  # and nothing is answered twice


async def test_a_forged_signature_changes_nothing(messenger: Messenger) -> None:
    citizen = Person(CITIZEN, messenger)
    assert await messenger.post(citizen.text("Đèn hỏng"), secret="forged") == 403
    async with messenger.services.database.unit_of_work() as store:
        assert await store.users.find("messenger", CITIZEN) is None
    assert messenger.fake.calls == []


async def test_a_qr_code_link_opens_the_report_with_its_place(messenger: Messenger) -> None:
    async with messenger.services.database.unit_of_work() as store:
        link = await store.deep_links.create(
            "lighting", "thuan_hoa", "Cột đèn số 42, Lê Lợi", messenger.clock()
        )
    citizen = Person(CITIZEN, messenger)
    referral = {"ref": link.id, "source": "SHORTLINK", "type": "OPEN_THREAD"}
    opened = await citizen.says(citizen.event(referral=referral))
    assert any("Cột đèn số 42, Lê Lợi" in text for text in opened)
