"""The Bot API's command menus (setMyCommands, deleteMyCommands, getMyCommands), strictly.

Menus are kept per (scope, language_code) as Telegram keeps them, and ``menu_for`` shows
what a chat's client would show, resolved in Telegram's documented order: the chat's
scope with the user's language, then without; then the default scope with the language,
then without. The checks Telegram makes are made here too: command names of 1-32
characters of a-z, 0-9 and _, descriptions of 1-256 characters, at most 100 commands, a
known scope type, a language code of two letters, and a chat scope only for a chat the
bot can reach (``reachable_chats``; others get "chat not found").
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators",
          "chat", "chat_administrators", "chat_member")  # fmt: skip
NAME = re.compile(r"[a-z0-9_]{1,32}")

MenuKey = tuple[str, int | None, str]  # scope type, chat id, language code ("" for none)


class CommandMenus:
    """Mixed into ``FakeTelegram``: its menus, and what tests read of them."""

    menus: dict[MenuKey, list[dict[str, str]]]
    reachable_chats: set[int] | None  # None: every chat

    def init_menus(self) -> None:
        """Start with no menus and every chat reachable."""
        self.menus = {}
        self.reachable_chats = None

    def menu_for(self, chat_id: int, language: str = "") -> list[str]:
        """The command names a user of ``language`` sees in the chat ``chat_id``."""
        for key in (("chat", chat_id, language), ("chat", chat_id, ""),
                    ("default", None, language), ("default", None, "")):  # fmt: skip
            if key in self.menus:
                return [command["command"] for command in self.menus[key]]
        return []

    def chat_menus(self) -> dict[MenuKey, list[str]]:
        """Every chat-scoped menu now set, as command names."""
        return {key: [c["command"] for c in menu] for key, menu in self.menus.items()
                if key[0] == "chat"}  # fmt: skip

    async def _do_set_my_commands(self, params: dict[str, Any], files: Any) -> Any:
        key = self._menu_key(params)
        if isinstance(key, web.Response):
            return key
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            return _bad("commands must be a list of at most 100")
        for command in commands:
            if not NAME.fullmatch(str(command.get("command", ""))):
                return _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                return _bad("command description must be 1-256 characters")
        self.menus[key] = [dict(c) for c in commands]
        return True

    async def _do_delete_my_commands(self, params: dict[str, Any], files: Any) -> Any:
        key = self._menu_key(params)
        if isinstance(key, web.Response):
            return key
        self.menus.pop(key, None)
        return True

    async def _do_get_my_commands(self, params: dict[str, Any], files: Any) -> Any:
        key = self._menu_key(params)
        return key if isinstance(key, web.Response) else self.menus.get(key, [])

    def _menu_key(self, params: dict[str, Any]) -> MenuKey | web.Response:
        scope = params.get("scope") or {"type": "default"}
        language = str(params.get("language_code") or "")
        if scope.get("type") not in SCOPES:
            return _bad("unsupported scope type")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            return _bad("invalid language code")
        chat_id = None
        if scope["type"].startswith("chat"):
            chat_id = int(scope["chat_id"])
            if self.reachable_chats is not None and chat_id not in self.reachable_chats:
                return _bad("chat not found")
        return (str(scope["type"]), chat_id, language)


def _bad(description: str) -> web.Response:
    body = {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}
    return web.json_response(body, status=400)
