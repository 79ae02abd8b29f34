"""What the report dialog has gathered so far; kept in the conversation's data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from handlers.core.model import GeoPoint


@dataclass(slots=True)
class Draft:
    """A report being written, across several messages."""

    text: str | None = None
    photo_ids: list[int] = field(default_factory=list)
    photo_gps: GeoPoint | None = None
    location: GeoPoint | None = None
    address: str | None = None
    ward: str | None = None
    category: str | None = None
    ranking: list[tuple[str, float]] = field(default_factory=list)
    photo_offered: bool = False
    exif_declined: bool = False
    duplicate_checked: bool = False
    offered: list[str] = field(default_factory=list)
    category_fixed: bool = False
    also_text: str | None = None
    also_category: str | None = None
    place_vi: str | None = None
    place_en: str | None = None
    street: str | None = None
    ward_options: list[str] = field(default_factory=list)
    typed_point: bool = False
    confidential: bool = False

    @property
    def has_place(self) -> bool:
        """A location, an address or a place understood from the text was given."""
        return self.location is not None or bool(self.address) or bool(self.place_vi)

    @property
    def shared_location(self) -> bool:
        """The point was shared (a pin or a photo's), not read from the text."""
        return self.location is not None and not self.typed_point

    def clear_place(self) -> None:
        """Forget the place, to ask for it again."""
        self.location, self.address, self.ward = None, None, None
        self.place_vi = self.place_en = self.street = None
        self.ward_options, self.typed_point = [], False

    def add_text(self, text: str) -> None:
        """Add to the description; a new description means classifying again.

        A category fixed in advance (a QR code on a lamp post) is kept.
        """
        self.text = f"{self.text}\n{text}" if self.text else text
        if not self.category_fixed:
            self.category = None
            self.ranking = []
            self.also_text = self.also_category = None

    def second_problem(self) -> Draft | None:
        """A new draft for the other problem this one's text named, at the same place."""
        if not self.also_text or not self.also_category:
            return None
        return Draft(
            text=self.also_text,
            location=self.location,
            address=self.address,
            ward=self.ward,
            place_vi=self.place_vi,
            place_en=self.place_en,
            street=self.street,
            typed_point=self.typed_point,
            category=self.also_category,
            category_fixed=True,
            photo_offered=True,
            confidential=self.confidential,
        )

    def to_data(self) -> dict[str, Any]:
        """A JSON-safe dict for the store."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        """Rebuild a draft from the store (unknown keys are ignored)."""
        names = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in names}
        for key in ("photo_gps", "location"):
            if values.get(key):
                values[key] = GeoPoint(**values[key])
        values["ranking"] = [tuple(pair) for pair in values.get("ranking", [])]
        return cls(**values)
