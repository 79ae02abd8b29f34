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
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="vi")
    role: Mapped[str] = mapped_column(String(20), default="citizen")
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
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(When, index=True)
    deadline_at: Mapped[datetime] = mapped_column(When)
    resolved_at: Mapped[datetime | None] = mapped_column(When)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))


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
    __table_args__ = (Index("ix_outbox_status_priority_id", "status", "priority", "id"),)

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


class TelegramUpdate(Base):
    """A Telegram update as received; the webhook answers once this row is committed.

    Rows are processed in ``update_id`` order, one chat at a time, and then kept as
    ``done`` (payload emptied) for a while, so a re-delivered update is ignored.
    """

    __tablename__ = "telegram_update"
    __table_args__ = (
        Index("ix_telegram_update_bot_id_status_update_id", "bot_id", "status", "update_id"),
        Index("ix_telegram_update_bot_id_chat_key", "bot_id", "chat_key"),
    )

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_key: Mapped[str | None] = mapped_column(String(40))
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(When)
    locked_until: Mapped[datetime | None] = mapped_column(When)
    done_at: Mapped[datetime | None] = mapped_column(When)


class TelegramButton(Base):
    """An inline button's callback data: a short random token standing for a payload."""

    __tablename__ = "telegram_button"

    token: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_key: Mapped[str] = mapped_column(String(100))
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
