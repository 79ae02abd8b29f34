"""All repositories bound to one session: what a unit of work hands to the handlers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.alert_subscriptions import Subscriptions
from storage.alerts import Alerts
from storage.buttons import Buttons
from storage.conversations import Conversations
from storage.crisis import Crisis
from storage.delivery import DeliveryQueue
from storage.handling import Handling
from storage.intake import Intake
from storage.leases import Leases
from storage.messenger import MessengerOptins
from storage.ops import OpsAccess
from storage.ops_queue import OpsQueue
from storage.outbox import Outbox
from storage.reports import Reports
from storage.repositories import Units, Updates, Users
from storage.services import ServiceDirectory
from storage.staff import Staff
from storage.stats import Statistics
from storage.telegram import DeepLinks
from storage.zalo import ZaloTokens, ZaloWindows


@dataclass(frozen=True, slots=True)
class Store:
    """The repositories of one transaction."""

    users: Users
    conversations: Conversations
    updates: Updates
    units: Units
    outbox: Outbox
    reports: Reports
    staff: Staff
    stats: Statistics
    handling: Handling
    intake: Intake
    buttons: Buttons
    deep_links: DeepLinks
    services: ServiceDirectory
    alerts: Alerts
    subscriptions: Subscriptions
    delivery: DeliveryQueue
    ops: OpsAccess
    ops_queue: OpsQueue
    zalo_windows: ZaloWindows
    zalo_tokens: ZaloTokens
    messenger_optins: MessengerOptins
    leases: Leases
    crisis: Crisis

    @classmethod
    def bound(cls, session: AsyncSession) -> Store:
        """Repositories sharing ``session`` (and so its transaction)."""
        return cls(
            users=Users(session),
            conversations=Conversations(session),
            updates=Updates(session),
            units=Units(session),
            outbox=Outbox(session),
            reports=Reports(session),
            staff=Staff(session),
            stats=Statistics(session),
            handling=Handling(session),
            intake=Intake(session),
            buttons=Buttons(session),
            deep_links=DeepLinks(session),
            services=ServiceDirectory(session),
            alerts=Alerts(session),
            subscriptions=Subscriptions(session),
            delivery=DeliveryQueue(session),
            ops=OpsAccess(session),
            ops_queue=OpsQueue(session),
            leases=Leases(session),
            crisis=Crisis(session),
            zalo_windows=ZaloWindows(session),
            zalo_tokens=ZaloTokens(session),
            messenger_optins=MessengerOptins(session),
        )
