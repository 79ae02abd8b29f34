"""The gazetteer the handlers see: always the current files, reloaded when they change."""

from __future__ import annotations

from collections.abc import Iterable

from places import GazetteerSource, Place, PlacesPaths


class LivePlaces:
    """``handlers.Places`` over a ``GazetteerSource`` (edits apply without a restart)."""

    def __init__(self, paths: PlacesPaths, check_seconds: float) -> None:
        """Load the gazetteer's files now (``PlacesDataError`` when they do not load)."""
        self.source = GazetteerSource(paths, check_seconds)

    def find(self, text: str) -> Place | None:
        """The place a message gives, or None."""
        return self.source.current().find(text)

    def at(self, lat: float, lon: float) -> Place | None:
        """Ward and description of a position; None outside the city."""
        return self.source.current().at(lat, lon)

    def ward_names(
        self, codenames: Iterable[str] | None = None, lang: str = "vi"
    ) -> dict[str, str]:
        """Display names of wards."""
        return self.source.current().ward_names(codenames, lang)
