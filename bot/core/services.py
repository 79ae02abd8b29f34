"""``Services``: everything a running HueBot holds, handed to channels and pages.

The runtime settings are a type parameter (``Services[bot.config.Runtime]`` in the
application), so this leaf needs nothing else of ``bot/``; the other parts are the
interfaces in ``bot.core.ports`` and the store itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.core.clock import Clock
from bot.core.ports import Inbox, MediaStore
from handlers import Parser, Places
from storage.db import Database

RuntimeT = TypeVar("RuntimeT")


@dataclass(frozen=True, slots=True)
class Services(Generic[RuntimeT]):
    """Everything a running HueBot holds."""

    runtime: RuntimeT
    database: Database
    media: MediaStore
    inbox: Inbox
    nlu: Parser
    clock: Clock
    places: Places | None = None
