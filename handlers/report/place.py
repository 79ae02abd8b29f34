"""Where the reported problem is: from the citizen's words, a shared pin or a photo's GPS.

The gazetteer (``ctx.places``) reads a place from text and names the ward and the
nearest street and landmark of a point. A place read from the text carries an
approximate point; a shared location or a photo's position refines it. A street
that runs through several wards leaves the ward to the citizen, with buttons of
just those wards.
"""

from __future__ import annotations

from handlers.core.context import Turn
from handlers.core.model import Choice, GeoPoint, Reply
from handlers.report.draft import Draft
from places.model import Place


def read_text_place(turn: Turn, draft: Draft, text: str) -> bool:
    """Take the place a message names into the draft.

    Args:
        turn: This update.
        draft: The report being written; changed in place.
        text: The citizen's words.

    Returns:
        True when the text gave a usable place.
    """
    gazetteer = turn.ctx.places
    place = gazetteer.find(text) if gazetteer is not None else None
    if place is None or not place.usable:
        return False
    draft.place_vi, draft.place_en = place.description_vi, place.description_en
    draft.street = place.street
    draft.ward = place.ward or (place.candidate_wards[0] if _one(place) else None)
    draft.ward_options = [] if draft.ward else list(place.candidate_wards)
    if place.point is not None and not draft.shared_location:
        draft.location = GeoPoint(*place.point)
        draft.typed_point = True
    return True


def _one(place: Place) -> bool:
    return len(place.candidate_wards) == 1


def take_point(turn: Turn, draft: Draft, point: GeoPoint) -> list[Reply]:
    """A shared or photo position: its ward by polygon, a description; refuse outside Huế.

    A place already typed keeps its description (the citizen's words are clearer
    than the nearest street) and takes the exact point; its ward comes from the
    polygon unless the text decided it.

    Returns:
        Notes for the citizen (outside the city: a request to check).
    """
    gazetteer = turn.ctx.places
    if gazetteer is None:
        draft.location, draft.address, draft.typed_point = point, None, False
        return []
    place = gazetteer.at(point.latitude, point.longitude)
    if place is None:
        return [Reply(turn.say("place.outside_city", city=turn.ctx.city.name.vi))]
    typed = bool(draft.place_vi) and not draft.shared_location
    draft.location, draft.typed_point = point, False
    if not typed:
        draft.address = None
        draft.place_vi, draft.place_en = place.description_vi, place.description_en
        draft.street = place.street
    if not typed or draft.ward is None:
        draft.ward = place.ward
    draft.ward_options = []
    return []


def ask_ward(turn: Turn, draft: Draft) -> Reply:
    """Which ward, with a button for each ward the street runs through."""
    gazetteer = turn.ctx.places
    names = gazetteer.ward_names(draft.ward_options, turn.language) if gazetteer else {}
    choices = tuple(Choice(name, f"report:ward:{code}") for code, name in names.items())
    choices += (Choice(turn.say("place.change"), "report:place"),)
    return Reply(turn.say("place.ask_ward", street=draft.street or ""), choices)


def choose_ward(turn: Turn, draft: Draft, codename: str) -> bool:
    """The citizen pressed a ward button; False when it was not one offered.

    The ward's name is added to the description ("đường Hùng Vương, phường An Cựu").
    """
    if codename not in draft.ward_options:
        return False
    draft.ward, draft.ward_options = codename, []
    gazetteer = turn.ctx.places
    if gazetteer is not None:
        vi = gazetteer.ward_names([codename], "vi").get(codename)
        en = gazetteer.ward_names([codename], "en").get(codename)
        draft.place_vi = ", ".join(p for p in (draft.place_vi, vi) if p) or None
        draft.place_en = ", ".join(p for p in (draft.place_en, en) if p) or None
    return True


def description(turn: Turn, draft: Draft) -> str | None:
    """The place as understood, in the citizen's language."""
    if turn.language == "en" and draft.place_en:
        return draft.place_en
    return draft.place_vi
