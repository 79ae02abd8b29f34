"""Who acts for the city: roles, units, invites."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models
from storage.records import UserRecord
from storage.repositories import Users
from storage.repositories import _user as user_record

ROLES = ("citizen", "official", "supervisor", "broadcaster", "admin")
SUPERVISING = ("supervisor", "admin")
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True, slots=True)
class MenuChange:
    """A chat whose command menu must become ``role``'s."""

    user_id: int
    external_id: str
    role: str
    language: str


class Staff:
    """Roles and invites; every query about who may do what reads from here."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def grant(
        self, channel: str, external_id: str, role: str, unit_code: str | None, now: datetime
    ) -> UserRecord:
        """Give a chat a role (creating the user if they never wrote)."""
        user = await Users(self._session).get_or_create(channel, external_id, now, seen=False)
        await self._session.execute(
            update(models.User)
            .where(models.User.id == user.id)
            .values(role=role, unit_code=unit_code)
        )
        found = await Users(self._session).get(user.id)
        assert found is not None
        return found

    async def revoke(self, channel: str, external_id: str) -> bool:
        """Make a chat a plain citizen again; False when there is no such user."""
        result = await self._session.execute(
            update(models.User)
            .where(models.User.channel == channel, models.User.external_id == external_id)
            .values(role="citizen", unit_code=None)
        )
        return bool(getattr(result, "rowcount", 0))

    async def members(self) -> Sequence[models.User]:
        """Everyone who is not a plain citizen, by unit then role."""
        rows = await self._session.scalars(
            select(models.User)
            .where(models.User.role != "citizen")
            .order_by(models.User.unit_code, models.User.role, models.User.id)
        )
        return list(rows)

    async def menus_to_sync(
        self, channel: str, limit: int = 50, skip: Collection[int] = ()
    ) -> Sequence[MenuChange]:
        """Chats on ``channel`` whose command menu is not their role's yet, staff first.

        A chat that was staff and is a citizen again needs its menu taken back
        (``MenuChange.role`` is ``citizen``); a citizen never given one needs nothing.
        Users in ``skip`` are left out.
        """
        user = models.User
        shown = func.coalesce(user.menu_role, "citizen")
        rows = await self._session.execute(
            select(user.id, user.external_id, user.role, user.language)
            .where(user.channel == channel, user.role != shown, user.id.not_in(skip))
            .order_by(user.role == "citizen", user.id)
            .limit(limit)
        )
        return [MenuChange(row.id, row.external_id, row.role, row.language) for row in rows]

    async def menu_shown(self, user_id: int, role: str) -> None:
        """Record that the chat's menu is now ``role``'s (``citizen``: the default menu)."""
        await self._session.execute(
            update(models.User)
            .where(models.User.id == user_id)
            .values(menu_role=None if role == "citizen" else role)
        )

    async def officials_of(self, unit_code: str) -> Sequence[UserRecord]:
        """The reachable officials (and registered group chats) of a unit."""
        return await self._users(
            models.User.unit_code == unit_code, models.User.role == "official"
        )

    async def supervisors(self) -> Sequence[UserRecord]:
        """The reachable supervisors and admins."""
        return await self._users(models.User.role.in_(SUPERVISING))

    async def _users(self, *conditions: object) -> Sequence[UserRecord]:
        rows = await self._session.scalars(
            select(models.User)
            .where(*conditions, models.User.reachable.is_(True))  # type: ignore[arg-type]
            .order_by(models.User.id)
        )
        return [user_record(row) for row in rows]

    async def create_invite(
        self, unit_code: str, role: str, now: datetime, ttl: timedelta = timedelta(hours=72)
    ) -> str:
        """A new one-time code; only its hash is kept."""
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))
        self._session.add(
            models.Invite(
                code_hash=_hash(code),
                unit_code=unit_code,
                role=role,
                created_at=now,
                expires_at=now + ttl,
            )
        )
        await self._session.flush()
        return code

    async def redeem_invite(
        self, code: str, user_id: int, now: datetime
    ) -> tuple[str, str] | None:
        """Use a code once: give the user its unit and role. None when unknown, used or expired."""
        normal = code.strip().upper().replace("-", "").replace(" ", "")
        result = await self._session.execute(
            update(models.Invite)
            .where(
                models.Invite.code_hash == _hash(normal),
                models.Invite.used_at.is_(None),
                models.Invite.expires_at > now,
            )
            .values(used_at=now, used_by=user_id)
            .returning(models.Invite.unit_code, models.Invite.role)
        )
        row = result.first()
        if row is None:
            return None
        await self._session.execute(
            update(models.User)
            .where(models.User.id == user_id)
            .values(role=row.role, unit_code=row.unit_code)
        )
        return str(row.unit_code), str(row.role)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
