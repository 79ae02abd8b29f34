"""A Telegram user for tests: builds the updates their client would make.

Updates have the Bot API's shape (as in tests/fixtures/telegram/). Files they send
are put on the fake server, so HueBot's getFile and download reach them.
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.support.fake_telegram import BOT_ID, USERNAME, FakeTelegram

_update_ids = itertools.count(700_000_001)
DATE = 1_764_000_000


def next_update_id() -> int:
    """A fresh update id (increasing, as Telegram's are)."""
    return next(_update_ids)


class Citizen:
    """One person chatting with the bot in a private chat (and maybe a group)."""

    def __init__(self, fake: FakeTelegram, user_id: int = 4_242_001, language: str = "vi") -> None:
        self.fake, self.id = fake, user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": "Lan",
                     "language_code": language}  # fmt: skip
        self.chat = {"id": user_id, "type": "private", "first_name": "Lan"}
        self._message_ids = itertools.count(1)
        self._files = itertools.count(1)

    def message(self, chat: dict[str, Any] | None = None, **content: Any) -> dict[str, Any]:
        """A new message update."""
        body = {"message_id": next(self._message_ids), "date": DATE, "from": self.user,
                "chat": chat or self.chat, **content}  # fmt: skip
        return {"update_id": next_update_id(), "message": body}

    def text(self, text: str, **extra: Any) -> dict[str, Any]:
        """A text (or a command)."""
        return self.message(text=text, **extra)

    def location(self, latitude: float, longitude: float) -> dict[str, Any]:
        """A shared location."""
        return self.message(location={"latitude": latitude, "longitude": longitude})

    def venue(self, latitude: float, longitude: float, title: str) -> dict[str, Any]:
        """A venue (a place picked from the map); clients send its location too."""
        point = {"latitude": latitude, "longitude": longitude}
        venue = {"location": point, "title": title, "address": "Huế"}
        return self.message(location=point, venue=venue)

    def photo(self, data: bytes, caption: str | None = None, album: str | None = None):
        """A compressed photo: sizes from a thumbnail up to the file itself."""
        file_id = self._file(data)
        sizes = [
            {"file_id": f"{file_id}-s", "file_unique_id": "s", "width": 90, "height": 67,
             "file_size": 900},
            {"file_id": file_id, "file_unique_id": file_id, "width": 320, "height": 240,
             "file_size": len(data)},
        ]  # fmt: skip
        extra: dict[str, Any] = {"photo": sizes}
        if caption:
            extra["caption"] = caption
        if album:
            extra["media_group_id"] = album
        return self.message(**extra)

    def document(self, data: bytes, name: str, mime: str, size: int | None = None):
        """A file sent as a document (EXIF kept)."""
        file_id = self._file(data)
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": name,
            "mime_type": mime,
            "file_size": len(data) if size is None else size,
        }
        return self.message(document=document)

    def contact(self, phone: str, own: bool = True) -> dict[str, Any]:
        """A contact card: their own number, or someone else's."""
        card = {"phone_number": phone, "first_name": "Lan" if own else "Bình",
                "user_id": self.id if own else self.id + 1}  # fmt: skip
        return self.message(contact=card)

    def edit(self, update: dict[str, Any], text: str) -> dict[str, Any]:
        """An edit of an earlier message."""
        body = {**update["message"], "text": text, "edit_date": DATE + 60}
        return {"update_id": next_update_id(), "edited_message": body}

    def press(self, label: str) -> dict[str, Any]:
        """Press the button whose label contains ``label`` on the newest message with it."""
        for (chat_id, _), message in sorted(self.fake.messages.items(), reverse=True):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in (b for row in rows for b in row):
                if chat_id == self.chat["id"] and label in button["text"]:
                    return self.press_data(button["callback_data"], message)
        raise AssertionError(f"no live button {label!r} in chat {self.chat['id']}")

    def press_data(self, data: str, message: dict[str, Any]) -> dict[str, Any]:
        """A callback query with any data (a forged or stale one too)."""
        query = {"id": f"q{next_update_id()}", "from": self.user, "message": message,
                 "chat_instance": "42", "data": data}  # fmt: skip
        return {"update_id": next_update_id(), "callback_query": query}

    def member_status(self, status: str) -> dict[str, Any]:
        """my_chat_member: "kicked" when they block the bot, "member" when they unblock."""
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "HueBot", "username": USERNAME}
        change = {
            "chat": self.chat,
            "from": self.user,
            "date": DATE,
            "old_chat_member": {"user": bot, "status": "member"},
            "new_chat_member": {"user": bot, "status": status, "until_date": 0},
        }
        return {"update_id": next_update_id(), "my_chat_member": change}

    def _file(self, data: bytes) -> str:
        file_id = f"F{self.id}x{next(self._files)}"
        self.fake.files[file_id] = data
        return file_id
