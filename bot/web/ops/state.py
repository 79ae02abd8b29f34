"""What every dashboard and Open311 handler shares: the services, and who is signed in."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from bot.config import OpsConfig
from bot.core import MediaStore
from handlers import City, Context, Limits, Parser, Places, Turn
from handlers.handling.ops_link import may_use_dashboard
from storage.db import Database
from storage.records import UserRecord
from storage.staff import SUPERVISING
from storage.store import Store

BROADCASTING = ("broadcaster", "admin")
LANG_COOKIE = "huebot_ops_lang"


@dataclass(frozen=True, slots=True)
class Ops:
    """The dashboard's dependencies."""

    database: Database
    city: City
    nlu: Parser
    limits: Limits
    media: MediaStore
    clock: Callable[[], datetime]
    config: OpsConfig
    public_url: str | None
    places: Places | None = None

    @asynccontextmanager
    async def turn(self, user_id: int, language: str) -> AsyncIterator[Turn]:
        """One unit of work as ``user_id``, as if they had pressed a button in chat.

        Raises:
            web.HTTPForbidden: The user is gone or no longer staff.
        """
        async with self.database.unit_of_work() as store:
            user = await store.users.get(user_id)
            if user is None or not may_sign_in(user):
                raise web.HTTPForbidden()
            yield Turn(self.context(store), dataclasses.replace(user, language=language))

    def context(self, store: Store) -> Context:
        """A handlers context on ``store`` at the current time."""
        return Context(store=store, city=self.city, nlu=self.nlu, now=self.clock(),
                       limits=self.limits, places=self.places)  # fmt: skip


OPS = web.AppKey("ops", Ops)
USER = web.RequestKey("ops_user", UserRecord)
SESSION = web.RequestKey("ops_session", str)
CSRF = web.RequestKey("ops_csrf", str)
LANGUAGE = web.RequestKey("ops_lang", str)
CITY = web.RequestKey("ops_city", City)


def may_sign_in(user: UserRecord) -> bool:
    """Supervisors, admins and broadcasters; officials with a unit."""
    return may_use_dashboard(user)


def report_units(user: UserRecord) -> tuple[str, ...] | None:
    """The units whose reports ``user`` sees: () for all, None for none."""
    if user.role in SUPERVISING:
        return ()
    if user.role == "official" and user.unit_code:
        return (user.unit_code,)
    return None


def may_see(user: UserRecord, unit_code: str) -> bool:
    """Whether ``user`` may see a report of ``unit_code``."""
    units = report_units(user)
    return units is not None and (not units or unit_code in units)


def user_of(request: web.Request) -> UserRecord:
    """The signed-in user (the guard has checked the session)."""
    return request[USER]


def language_of(request: web.Request) -> str:
    """The dashboard's language: Vietnamese unless the visitor chose English."""
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "vi"


def ops_of(request: web.Request) -> Ops:
    """The dashboard's dependencies."""
    return request.app[OPS]
