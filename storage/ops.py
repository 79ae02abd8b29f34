"""Dashboard sign-in links and codes, dashboard sessions, and Open311 API keys.

Every secret handed out (a link token, a sign-in code, a session cookie, an API key) is
random, shown once, and kept here only as its SHA-256: a copy of the store opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


@dataclass(frozen=True, slots=True)
class LoginSecrets:
    """What a new sign-in gives its user: a link token and a code to type instead."""

    token: str
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    """An Open311 API key as listed (never the key itself)."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    unit_code: str | None = None


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a secret is kept."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normal_code(code: str) -> str:
    """A typed sign-in code without spaces or dashes, upper case."""
    return code.strip().upper().replace("-", "").replace(" ", "")


class OpsAccess:
    """Sign-ins, sessions and API keys."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create_login(self, user_id: int, now: datetime, ttl: timedelta) -> LoginSecrets:
        """A one-time sign-in for ``user_id``, usable by link or by code until ``now + ttl``."""
        token = secrets.token_urlsafe(32)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        expires = now + ttl
        self._session.add(
            models.OpsLogin(
                token_hash=digest(token),
                code_hash=digest(code),
                user_id=user_id,
                created_at=now,
                expires_at=expires,
            )
        )
        await self._session.flush()
        return LoginSecrets(token, f"{code[:4]}-{code[4:]}", expires)

    async def redeem_login(self, token: str | None, code: str | None, now: datetime) -> int | None:
        """Use a sign-in once, by its token or its code; the user's id, or None."""
        login = models.OpsLogin
        if token:
            which = login.token_hash == digest(token)
        elif code:
            which = login.code_hash == digest(normal_code(code))
        else:
            return None
        result = await self._session.execute(
            update(login)
            .where(which, login.used_at.is_(None), login.expires_at > now)
            .values(used_at=now)
            .returning(login.user_id)
        )
        row = result.first()
        return int(row.user_id) if row is not None else None

    async def count_failure(self, now: datetime, limit: int) -> list[int]:
        """A failed sign-in counts against every live code; codes at ``limit`` are voided.

        A guess may hit anyone's code, so each live code bears every failure: after
        ``limit`` of them it can no longer be used (its user asks for a new one).

        Returns:
            The ids of the users whose codes were voided now.
        """
        login = models.OpsLogin
        live = (login.used_at.is_(None), login.expires_at > now)
        await self._session.execute(update(login).where(*live).values(failures=login.failures + 1))
        result = await self._session.execute(
            update(login)
            .where(*live, login.failures >= limit)
            .values(used_at=now)
            .returning(login.user_id)
        )
        return sorted({int(row.user_id) for row in result})

    async def open_session(self, user_id: int, now: datetime, ttl: timedelta) -> str:
        """A new session; returns the cookie value."""
        token = secrets.token_urlsafe(32)
        self._session.add(
            models.OpsSession(
                token_hash=digest(token), user_id=user_id, created_at=now, expires_at=now + ttl
            )
        )
        await self._session.flush()
        return token

    async def session_user(self, token: str, now: datetime) -> int | None:
        """The user of a live session (not ended, not expired), or None."""
        found = await self._session.scalar(
            select(models.OpsSession.user_id).where(
                models.OpsSession.token_hash == digest(token),
                models.OpsSession.ended_at.is_(None),
                models.OpsSession.expires_at > now,
            )
        )
        return int(found) if found is not None else None

    async def end_session(self, token: str, now: datetime) -> None:
        """Sign a browser out."""
        await self._session.execute(
            update(models.OpsSession)
            .where(models.OpsSession.token_hash == digest(token))
            .values(ended_at=now)
        )

    async def end_sessions_of(self, user_id: int, now: datetime) -> int:
        """Sign a user out everywhere; how many sessions were open."""
        result = await self._session.execute(
            update(models.OpsSession)
            .where(models.OpsSession.user_id == user_id, models.OpsSession.ended_at.is_(None))
            .values(ended_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def add_key(
        self, name: str, now: datetime, unit_code: str | None = None
    ) -> tuple[int, str]:
        """A new Open311 API key named ``name``; returns its id and the key (shown once).

        A key of a unit (``unit_code``) also reads that unit's reports in full.
        """
        key = secrets.token_urlsafe(24)
        row = models.Open311Key(
            name=name, key_hash=digest(key), created_at=now, unit_code=unit_code
        )
        self._session.add(row)
        await self._session.flush()
        return row.id, key

    async def keys(self) -> Sequence[ApiKeyRecord]:
        """Every API key, revoked ones too, oldest first."""
        rows = await self._session.scalars(
            select(models.Open311Key).order_by(models.Open311Key.id)
        )
        return [
            ApiKeyRecord(r.id, r.name, r.created_at, r.last_used_at, r.revoked_at, r.unit_code)
            for r in rows
        ]

    async def revoke_key(self, name_or_id: str, now: datetime) -> bool:
        """Revoke a key by name or id; False when no live key matched."""
        key = models.Open311Key
        which = key.name == name_or_id
        if name_or_id.isdigit():
            which = which | (key.id == int(name_or_id))
        result = await self._session.execute(
            update(key).where(which, key.revoked_at.is_(None)).values(revoked_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def key_name(self, api_key: str, now: datetime) -> str | None:
        """The name of a live key (and note its use), or None for an unknown or revoked key."""
        found = await self.key_of(api_key, now)
        return found.name if found is not None else None

    async def key_of(self, api_key: str, now: datetime) -> ApiKeyRecord | None:
        """A live key (and note its use), or None for an unknown or revoked key."""
        key = models.Open311Key
        result = await self._session.execute(
            update(key)
            .where(key.key_hash == digest(api_key), key.revoked_at.is_(None))
            .values(last_used_at=now)
            .returning(key.id, key.name, key.created_at, key.revoked_at, key.unit_code)
        )
        row = result.first()
        if row is None:
            return None
        return ApiKeyRecord(row.id, row.name, row.created_at, now, row.revoked_at, row.unit_code)
