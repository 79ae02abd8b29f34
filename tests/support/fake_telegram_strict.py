"""The fake Bot API's opt-in strict mode: Telegram's limit, exactly as the benchmark's fake.

``strict(...)`` makes the fake refuse (429, ``retry_after`` 1) any message (or edit) that
would break the limit by the moment it arrived (``bench.fake_bot_api.SlidingLimits``: N in
any sliding window, 1 a second per chat, 20 a minute per group); ``violations`` counts them.
"""

from __future__ import annotations

from typing import Any

from bench.fake_bot_api import SlidingLimits

# What the limit counts: messages sent, and edits of them as HueBot's pacer counts them
# (answerCallbackQuery sends no message: not counted, as bot/channels/telegram/sender.py says).
MESSAGES = {"sendMessage", "sendPhoto", "sendVenue", "editMessageText", "editMessageReplyMarkup"}
TOO_MANY = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1}}  # fmt: skip


class StrictMode:
    """Mixed into ``FakeTelegram``; off until ``strict`` is called."""

    limits: SlidingLimits | None = None

    def strict(self, per_second: int = 30, window: float = 1.0, per_chat_seconds: float = 1.0,
               per_group: int = 20, group_window: float = 60.0) -> SlidingLimits:  # fmt: skip
        """From now on, refuse (429) any message that breaks Telegram's limit."""
        self.limits = SlidingLimits(per_second, window, per_chat_seconds, per_group, group_window)
        return self.limits

    @property
    def violations(self) -> int:
        """Messages refused under ``strict`` (each one a 429 the real Telegram would send)."""
        return sum(self.limits.violations.values()) if self.limits else 0

    def _refused(self, method: str, params: dict[str, Any], arrived: float) -> bool:
        if self.limits is None or method not in MESSAGES:
            return False
        return not self.limits.allow(int(params["chat_id"]), arrived)
