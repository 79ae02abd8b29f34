"""python-telegram-bot, composed: the Application, retried calls, polling, command menus.

The Application is built with ``.updater(None)``: HueBot receives updates itself (its own
webhook route, or ``Poller``'s getUpdates loop, which advances the offset only past
stored updates, where PTB's Updater confirms what it merely fetched) and feeds each one
to ``Application.process_update``. ``Caller`` runs every PTB call: it waits out 429
``retry_after``, retries network errors with exponential backoff, and raises
``Unavailable`` when Telegram stays out of reach. ``BotCalls`` fetch the files an update
carries (what the channel sends, button answers included, goes through ``sender.py``);
``RoleMenus`` keeps each chat's command menu in step with its role. ``ApiError`` is the
lean client's (``sender.TelegramApi``) refusal, an answer not ``ok``. Logs carry method
names and chat ids, never message content.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, ApplicationBuilder
from telegram.warnings import PTBDeprecationWarning

from bot.channels.http import Backoff
from bot.channels.intake import ChannelIntake, IntakeUnavailable
from bot.channels.pipeline import accept_file
from bot.channels.telegram import TelegramSettings
from bot.channels.telegram.parse import UPDATE_TYPES, FileRef
from bot.core import MediaStore
from bot.core.waiting import wait_event
from handlers import PhotoProblem, PhotoRef, RejectedFile, role_commands
from storage.db import Database
from storage.staff import MenuChange

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
CITIZEN = role_commands.CITIZEN
LANGUAGES: tuple[str | None, ...] = ("vi", "en", None)  # None: any other client language
RETRY_REFUSED_EVERY = 20  # menu syncs before a chat Telegram refused is tried again


class Unavailable(Exception):
    """Telegram could not be reached, even after retries."""


class ApiError(Exception):
    """The Bot API answered ``ok: false``."""

    def __init__(self, status: int, description: str, retry_after: float = 0.0) -> None:
        super().__init__(f"{status} {description}")
        self.status, self.description, self.retry_after = status, description, retry_after


def api_error(status: int, answer: Any) -> ApiError:
    """The error of a Bot API answer that was not ``ok`` (``status``: its HTTP status)."""
    answer = answer if isinstance(answer, dict) else {}
    code = int(answer.get("error_code") or status)
    retry = float((answer.get("parameters") or {}).get("retry_after") or 0)
    return ApiError(code, str(answer.get("description") or status), retry)


def build_application(settings: TelegramSettings) -> Application:  # type: ignore[type-arg]
    """The PTB Application: HueBot's own update intake, so no Updater."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines hold the token
    return (
        ApplicationBuilder().token(settings.token).base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url).updater(None).connection_pool_size(16).build()
    )  # fmt: skip


def retry_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Caller:
    """Runs Bot API calls with Telegram's flood control and network retries."""

    def __init__(self, sleep: Sleep = asyncio.sleep, attempts: int = 5) -> None:
        self.sleep, self._attempts = sleep, attempts

    async def __call__(
        self, method: str, chat_id: int | None, call: Callable[[], Awaitable[T]]
    ) -> T:
        """Run ``call``; retry on 429 and network errors.

        Raises:
            Forbidden: The chat blocked the bot (never retried).
            BadRequest: Telegram refused the call (never retried).
            Unavailable: Still failing after all attempts.
        """
        backoff = Backoff()
        for attempt in range(1, self._attempts + 1):
            try:
                return await call()
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                log.warning("telegram %s chat=%s: flood control, waiting %ss",
                            method, chat_id, wait)  # fmt: skip
                await self.sleep(wait)
            except (BadRequest, Forbidden):
                raise
            except NetworkError as exc:
                error = type(exc).__name__
                log.warning("telegram %s chat=%s: %s (attempt %d/%d)",
                            method, chat_id, error, attempt, self._attempts)  # fmt: skip
                if attempt < self._attempts:
                    await self.sleep(backoff.next())
        raise Unavailable(method)

    async def forever(self, method: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run a start-up call until it succeeds; network trouble never ends the process.

        Raises:
            TelegramError: Telegram refused for good (a rejected token, a bad webhook URL).
        """
        backoff = Backoff()
        while True:
            try:
                return await self(method, None, call)
            except Unavailable:
                await self.sleep(backoff.next())


class BotCalls:
    """What the channel asks of the Bot API while handling an update: its files."""

    def __init__(self, bot: Bot, caller: Caller, media: MediaStore, max_bytes: int) -> None:
        self._bot, self._call, self._media = bot, caller, media
        self._limit = min(max_bytes, media.max_bytes)

    async def fetch(self, files: tuple[FileRef, ...]) -> tuple[PhotoRef | RejectedFile, ...]:
        """Download and check each file (largest photo size, or an image document)."""
        return tuple([
            await accept_file(self._media, ref.filename, ref.size, self._limit,
                              functools.partial(self._download, ref))
            for ref in files
        ])  # fmt: skip

    async def _download(self, ref: FileRef) -> bytes | PhotoProblem:
        try:
            file = await self._call("getFile", None, lambda: self._bot.get_file(ref.file_id))
            if file.file_size is not None and file.file_size > self._limit:
                return PhotoProblem.TOO_LARGE
            return bytes(await self._call("downloadFile", None, file.download_as_bytearray))
        except BadRequest as exc:
            log.info("telegram file not fetched: %s", exc.message)
            too_big = "too big" in exc.message.lower()
            return PhotoProblem.TOO_LARGE if too_big else PhotoProblem.CORRUPT


class Poller:
    """Fetches updates with getUpdates and stores them; the offset moves only past those."""

    def __init__(self, bot: Bot, queue: ChannelIntake, sleep: Sleep, timeout: int) -> None:
        self._bot, self._queue, self._sleep, self._timeout = bot, queue, sleep, timeout
        self._offset: int | None = None
        self._backoff = Backoff()

    async def run(self) -> None:
        """Poll until cancelled. A rejected token (InvalidToken) ends the loop."""
        while True:
            updates = await self._fetch()
            if updates and await self._keep(updates):
                self._offset = max(update.update_id for update in updates) + 1
                self._backoff.reset()

    async def _fetch(self) -> tuple[Update, ...]:
        try:
            return await self._bot.get_updates(
                offset=self._offset, timeout=self._timeout, allowed_updates=list(UPDATE_TYPES)
            )
        except RetryAfter as exc:
            await self._sleep(retry_seconds(exc))
        except (NetworkError, Conflict) as exc:  # Conflict: a webhook or another poller
            delay = self._backoff.next()
            log.warning("telegram getUpdates: %s; again in %ss", type(exc).__name__, delay)
            await self._sleep(delay)
        return ()

    async def _keep(self, updates: tuple[Update, ...]) -> bool:
        """Store the batch; if the store fails, the same batch is asked for again."""
        raws: list[dict[str, Any]] = [update.to_dict() for update in updates]
        try:
            await self._queue.store_raw(raws)
        except IntakeUnavailable:
            delay = self._backoff.next()
            log.warning("telegram: %d updates not stored; offset kept, again in %ss",
                        len(raws), delay)  # fmt: skip
            await self._sleep(delay)
            return False
        return True


class RoleMenus:
    """Each chat's command menu (``setMyCommands`` scoped to it) in step with its role.

    The default scope has the citizen's menu (``announce``, at start). Every chat, a
    person's or a group's, that holds a role (``huebot users grant``, an invite redeemed
    with ``/join``) gets its role's menu (``handlers/role_commands.py``) in Vietnamese, in
    English and, for clients in any other language, in the chat's own language; a chat
    whose role is revoked has those deleted, so the citizen's shows again.
    ``user.menu_role`` records what each chat was last given, so ``sync`` catches up
    with every change, whichever process made it; the channel runs it every ``interval``.
    """

    def __init__(
        self, bot: Bot, database: Database, caller: Caller, interval: float = 30.0,
        batch: int = 50,
    ) -> None:  # fmt: skip
        self._bot, self._database, self._caller = bot, database, caller
        self._interval, self._batch = interval, batch
        self._refused: set[int] = set()  # user ids Telegram refused (chat not found, blocked)
        self._syncs = 0

    async def announce(self) -> None:
        """The citizen's menu, in each language and by default in Vietnamese."""
        for language in LANGUAGES:
            pairs = role_commands.menu(CITIZEN, language or "vi")
            commands = [BotCommand(name, description) for name, description in pairs]
            call = functools.partial(self._bot.set_my_commands, commands, language_code=language)
            await self._caller.forever("setMyCommands", call)

    async def sync(self) -> int:
        """Give every chat whose role changed its new menu; returns how many were done."""
        self._syncs += 1
        if self._syncs % RETRY_REFUSED_EVERY == 0:
            self._refused.clear()
        async with self._database.unit_of_work() as store:
            changes = await store.staff.menus_to_sync("telegram", self._batch, self._refused)
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
            await wait_event(stopping, self._interval)

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
