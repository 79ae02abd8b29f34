"""What the extraction rules need of a gazetteer (keeps the modules acyclic)."""

from __future__ import annotations

from typing import Protocol

from nlu.lexicon import Lexicon
from places.geo import LatLon
from places.model import Landmark, Street, Ward


class GazetteerLike(Protocol):
    """The indexed records and look-ups :mod:`places.extract` uses."""

    wards: dict[str, Ward]
    streets: dict[str, Street]
    landmarks: dict[str, Landmark]
    street_lexicon: Lexicon
    loose_street_lexicon: Lexicon
    landmark_lexicon: Lexicon

    def ward_at(self, point: LatLon) -> Ward | None:
        """The ward holding ``point``, or None."""
        ...
