"""What a handler gets: the store for this update, the city, the NLU, the time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from handlers.core.city import City
from handlers.core.i18n import format_time, say
from places.model import Place
from storage.records import UserRecord
from storage.store import Store


class Parser(Protocol):
    """Text to a Rasa-shaped parse (``nlu.Parser``)."""

    async def parse(self, text: str) -> dict[str, Any]:
        """Understand ``text``."""
        ...


class Places(Protocol):
    """The gazetteer (``places.Gazetteer``): place from text, ward and description of a point."""

    def find(self, text: str) -> Place | None:
        """The place a message gives, or None."""
        ...

    def at(self, lat: float, lon: float) -> Place | None:
        """Ward and description of a position; None outside the city."""
        ...

    def ward_names(
        self, codenames: Iterable[str] | None = None, lang: str = "vi"
    ) -> dict[str, str]:
        """Display names of wards ("phường Thuận Hóa")."""
        ...


@dataclass(frozen=True, slots=True)
class Limits:
    """Sizes the dialogs enforce."""

    max_text_chars: int = 4000
    max_photos_per_report: int = 6
    confident: float = 0.6
    margin: float = 0.2


@dataclass(frozen=True, slots=True)
class Context:
    """Dependencies of one update, passed explicitly to every step."""

    store: Store
    city: City
    nlu: Parser
    now: datetime
    limits: Limits = Limits()
    places: Places | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """One update from one known user: the context, who it is and, in a group, who acted."""

    ctx: Context
    user: UserRecord
    member: UserRecord | None = None

    @property
    def actor_id(self) -> int:
        """Who acted, for the history: the group member who pressed, else the user."""
        return self.member.id if self.member is not None else self.user.id

    @property
    def language(self) -> str:
        """The user's language."""
        return self.user.language

    def say(self, key: str, **values: object) -> str:
        """A text in the user's language."""
        return say(self.user.language, key, **values)

    def time(self, moment: datetime) -> str:
        """A date and time in the city's zone, in the user's language."""
        return format_time(moment, self.ctx.city.zone, self.user.language)
