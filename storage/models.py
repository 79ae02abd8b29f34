"""Tables. Changes here need an Alembic migration (storage/migrations/versions/)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets BIGINT identities.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


When = UTCDateTime()


class Base(DeclarativeBase):
    """Declarative base with the naming convention migrations rely on."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    """A unit from config.yml, mirrored so reports can reference it."""

    __tablename__ = "unit"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    """Anyone who talks to the bot, on one channel."""

    __tablename__ = "user"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_user_unit_code_role", "unit_code", "role"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    role: Mapped[str] = mapped_column(String(20), default="citizen")
    # The role whose command menu the messenger last set for this chat (None: the default).
    menu_role: Mapped[str | None] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("unit.code"))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(When)
    last_seen_at: Mapped[datetime] = mapped_column(When)


class Report(Base):
    """A citizen's report and where it stands."""

    __tablename__ = "report"
    __table_args__ = (
        Index("ix_report_status_deadline", "status", "deadline_at"),
        Index("ix_report_unit_code_status", "unit_code", "status"),
        Index("ix_report_ward_street", "ward", "street"),
        Index("ix_report_urgent_acknowledged", "urgent", "acknowledged_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    ward: Mapped[str | None] = mapped_column(String(40))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(Text)
    # The place as understood ("trước số 25 Lê Lợi, phường Thuận Hóa") and its street.
    place: Mapped[str | None] = mapped_column(Text)
    street: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(When, index=True)
    deadline_at: Mapped[datetime] = mapped_column(When)
    resolved_at: Mapped[datetime | None] = mapped_column(When)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))
    # Officials' handling (migration 0005).
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    rated_at: Mapped[datetime | None] = mapped_column(When)
    rating_asked_at: Mapped[datetime | None] = mapped_column(When)
    reopen_count: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reminded_at: Mapped[datetime | None] = mapped_column(When)
    escalated_at: Mapped[datetime | None] = mapped_column(When)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # Public display (migration 0008): an opaque id for public reads, and when an
    # operator approved the text and photos for showing unredacted.
    public_id: Mapped[str | None] = mapped_column(String(16), unique=True)
    approved_at: Mapped[datetime | None] = mapped_column(When)
    # Crisis (migration 0014): an SOS and what it said, its first acknowledgement by a
    # person, the last time its unit was told while nobody had it; a hidden identity.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    people: Mapped[int | None] = mapped_column(SmallInteger)
    needs: Mapped[str | None] = mapped_column(String(80))
    acknowledged_at: Mapped[datetime | None] = mapped_column(When)
    urgent_sent_at: Mapped[datetime | None] = mapped_column(When)
    urgent_escalated_at: Mapped[datetime | None] = mapped_column(When)


class ReportPhoto(Base):
    """A photo kept by the media store; attached to a report once it is filed."""

    __tablename__ = "report_photo"
    __table_args__ = (UniqueConstraint("report_id", "sha256"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(When)


class ReportEvent(Base):
    """The audit trail: every change to a report, who made it, when and why."""

    __tablename__ = "report_event"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(When)
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class ProcessedUpdate(Base):
    """Platform deliveries already handled, with the replies they produced."""

    __tablename__ = "processed_update"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    processed_at: Mapped[datetime] = mapped_column(When, index=True)
    replies: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Conversation(Base):
    """Where a user is in a dialog, and what the dialog has gathered so far."""

    __tablename__ = "conversation"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(When)


class Outbox(Base):
    """Messages to anyone but the sender of the current update; the worker sends them."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_priority_id", "status", "priority", "id"),
        # Delivery (migration 0004): the worker's claim, one alert per user, alert progress.
        Index("ix_outbox_channel_status_priority_id", "channel", "status", "priority", "id"),
        UniqueConstraint("alert_id", "user_id"),
        Index("ix_outbox_alert_id_status", "alert_id", "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    priority: Mapped[int] = mapped_column(SmallInteger, default=5)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(When)
    created_at: Mapped[datetime] = mapped_column(When)
    sent_at: Mapped[datetime | None] = mapped_column(When)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Delivery (migration 0004): see storage/delivery.py.
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime | None] = mapped_column(When)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(When)
    parts_done: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")


class ChannelUpdate(Base):
    """An update from any messenger as received; the webhook answers once this row is committed.

    ``update_key`` is the platform's own id of the delivery (Telegram ``"<bot>:<update_id>"``,
    Zalo's ``msg_id``): an update delivered twice is stored once. Rows of one ``chat_key``
    are processed one at a time in ``(position, id)`` order (``position`` is Telegram's
    update id, or the Zalo event's time in milliseconds); rows sharing a ``group_key`` (an
    album) are processed together. Finished rows are kept as ``done`` (payload emptied) for
    a while, so a re-delivery is recognised; given-up rows stay ``failed`` with their error.
    """

    __tablename__ = "channel_update"
    __table_args__ = (
        UniqueConstraint("channel", "update_key"),
        Index("ix_channel_update_channel_status_position", "channel", "status", "position"),
        Index("ix_channel_update_channel_chat_key_status", "channel", "chat_key", "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_key: Mapped[str] = mapped_column(String(100))
    chat_key: Mapped[str | None] = mapped_column(String(40))
    group_key: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(When)
    next_at: Mapped[datetime | None] = mapped_column(When)
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(When)
    done_at: Mapped[datetime | None] = mapped_column(When)
    last_error: Mapped[str | None] = mapped_column(String(300))


class Button(Base):
    """What a pressed button stands for, on any messenger: one payload per token.

    ``token`` is what the platform sends back when the button is pressed: a short
    random token (Telegram's callback data) or the SHA-256 of the button's text (Zalo,
    where a press comes back as the citizen's own message). A token only means
    something for the chat it was issued to.
    """

    __tablename__ = "button"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(When, index=True)


class DeepLink(Base):
    """What a deep link (QR code) opens: a report of a category, at a place."""

    __tablename__ = "deep_link"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    ward: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(When)


class Invite(Base):
    """A one-time code that makes whoever sends ``/join CODE`` an official of a unit."""

    __tablename__ = "invite"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(When)
    expires_at: Mapped[datetime] = mapped_column(When)
    used_at: Mapped[datetime | None] = mapped_column(When)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class ReportFollower(Base):
    """A citizen who follows someone else's report (a duplicate they chose to join)."""

    __tablename__ = "report_follower"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(When)


class SchedulerMark(Base):
    """Work the scheduler has done once (a unit's digest for a day), kept across restarts."""

    __tablename__ = "scheduler_mark"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(When)


class Service(Base):
    """A public service in the directory: a hospital, a pharmacy, a shelter, a hotline…

    ``code`` is the operator's own key (imports update by it); ``kind`` is the type
    (column ``type``); ``hours`` is the opening-hours text (handlers/services/opening_hours.py).
    Hotlines have no position. ``position`` keeps the order of the directory file.
    """

    __tablename__ = "service"
    __table_args__ = (
        Index("ix_service_type_active_latitude", "type", "active", "latitude", "longitude"),
        Index("ix_service_ward_type", "ward", "type"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column("type", String(40))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    ward: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(60))
    hours: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    notes_vi: Mapped[str | None] = mapped_column(Text)
    notes_en: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(When)


class ServiceHoliday(Base):
    """A public holiday and the hours services without a ``PH`` rule keep on it.

    ``day`` is an ISO date (YYYY-MM-DD), which sorts and compares the same on every store.
    """

    __tablename__ = "service_holiday"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    hours: Mapped[str] = mapped_column(String(100), default="off")


# --- alerts (migration 0004; storage/alerts.py) ------------------------------------------


class Alert(Base):
    """A disaster or health notice, modelled on CAP 1.2, and how its broadcast stands."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_category_status_sent_at", "category", "status", "sent_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    identifier: Mapped[str] = mapped_column(String(200), unique=True)
    sender: Mapped[str] = mapped_column(String(200))
    msg_type: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    references_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(5))
    headline: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    instruction: Mapped[str | None] = mapped_column(Text)
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The rendered outbox payload per language, once (migration 0010; storage/alert_texts.py).
    payloads: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    category: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str] = mapped_column(String(10))
    urgency: Mapped[str] = mapped_column(String(12))
    certainty: Mapped[str] = mapped_column(String(12))
    whole_city: Mapped[bool] = mapped_column(Boolean)
    wards: Mapped[list[Any]] = mapped_column(JSON, default=list)
    area_desc: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(When)
    expires_at: Mapped[datetime | None] = mapped_column(When)
    created_at: Mapped[datetime] = mapped_column(When)
    cancelled_at: Mapped[datetime | None] = mapped_column(When)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    progress_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    progress_ref: Mapped[str | None] = mapped_column(String(100))
    progress_at: Mapped[datetime | None] = mapped_column(When)
    finished_at: Mapped[datetime | None] = mapped_column(When)


class AlertSubscription(Base):
    """A citizen who asked for the alerts of a ward."""

    __tablename__ = "alert_subscription"
    __table_args__ = (UniqueConstraint("user_id", "ward"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    ward: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(When)


class AlertOptOut(Base):
    """A citizen who asked for no alerts beyond the wards they subscribed to."""

    __tablename__ = "alert_opt_out"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(When)


# --- operations dashboard and Open311 (migration 0007; storage/ops.py) --------------------


class OpsLogin(Base):
    """A one-time dashboard sign-in: a link token and a short code, both kept as hashes."""

    __tablename__ = "ops_login"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(When)
    expires_at: Mapped[datetime] = mapped_column(When)
    used_at: Mapped[datetime | None] = mapped_column(When)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OpsSession(Base):
    """A signed-in dashboard browser; the cookie holds the token, the store its hash."""

    __tablename__ = "ops_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(When)
    expires_at: Mapped[datetime] = mapped_column(When)
    ended_at: Mapped[datetime | None] = mapped_column(When)


class Open311Key(Base):
    """An API key of another city system filing reports through Open311 (hash only)."""

    __tablename__ = "open311_key"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(When)
    last_used_at: Mapped[datetime | None] = mapped_column(When)
    revoked_at: Mapped[datetime | None] = mapped_column(When)
    unit_code: Mapped[str | None] = mapped_column(String(40))  # a unit's key reads its own


# --- Zalo Official Account (migration 0006; storage/zalo.py) ------------------------------


class ZaloWindow(Base):
    """Zalo's free reply window of one citizen: their last message and what was sent since."""

    __tablename__ = "zalo_window"

    user_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_interaction_at: Mapped[datetime] = mapped_column(When)
    sent_since: Mapped[int] = mapped_column(Integer, default=0)


class ZaloToken(Base):
    """The Official Account's OAuth tokens, rotated in place (see bot/channels/zalo/client.py).

    ``seed_hash`` is the SHA-256 of the ZALO_REFRESH_TOKEN the row was seeded from: the same
    value in the environment again is not reused (Zalo refresh tokens work once).
    ``lease_owner``/``lease_until`` let one process at a time refresh.
    """

    __tablename__ = "zalo_token"

    app_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    access_token: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[datetime | None] = mapped_column(When)
    refresh_token: Mapped[str] = mapped_column(Text)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(When)
    seed_hash: Mapped[str] = mapped_column(String(64))
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(When)
    updated_at: Mapped[datetime] = mapped_column(When)


# --- Facebook Messenger (migration 0017; storage/messenger.py) ----------------------------


class MessengerOptin(Base):
    """A citizen's notification opt-in: the token that reaches them outside the window.

    Meta gives it with the ``optin`` event (``notification_messages_token``) and says
    when it expires; a citizen who stops the notifications loses the row.
    """

    __tablename__ = "messenger_optin"

    user_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(When)
    updated_at: Mapped[datetime] = mapped_column(When)


class WorkerHeartbeat(Base):
    """A running process that may hold leases: queued updates, outbox rows.

    Each process beats every few seconds; a holder whose beat has stopped (or that is
    gone from this very host) is dead, and its leases are taken back at once instead of
    waiting for them to run out.
    """

    __tablename__ = "worker_heartbeat"

    holder: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(When)
    seen_at: Mapped[datetime] = mapped_column(When)


class CrisisArea(Base):
    """Crisis mode switched on for a ward (or ``*``, the whole city), and when it ended."""

    __tablename__ = "crisis_area"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    area: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    # "operator", or "alert:<id>" when an Extreme alert switched it on.
    source: Mapped[str] = mapped_column(String(40))
    started_by: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(When)
    ended_by: Mapped[str | None] = mapped_column(String(40))
    ended_at: Mapped[datetime | None] = mapped_column(When, index=True)
