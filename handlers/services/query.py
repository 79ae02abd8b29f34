"""What a citizen asks for: which type, where (a ward or a landmark), and open now or not.

The NLU's ``service_type`` and ``ward`` entities come first; a few words it may not
know ("cash", "xe cứu thương") are caught here, with or without diacritics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handlers.core.city import City
from handlers.services.landmarks import Landmark, find_landmark
from nlu import fold

# Folded words per type, checked when the NLU found no service_type.
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("atm", ("atm", "cash", "cashpoint", "rut tien", "money", "withdraw")),
    ("pharmacy", ("nha thuoc", "hieu thuoc", "tiem thuoc", "quay thuoc", "pharmacy",
                  "pharmacies", "drugstore", "chemist", "medicine")),
    ("hospital", ("benh vien", "phong kham", "tram y te", "hospital", "clinic", "doctor",
                  "health", "medical", "cuu thuong", "xe cap cuu", "ambulance")),
    ("fire_station", ("cuu hoa", "chua chay", "pccc", "fire")),
    ("police", ("cong an", "canh sat", "police")),
    ("shelter", ("so tan", "tru bao", "tranh bao", "tranh lu", "tru an", "shelter",
                 "evacuat")),
    ("gas_station", ("xang", "petrol", "gas station", "fuel", "gasoline")),
    ("hotline", ("duong day nong", "hotline", "tong dai", "so khan cap", "emergency number")),
)  # fmt: skip
LOOKUP_CUES = (
    "o dau",
    "cho nao",
    "gan",
    "so",
    "goi",
    "tim",
    "where",
    "near",
    "nearest",
    "number",
    "call",
    "find",
)
# "gọi xe cứu thương", "call the police": a short plea for help is always a look-up.
EMERGENCY_CALL_RE = re.compile(
    r"(?<!\w)(goi|call|so|number)(?!\w).*(?<!\w)(cuu thuong|xe cap cuu|cap cuu|ambulance"
    r"|cuu hoa|chua chay|fire|cong an|canh sat|police)(?!\w)"
)
EMERGENCY_CALL_WORDS = 6
OPEN_NOW_WORDS = (
    "mo cua",
    "con mo",
    "dang mo",
    "bay gio",
    "luc nay",
    "ban dem",
    "dem nay",
    "24h",
    "24/7",
    "open",
)


@dataclass(frozen=True, slots=True)
class ServiceQuery:
    """A look-up: the type (None: not said), a ward codename, a landmark, open-now only."""

    kind: str | None = None
    ward: str | None = None
    landmark: Landmark | None = None
    open_now: bool = False

    @property
    def has_place(self) -> bool:
        """True when the question says where."""
        return self.ward is not None or self.landmark is not None


def understand(text: str, parse: dict[str, Any], city: City) -> ServiceQuery:
    """Read a look-up from a message and its NLU parse.

    Args:
        text: The message.
        parse: The Rasa-shaped parse of ``text``.
        city: The city, to keep only wards it has.

    Returns:
        What was asked; a landmark wins over a ward (the "Đông Ba" of "chợ Đông Ba").
    """
    folded = fold(text)
    landmark = find_landmark(text)
    wards = [w for w in _entities(parse, "ward") if city.ward(w) is not None]
    kinds = _entities(parse, "service_type")
    return ServiceQuery(
        kind=kinds[0] if kinds else kind_in(folded),
        ward=None if landmark is not None or not wards else wards[0],
        landmark=landmark,
        open_now=any(_has_word(folded, word) for word in OPEN_NOW_WORDS),
    )


def kind_in(folded: str) -> str | None:
    """The type a folded text names by one of the words above, if any."""
    for kind, words in KIND_WORDS:
        if any(_has_word(folded, word) for word in words):
            return kind
    return None


def names_a_service(text: str) -> bool:
    """True when ``text`` names a type and asks where or for a number ("gọi xe cứu thương")."""
    folded = fold(text)
    cued = any(re.search(rf"(?<!\w){cue}(?!\w)", folded) for cue in LOOKUP_CUES)
    return cued and kind_in(folded) is not None


def calls_for_help(text: str) -> bool:
    """True for a short plea such as "gọi xe cứu thương" or "call the police"."""
    folded = fold(text)
    short = len(folded.split()) <= EMERGENCY_CALL_WORDS
    return short and EMERGENCY_CALL_RE.search(folded) is not None


def _has_word(folded: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}", folded) is not None


def _entities(parse: dict[str, Any], name: str) -> list[str]:
    return [str(e["value"]) for e in parse.get("entities", []) if e.get("entity") == name]
