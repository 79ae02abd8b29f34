"""The outbox's Messenger sender against the fake Graph API, on SQLite and PostgreSQL.

What Meta refuses becomes the worker's outcome: a rate limit pauses the channel, a person
who blocked the Page is blocked, an expired token is retried with a clear error, the
closed window is not sendable (failed for good); a row resumes after its sent parts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.channels.messenger.client import MessengerSettings
from bot.channels.messenger.live import LiveMessenger, MessengerSender
from bot.channels.pacer import Priority
from bot.core import Services
from bot.delivery.senders import Outcome
from storage.delivery import Claimed
from tests.support.clock import FakeClock
from tests.support.fake_messenger import (
    APP_SECRET,
    PAGE_TOKEN,
    VERIFY_TOKEN,
    FakeGraph,
    serve_fake,
)

PSID = "6543210987654321"


@dataclass
class Setup:
    fake: FakeGraph
    live: LiveMessenger
    sender: MessengerSender
    clock: FakeClock


@pytest.fixture
async def setup(
    services: Services[Any], clock: FakeClock, aiohttp_server: Any
) -> AsyncIterator[Setup]:
    fake = await serve_fake(aiohttp_server, clock)
    settings = MessengerSettings(
        PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, api_base_url=fake.base_url, notice_tag=None
    )
    live = LiveMessenger(services, settings, clock=clock)
    async with services.database.unit_of_work() as store:
        await store.users.get_or_create("messenger", PSID, clock())  # they just wrote
    fake.inbound(PSID)
    yield Setup(fake, live, live.sender(), clock)
    await live.stop()


def row(kind: str = "status", parts_done: int = 0, texts: tuple[str, ...] = ("A",)) -> Claimed:
    payload = {"replies": [{"text": text} for text in texts]}
    return Claimed(1, 1, "messenger", PSID, "vi", kind, 5, payload, 0, parts_done, None, None)


async def deliver(setup: Setup, item: Claimed) -> Any:
    return await setup.sender.deliver(item, setup.live.pacer.lane(Priority.ROUTINE))


async def test_inside_the_window_a_row_resumes_after_its_sent_parts(setup: Setup) -> None:
    result = await deliver(setup, row(parts_done=1, texts=("đã gửi", "tiếp theo")))
    assert (result.outcome, result.parts_done) == (Outcome.SENT, 2)
    assert setup.fake.texts(PSID) == ["tiếp theo"]
    assert setup.fake.sent(PSID)[0]["messaging_type"] == "UPDATE"


@pytest.mark.parametrize(
    ("code", "subcode", "outcome", "says"),
    [
        (613, None, Outcome.RATE_LIMITED, "613"),
        (551, 1545041, Outcome.BLOCKED, "551"),
        (190, 463, Outcome.RETRY, "page token expired"),
        (10, 2018278, Outcome.FAILED, "not sendable"),
        (100, None, Outcome.FAILED, "messenger 100"),
    ],
)
async def test_what_meta_refuses_is_the_workers_outcome(
    setup: Setup, code: int, subcode: int | None, outcome: Outcome, says: str
) -> None:
    setup.fake.fail(code, "refused", subcode)
    result = await deliver(setup, row())
    assert result.outcome is outcome and says in (result.error or "")
    assert result.retry_after == (60.0 if outcome is Outcome.RATE_LIMITED else 0.0)


async def test_outside_the_window_meta_is_not_even_asked(setup: Setup) -> None:
    setup.clock.advance(hours=25)
    result = await deliver(setup, row())
    assert result.outcome is Outcome.FAILED
    assert (result.error or "").startswith("not sendable: messenger status")
    assert setup.fake.calls == []
