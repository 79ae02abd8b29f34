"""Per-role command menus on Telegram: ``setMyCommands`` scoped to each role holder's chat.

The default scope keeps the citizen's menu (set at start by the channel). Every chat,
a person's or a group's, that holds a role (``huebot users grant``, an invite redeemed
with ``/join``) gets its role's menu (``handlers/role_commands.py``) in Vietnamese and in
English (``language_code``), and, for clients in any other language, in the chat's own
language; a chat whose role is revoked has those menus deleted, so the citizen's shows
again. ``user.menu_role`` records what each chat was last given, so ``sync`` catches up
with every change, whichever process made it and whether or not HueBot was running.
The channel runs ``sync`` at start and every ``interval`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden

from bot.channels.telegram.bot import Caller, Unavailable
from handlers import role_commands
from storage.db import Database
from storage.staff import MenuChange

log = logging.getLogger(__name__)

CHANNEL = "telegram"
CITIZEN = role_commands.CITIZEN
LANGUAGES: tuple[str | None, ...] = ("vi", "en", None)  # None: any other client language
RETRY_REFUSED_EVERY = 20  # syncs before a chat Telegram refused is tried again


class RoleMenus:
    """Keeps each role holder's Telegram command menu in step with the store."""

    def __init__(
        self, bot: Bot, database: Database, caller: Caller, interval: float = 30.0,
        batch: int = 50,
    ) -> None:  # fmt: skip
        self._bot, self._database, self._caller = bot, database, caller
        self._interval, self._batch = interval, batch
        self._refused: set[int] = set()  # user ids Telegram refused (chat not found, blocked)
        self._syncs = 0

    async def sync(self) -> int:
        """Give every chat whose role changed its new menu; returns how many were done."""
        self._syncs += 1
        if self._syncs % RETRY_REFUSED_EVERY == 0:
            self._refused.clear()
        async with self._database.unit_of_work() as store:
            changes = await store.staff.menus_to_sync(CHANNEL, self._batch, self._refused)
        done = 0
        for change in changes:
            if await self._apply(change):
                async with self._database.unit_of_work() as store:
                    await store.staff.menu_shown(change.user_id, change.role)
                done += 1
        return done

    async def run(self, stopping: asyncio.Event) -> None:
        """``sync`` now and every ``interval`` seconds until ``stopping`` is set."""
        while not stopping.is_set():
            try:
                await self.sync()
            except Exception:
                log.exception("telegram role menus: sync failed, retrying later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), self._interval)

    async def _apply(self, change: MenuChange) -> bool:
        """Set (or, for a citizen again, delete) the chat's menus; False if it must wait."""
        try:
            scope = BotCommandScopeChat(int(change.external_id))
            method = "deleteMyCommands" if change.role == CITIZEN else "setMyCommands"
            for language in LANGUAGES:
                await self._caller(method, None, self._call(change, scope, language))
        except (BadRequest, Forbidden, ValueError) as exc:
            log.warning("telegram role menu for user %d refused: %s", change.user_id, exc)
            self._refused.add(change.user_id)
            return False
        except Unavailable:
            return False
        return True

    def _call(
        self, change: MenuChange, scope: BotCommandScopeChat, language: str | None
    ) -> Callable[[], Awaitable[bool]]:
        """The Bot API call that gives the chat its menu for clients in ``language``."""
        bot = self._bot
        if change.role == CITIZEN:
            return lambda: bot.delete_my_commands(scope=scope, language_code=language)
        pairs = role_commands.menu(change.role, language or change.language)
        commands = [BotCommand(name, description) for name, description in pairs]
        return lambda: bot.set_my_commands(commands, scope=scope, language_code=language)
