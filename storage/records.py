"""What the repositories take and return: plain frozen records, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Where a report stands (codes are fixed: other systems read them)."""

    RECEIVED = "received"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    NEED_INFO = "need_info"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    TRANSFERRED = "transferred"
    REOPENED = "reopened"
    CLOSED = "closed"


OPEN_STATUSES = frozenset(
    {Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.NEED_INFO, Status.REOPENED}
)


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user on one channel."""

    id: int
    channel: str
    external_id: str
    language: str
    role: str
    unit_code: str | None
    reachable: bool
    name: str | None = None
    phone: str | None = None
    last_seen_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    """A user's open dialog."""

    flow: str
    state: str
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PhotoRecord:
    """A photo attached (or waiting to be attached) to a report."""

    id: int
    sha256: str
    content_type: str
    size: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class NewReport:
    """Everything needed to file a report."""

    user_id: int
    channel: str
    text: str
    category: str
    unit_code: str
    created_at: datetime
    deadline_at: datetime
    ward: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    photo_ids: tuple[int, ...] = ()
    place: str | None = None
    street: str | None = None
    urgent: bool = False
    confidential: bool = False
    people: int | None = None
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One line of a report's audit trail."""

    at: datetime
    actor: str
    old_status: str | None
    new_status: str | None
    note: str | None
    actor_name: str | None = None  # the acting user's name (staff views only)


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """A filed report."""

    id: int
    code: str
    user_id: int
    channel: str
    text: str
    category: str
    unit_code: str
    status: str
    created_at: datetime
    deadline_at: datetime
    ward: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    place: str | None = None
    street: str | None = None
    resolved_at: datetime | None = None
    rating: int | None = None
    rating_comment: str | None = None
    satisfied: bool | None = None
    reopen_count: int = 0
    priority: int = 0
    disputed: bool = False
    public_id: str | None = None
    approved_at: datetime | None = None
    urgent: bool = False
    confidential: bool = False
    people: int | None = None
    needs: tuple[str, ...] = ()
    acknowledged_at: datetime | None = None
    photos: tuple[PhotoRecord, ...] = field(default=())
    events: tuple[EventRecord, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """Which reports an operator wants to see."""

    status: str | None = None
    category: str | None = None
    unit_code: str | None = None
    ward: str | None = None
    limit: int = 50
