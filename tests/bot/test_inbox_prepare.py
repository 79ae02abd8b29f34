"""A channel's ``Prepare`` runs inside the update's own transaction, on both stores.

Rendering the replies and issuing their button tokens there spares each update a
transaction of its own, and keeps the guarantee: if preparing fails, nothing of the
update was kept, so the platform's retry handles it anew.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from bot.app import Services
from bot.inbound import StoreUnavailable
from handlers import Channel, IncomingMessage, Reply
from storage.store import Store
from tests.support.clock import FakeClock


def message(clock: FakeClock, update_id: str, text: str = "/help") -> IncomingMessage:
    return IncomingMessage(channel=Channel.TELEGRAM, user_key="777", update_id=update_id,
                           received_at=clock(), text=None, command=text.lstrip("/"))  # fmt: skip


class Recorder:
    """A Prepare that issues a token per reply; raises while ``fail`` is set."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock, self.fail = clock, False
        self.seen: list[Any] = []

    async def __call__(self, store: Store, replies: list[Reply], language: str) -> list[str]:
        self.seen.append((len(replies), language))
        tokens = [uuid.uuid4().hex[:16] for _ in replies]
        for token in tokens:
            await store.buttons.add("telegram", "777", token, "help", self.clock())
        if self.fail:
            raise RuntimeError("render failed")
        return tokens


async def token_payloads(services: Services, tokens: list[str]) -> list[str | None]:
    async with services.database.unit_of_work() as store:
        return [await store.buttons.payload("telegram", "777", t) for t in tokens]


async def test_what_prepare_issues_is_kept_with_the_update(services: Services, clock: FakeClock):
    prepare = Recorder(clock)
    outcome = await services.inbox.receive(message(clock, "u1"), prepare)
    assert outcome.replies and not outcome.duplicate
    assert prepare.seen == [(len(outcome.replies), "vi")]
    assert await token_payloads(services, outcome.prepared) == ["help"] * len(outcome.replies)


async def test_a_failed_prepare_keeps_nothing_and_the_retry_handles_it_anew(
    services: Services, clock: FakeClock
):
    prepare = Recorder(clock)
    prepare.fail = True
    with pytest.raises(StoreUnavailable):
        await services.inbox.receive(message(clock, "u2"), prepare)
    async with services.database.unit_of_work() as store:
        assert await store.users.find("telegram", "777") is None
        assert await store.updates.replies_of("telegram", "u2") == []
    prepare.fail = False
    outcome = await services.inbox.receive(message(clock, "u2"), prepare)
    assert not outcome.duplicate and outcome.replies


async def test_a_replay_prepares_the_recorded_replies_again(services: Services, clock: FakeClock):
    prepare = Recorder(clock)
    first = await services.inbox.receive(message(clock, "u3"), prepare)
    again = await services.inbox.receive(message(clock, "u3"), prepare)
    assert again.duplicate
    assert [r.text for r in again.replies] == [r.text for r in first.replies]
    assert prepare.seen == [(len(first.replies), "vi")] * 2
    assert await token_payloads(services, again.prepared) == ["help"] * len(first.replies)
