"""The Messenger channel of a running HueBot: the intake, its workers, the outbox, health.

The webhook (``webhook.py``) hands each signed body's events to ``LiveMessenger.accept``,
which commits them to the one durable intake (``bot/channels/intake.py``) before Meta
gets its 200: keyed by the message's ``mid`` (else a digest of the event), ordered per
citizen (PSID) by Meta's timestamp. Workers then take them one chat at a time: the
event is read again from what was stored, photos fetched, ``Inbox.receive`` answers,
and the replies go out through the channel's pacer. A notification opt-in keeps its
token (``storage`` table ``messenger_optin``) for alerts outside the 24-hour window.

``MessengerSender`` is the delivery worker's sender: outbox rows (notices, alerts) take
the same client and pacer. A row the window forbids is recorded as not sendable: failed
for good with a reason starting "not sendable" (``huebot alert status`` counts them per
channel) and, for a notice about a report, an event in the report's history.

``Reachability`` answers the health check: is the Page token accepted by the Graph API
(``GET /me``), asked at most once per ``REACH_SECONDS``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.channels.messenger import RATE_PAUSE, MessengerChannel, NotSendable
from bot.channels.messenger.client import (
    MessengerClient,
    MessengerError,
    MessengerSettings,
    RateLimited,
    TokenExpired,
    Unavailable,
    Unreachable,
)
from bot.channels.messenger.parse import Kind, MessengerInput, Parsed, parse_event
from bot.channels.messenger.render import Purpose
from bot.channels.pacer import Priority
from bot.channels.running import Running
from bot.core import Services, utc_now
from bot.delivery.senders import Lane, Outcome, Result
from handlers import Channel as Messenger
from handlers import Reply, reply_from_dict
from storage.delivery import NOT_SENDABLE
from storage.delivery import Claimed as Row
from storage.handling import Change
from storage.intake import Arrival, Claimed

if TYPE_CHECKING:
    from bot.config import Runtime

log = logging.getLogger(__name__)

NAME = "messenger"
STOP_GRACE = 10.0
REACH_SECONDS = 60.0


def arrival(event: MessengerInput) -> Arrival:
    """An event as the intake keeps it: its key, its citizen, its time in milliseconds."""
    sent_at = event.sent_at or utc_now()
    position = int(sent_at.timestamp() * 1000)
    return Arrival(event.key, event.user_key, position, event.raw, kind=event.kind.value)


def purpose_of(kind: str) -> Purpose:
    """An outbox row's purpose: an alert, or a notice (about the person's own business)."""
    return Purpose.ALERT if kind == "alert" else Purpose.NOTICE


class Reachability:
    """Whether the Graph API accepts the Page token, checked now and then (cached)."""

    def __init__(self, client: MessengerClient, seconds: float = REACH_SECONDS) -> None:
        self._client, self.seconds = client, seconds
        self._checked = -float("inf")
        self.state: dict[str, Any] = {"configured": True, "reachable": None}

    async def check(self) -> dict[str, Any]:
        """The channel's state for the health check (asks Meta when the last answer aged)."""
        if time.monotonic() - self._checked < self.seconds:
            return self.state
        self._checked = time.monotonic()
        try:
            await self._client.me()
        except TokenExpired:
            self.state = {"configured": True, "reachable": False,
                          "error": "page token expired: set MESSENGER_PAGE_TOKEN"}  # fmt: skip
        except (MessengerError, Unavailable) as exc:
            self.state = {"configured": True, "reachable": False, "error": type(exc).__name__}
        else:
            self.state = {"configured": True, "reachable": True}
        return self.state


class LiveMessenger:
    """HueBot on a Facebook Page: events stored, processed in order, answered."""

    name = NAME

    def __init__(
        self, services: Services[Runtime], settings: MessengerSettings, *,
        clock: Callable[[], datetime] = utc_now, workers: int = 4, tick: float = 1.0,
    ) -> None:  # fmt: skip
        self.settings, self._services, self._clock = settings, services, clock
        self.client = MessengerClient(settings)
        self.running = running = Running(
            services, Messenger.MESSENGER, clock, workers=workers, tick=tick,
            account=settings.account,
        )  # fmt: skip
        self.queue, self.pacer, self.ready = running.queue, running.pacer, running.ready
        public = services.runtime.settings.server.public_url
        self.channel = MessengerChannel(
            settings, self.client, services.database, services.media, clock, public, self.pacer
        )
        self.reach = Reachability(self.client)

    async def accept(self, parsed: Parsed) -> None:
        """Commit a body's events to the intake (raises ``IntakeUnavailable``: 503)."""
        if parsed.events:
            await self.queue.store([arrival(event) for event in parsed.events])

    def sender(self) -> MessengerSender:
        """The delivery worker's sender (it shares the channel's client and pacer)."""
        return MessengerSender(self.channel, self._services, self._clock)

    async def start(self) -> None:
        """Begin processing stored events in the background."""
        self.running.spawn(self._serve())

    async def _serve(self) -> None:
        with contextlib.suppress(Exception):  # old rows wait for the next start
            await self.running.prune()
        self.running.start_workers(self._process)
        self.ready.set()

    async def stop(self) -> None:
        """Let the workers finish the event in hand, hand back the rest, close connections."""
        await self.running.stop(STOP_GRACE)
        await self.channel.stop()

    async def _process(self, batch: list[Claimed]) -> None:
        for item in batch:
            event = parse_event(item.payload)
            if event is not None:
                await self.handle(event)

    async def handle(self, event: MessengerInput) -> None:
        """One stored event: keep an opt-in, or answer a message (raises: try again)."""
        if event.kind is Kind.OPTIN and event.optin is not None:
            await self._keep_optin(event)
            return
        for message in await self.channel.parse(event):
            async with self._services.database.unit_of_work() as store:  # they wrote again
                await store.users.set_reachable(NAME, event.user_key, True)
            outcome = await self._services.inbox.receive(message)
            if not outcome.replies:  # a retry sends again what the first try recorded
                continue
            try:
                await self.channel.send(event.user_key, outcome.replies)
            except (NotSendable, Unreachable) as exc:
                log.info("messenger reply to %s not sent: %s", event.user_key, exc)

    async def _keep_optin(self, event: MessengerInput) -> None:
        """Keep the citizen's notification token (or forget it when they stopped)."""
        optin = event.optin
        assert optin is not None
        async with self._services.database.unit_of_work() as store:
            optins = store.messenger_optins
            if optin.stopped:
                await optins.stop(event.user_key)
            else:
                await optins.keep(
                    event.user_key, optin.token, optin.expires_at, optin.topic, self._clock()
                )
        log.info("messenger: notification opt-in %s", "stopped" if optin.stopped else "kept")


class MessengerSender:
    """Sends outbox rows to Messenger, as the 24-hour window and the opt-ins allow."""

    channel = NAME
    editable = False

    def __init__(
        self, channel: MessengerChannel, services: Services[Any], clock: Callable[[], datetime]
    ) -> None:
        self._channel, self._db, self._clock = channel, services.database, clock
        self.account = channel.settings.account

    async def deliver(self, item: Row, throttle: Lane) -> Result:
        """Send one row's messages in order, from ``item.parts_done`` on."""
        replies = [reply_from_dict(r) for r in item.payload.get("replies", [])]
        purpose = purpose_of(item.kind)
        try:
            bodies = await self._channel.prepare(item.user_key, replies, purpose)
        except NotSendable as exc:
            return await self._not_sendable(item, item.parts_done, str(exc))
        except Exception as exc:  # the store: try the row again later
            return Result(Outcome.RETRY, item.parts_done, f"messenger: {type(exc).__name__}")
        for index in range(item.parts_done, len(bodies)):
            result = await self._post(item, bodies[index], index, throttle)
            if result is not None:
                return result
        return Result(Outcome.SENT, len(bodies))

    async def _post(
        self, item: Row, body: dict[str, Any], index: int, lane: Lane
    ) -> Result | None:
        try:
            await self._channel.post(item.user_key, body, lane)
        except NotSendable as exc:
            return await self._not_sendable(item, index, str(exc))
        except RateLimited as exc:
            return Result(Outcome.RATE_LIMITED, index, f"messenger: {exc}", RATE_PAUSE)
        except Unreachable as exc:
            return Result(Outcome.BLOCKED, index, f"messenger: {exc}")
        except TokenExpired as exc:
            log.error("messenger: the Page token is expired; set MESSENGER_PAGE_TOKEN")
            return Result(Outcome.RETRY, index, f"messenger: page token expired ({exc.code})")
        except Unavailable as exc:
            return Result(Outcome.RETRY, index, f"messenger: {exc}")
        except MessengerError as exc:
            return Result(Outcome.FAILED, index, f"messenger: {exc}"[:500])
        return None

    async def _not_sendable(self, item: Row, index: int, why: str) -> Result:
        """Record the row as not sendable: failed for good, in the report's history too."""
        reason = f"{NOT_SENDABLE}: messenger {item.kind} {why}"
        log.info("outbox %s: %s", item.id, reason)
        report_id = item.payload.get("report_id")
        if isinstance(report_id, int):
            try:
                await self._history(report_id, item.user_id, reason)
            except Exception as exc:  # the row's own record still says why
                log.warning("outbox %s: history not written: %s", item.id, type(exc).__name__)
        return Result(Outcome.FAILED, index, reason)

    async def _history(self, report_id: int, user_id: int, reason: str) -> None:
        """A line in the report's history: this person was not told, and why."""
        async with self._db.unit_of_work() as store:
            report = await store.handling.by_id(report_id)
            if report is None:
                return
            note = f"{reason} (user #{user_id})"
            change = Change(NAME, report.status, "", self._clock(), note=note)
            await store.handling.note(report_id, change)

    async def post(
        self, user_key: str, text: str, ref: str | None, throttle: Lane | None
    ) -> str | None:
        """Show a broadcaster their alert's progress (at the start and the end: no edits)."""
        lane = throttle or self._channel.pacer.lane(Priority.ALERT)
        try:
            for body in await self._channel.prepare(user_key, [Reply(text)], Purpose.NOTICE):
                await self._channel.post(user_key, body, lane)
        except (NotSendable, MessengerError, Unavailable) as exc:
            log.info("messenger progress to %s not sent: %s", user_key, type(exc).__name__)
            return None
        return "posted"

    async def close(self) -> None:
        """Nothing to release: the channel owns the session."""
