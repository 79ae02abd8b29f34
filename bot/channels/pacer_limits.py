"""A platform's sending limits (``bot.channels.pacer.Limits``), as the platform counts them."""

from __future__ import annotations

from dataclasses import dataclass

# Facebook Messenger's Send API allows 300 calls a second per Page for text, links and
# images (10 for audio or video, which HueBot never sends) and may limit "too many
# messages to a single thread" without a number. HueBot keeps 250 a second (headroom
# for the Page's other apps and clock drift) and one message a second per person (PSID),
# as for Telegram's chats. The daily quota (200 calls per engaged person a day) is far
# above a civic bot's use; hitting it is a rate-limit error that pauses the channel.
MESSENGER_PER_SECOND = 250
MESSENGER_PER_CHAT_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Limits:
    """A platform's sending limits, strictly: ``per_second`` in ANY sliding window.

    ``margin_seconds`` widens every window a little for clocks that tick unevenly (the
    window is counted from the end of each send, so network jitter needs no margin).
    ``groups``: chat ids starting with "-" are group chats (Telegram's convention).
    """

    per_second: int = 30
    per_chat_seconds: float = 1.0
    per_group_per_minute: int = 20
    window_seconds: float = 1.0
    group_window_seconds: float = 60.0
    margin_seconds: float = 0.005
    groups: bool = True

    def __post_init__(self) -> None:
        if self.per_second < 1 or self.per_group_per_minute < 1:
            raise ValueError("limits: at least one message per window")
        if min(self.window_seconds, self.group_window_seconds) <= 0:
            raise ValueError("limits: windows must be longer than zero")
        if self.per_chat_seconds < 0 or self.margin_seconds < 0:
            raise ValueError("limits: spacing and margin cannot be negative")

    @property
    def interval(self) -> float:
        """The even spacing of sends at the full rate."""
        return self.window_seconds / self.per_second

    @property
    def rate(self) -> float:
        """Messages a second at most."""
        return self.per_second / self.window_seconds

    def is_group(self, chat: str) -> bool:
        """True for a group chat (its own per-minute limit applies)."""
        return self.groups and chat.startswith("-")

    def share(self, processes: int) -> Limits:
        """One process's safe share when ``processes`` cannot coordinate."""
        n = max(1, processes)
        return Limits(
            per_second=max(1, self.per_second // n),
            per_chat_seconds=self.per_chat_seconds * n,
            per_group_per_minute=max(1, self.per_group_per_minute // n),
            window_seconds=self.window_seconds,
            group_window_seconds=self.group_window_seconds,
            margin_seconds=self.margin_seconds,
            groups=self.groups,
        )  # fmt: skip
