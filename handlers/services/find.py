"""The services look-up: the nearest hospital, pharmacy, shelter or hotline, asked in words.

A question names a type and maybe a place (a ward or a landmark). With a place the
answer comes at once; without one HueBot shows the hotlines and asks for a location
or a ward, keeping the question in the store (flow ``service``) so that a location
sent later answers it. The flow is drawn in find.mmd.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Any

from handlers.core.context import Turn
from handlers.core.flow import Step
from handlers.core.i18n import say
from handlers.core.model import Choice, IncomingMessage, Reply
from handlers.services.answer import hotlines_text
from handlers.services.kinds import EMERGENCY_FIRST, emergency_line, kind_noun
from handlers.services.landmarks import LANDMARKS
from handlers.services.lookup import Place, by_point, by_ward, kinds_menu
from handlers.services.query import ServiceQuery, calls_for_help, names_a_service, understand
from storage.records import ConversationRecord

FLOW = "service"
MIN_CONFIDENCE = 0.5


class State(StrEnum):
    """What the look-up last did."""

    KIND = "kind"
    PLACE = "place"
    SHOWN = "shown"


def shelter_choice(language: str) -> Choice:
    """The "nearest shelter" button an evacuation alert carries."""
    return Choice(say(language, "service.nearest_shelter"), "service:nearest:shelter")


def menu_choice(language: str) -> Choice:
    """The "Find services" button of the main menu; it offers the types."""
    return Choice(say(language, "menu.services"), "service:menu")


def is_lookup(parse: dict[str, Any], text: str) -> bool:
    """True when a message asks for a service.

    That is the NLU's ``find_service``, a short call for help ("gọi xe cứu thương")
    whatever the NLU thinks, or a text naming a service where the NLU is unsure.
    """
    intent = parse.get("intent") or {}
    name, confidence = str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)
    if calls_for_help(text):
        return True
    if confidence >= MIN_CONFIDENCE:
        return name == "find_service"
    return names_a_service(text)


async def start(turn: Turn, text: str, parse: dict[str, Any]) -> Step:
    """Answer a look-up question, or ask what is missing."""
    return await _lookup(turn, understand(text, parse, turn.ctx.city), None)


async def proceed(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> Step | None:
    """A message while a look-up is open; None when it is about something else.

    A location answers the open question; a ward, a landmark or a type in words
    refines it. Anything else ends the look-up and goes back to the router.
    """
    data = conversation.data if conversation is not None else {}
    if message.location is not None:
        if not message.location.is_valid():
            return Step.stay([Reply(turn.say("service.invalid_location"), ask_location=True)])
        place = Place(point=message.location)
        return await _lookup(turn, ServiceQuery(data.get("kind"), open_now=_open(data)), place)
    if message.text:
        query = understand(message.text, await turn.ctx.nlu.parse(message.text), turn.ctx.city)
        if query.has_place or query.kind is not None:
            kind = query.kind or data.get("kind")
            merged = ServiceQuery(kind, query.ward, query.landmark, query.open_now)
            return await _lookup(turn, merged, None if query.has_place else _saved(data))
    return None


async def on_choice(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> Step:
    """A ``service:*`` button: ``service:menu``, ``service:type:<kind>``,
    ``service:nearest:<kind>`` (the alert's "nearest shelter")."""
    _, _, rest = (message.choice or "").partition(":")
    action, _, kind = rest.partition(":")
    data = conversation.data if conversation is not None and conversation.flow == FLOW else {}
    if action == "menu" or not kind:
        return await _ask_kind(turn, _saved(data))
    return await _lookup(turn, ServiceQuery(kind), _saved(data))


async def _lookup(turn: Turn, query: ServiceQuery, saved: Place | None) -> Step:
    place = _place_of(turn, query) or saved
    if query.kind is None:
        return await _ask_kind(turn, place)
    if query.kind == "hotline":
        replies = await _hotlines(turn, "hotline", place.ward if place else None)
    elif place is None:
        return await _ask_place(turn, query)
    elif place.ward is not None:
        replies = await by_ward(turn, query.kind, place.ward, query.open_now)
    else:
        replies = await by_point(turn, query.kind, place, query.open_now)
    other = Choice(turn.say("service.other_kind"), "service:menu")
    replies[-1] = _with_choices(replies[-1], (other,))
    state = State.PLACE if replies[-1].ask_location else State.SHOWN
    return _save(state, {"kind": query.kind, "open_now": query.open_now}, place, replies)


def _place_of(turn: Turn, query: ServiceQuery) -> Place | None:
    if query.landmark is not None:
        name = query.landmark.name(turn.language)
        return Place(point=query.landmark.point, name=name, landmark=query.landmark.code)
    if query.ward is not None:
        return Place(ward=query.ward)
    return None


async def _ask_kind(turn: Turn, place: Place | None) -> Step:
    replies = [Reply(turn.say("service.ask_kind"), await kinds_menu(turn))]
    return _save(State.KIND, {}, place, replies)


async def _ask_place(turn: Turn, query: ServiceQuery) -> Step:
    assert query.kind is not None
    hotlines = await _hotlines(turn, query.kind, None)
    noun = kind_noun(turn.language, query.kind)
    replies = [*hotlines, Reply(turn.say("service.ask_place", noun=noun), ask_location=True)]
    data = {"kind": query.kind, "open_now": query.open_now}
    return _save(State.PLACE, data, None, replies)


async def _hotlines(turn: Turn, kind: str, ward: str | None) -> list[Reply]:
    directory = await turn.ctx.store.services.of_kind("hotline")
    if ward is not None:
        directory = [h for h in directory if h.ward in (None, ward)]
    else:
        directory = [h for h in directory if h.ward is None]
    text = hotlines_text(turn.language, directory, EMERGENCY_FIRST.get(kind))
    first = emergency_line(turn.language, kind)
    return [Reply(f"{first}\n\n{text}" if first else text)]


def _save(state: State, data: dict[str, Any], place: Place | None, replies: list[Reply]) -> Step:
    """Keep the look-up open at ``state``; a bare number picks an offered button."""
    data = {**data, "place": place.to_data() if place else None}
    return Step.goto(FLOW, state, data, replies, numbered=True)


def _saved(data: dict[str, Any]) -> Place | None:
    return Place.from_data(data.get("place"), {mark.code: mark for mark in LANDMARKS})


def _open(data: dict[str, Any]) -> bool:
    return bool(data.get("open_now"))


def _with_choices(reply: Reply, choices: tuple[Choice, ...]) -> Reply:
    return replace(reply, choices=reply.choices + choices)
