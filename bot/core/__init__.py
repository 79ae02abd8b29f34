"""Leaf pieces every part of the shell may import; they import nothing else of ``bot/``.

``Services`` (what a running HueBot holds), the clock, the inbox and media store
interfaces, the bounded request-body reader the webhooks share, and the waits every
stop can end (``waiting``: an event with a timeout, tasks ended in bounded time).
"""

from bot.core.clock import Clock, utc_now
from bot.core.ports import Inbox, MediaStore, Outcome, Prepare
from bot.core.services import Services

__all__ = ["Clock", "Inbox", "MediaStore", "Outcome", "Prepare", "Services", "utc_now"]
