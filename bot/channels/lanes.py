"""Updates leased to this process, waiting in memory: one lane per chat.

The intake hands the updates it stored and leased to its own workers through these
lanes instead of reading them back from the store. A chat's updates leave its lane in
order, and never two at a time: a worker that takes one makes the chat busy until it
says ``done``.
"""

from __future__ import annotations

from collections import deque

from storage.intake import Claimed


class Lanes:
    """Updates leased to this process, one lane per chat: in order, one worker per lane."""

    def __init__(self) -> None:
        self._lanes: dict[str, deque[Claimed]] = {}
        self._ready: deque[str] = deque()
        self._busy: set[str] = set()

    def chats(self) -> set[str]:
        """The chats this process holds updates of."""
        return set(self._lanes)

    def add(self, item: Claimed) -> None:
        """Queue a leased update behind the earlier ones of its chat."""
        key = item.chat_key or item.update_key
        if key not in self._lanes:
            self._lanes[key] = deque()
            self._ready.append(key)
        self._lanes[key].append(item)

    def take(self) -> Claimed | None:
        """The next update of a chat no worker is on (that chat is then busy)."""
        if not self._ready:
            return None
        key = self._ready.popleft()
        self._busy.add(key)
        return self._lanes[key].popleft()

    def done(self, item: Claimed) -> None:
        """The worker finished ``item``: its chat's next update may go."""
        key = item.chat_key or item.update_key
        self._busy.discard(key)
        if self._lanes.get(key):
            self._ready.append(key)
        else:
            self._lanes.pop(key, None)

    def drop(self, item: Claimed) -> list[Claimed]:
        """Give up the rest of ``item``'s chat (it failed: the store decides the order)."""
        key = item.chat_key or item.update_key
        self._busy.discard(key)
        return list(self._lanes.pop(key, ()))

    def drain(self) -> list[Claimed]:
        """Everything not yet taken (at stop)."""
        left = [item for key in self._ready for item in self._lanes.get(key, ())]
        self._ready.clear()
        return left
