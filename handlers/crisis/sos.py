"""The SOS: answered at once, asked where first, filed as urgent without the category dialog.

"cuu voi nuoc len nhanh qua", "help, we are trapped" or the SOS button: the first
answer gives the emergency numbers (HueBot never claims to replace them). Then the
place: a pin, or typed and understood by the gazetteer. As soon as HueBot knows where,
the report is filed, urgent, to the civil-defence unit with a copy to the ward's
committee: it never waits on a further question once it knows where. Then it asks
how many people are there and who needs particular help, and passes the answer on;
every later message ("nước vẫn lên", a new pin, a photo) reaches the unit at once
while the report is open. A message that only might be a call ("cứu với!!" about
slow wifi) is asked about first.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Any

from handlers.core.context import Turn
from handlers.core.flow import Step
from handlers.core.model import Choice, IncomingMessage, Reply
from handlers.crisis import urgent
from handlers.report import issue
from handlers.report.draft import Draft
from handlers.report.photos import absorb_photos
from handlers.report.place import read_text_place, take_point
from nlu.sos import Distress, Level, distress, who
from storage.records import OPEN_STATUSES, ConversationRecord

FLOW = "sos"
NEEDS = ("elderly", "children", "injured", "sick")
PLACE_TRIES = 2


class State(StrEnum):
    """Where an SOS stands."""

    CONFIRM = "confirm"
    PLACE = "place"
    PEOPLE = "people"
    OPEN = "open"


async def detect(turn: Turn, message: IncomingMessage) -> Step | None:
    """A message outside any dialog that calls for rescue: start, or ask first."""
    found = distress(message.text or "") if message.text else None
    if found is None:
        return None
    if found.level is Level.POSSIBLE:
        choices = (
            Choice(turn.say("sos.yes"), "sos:yes"),
            Choice(turn.say("sos.no"), "sos:no"),
        )
        data = {"text": message.text, "language": turn.language}
        return Step.goto(FLOW, State.CONFIRM, data, [Reply(turn.say("sos.confirm"), choices)])
    return await _begin(turn, message.text, found)


async def interrupt(turn: Turn, message: IncomingMessage) -> Step | None:
    """A clear call for rescue in the middle of another dialog starts the SOS at once."""
    found = distress(message.text) if message.text else None
    if found is None or found.level is not Level.CLEAR:
        return None
    return await _begin(turn, message.text, found)


async def begin(turn: Turn, text: str | None = None) -> Step:
    """The SOS button or ``/sos``: the numbers, then where."""
    return await _begin(turn, text, distress(text) if text else None)


async def _begin(turn: Turn, text: str | None, found: Distress | None) -> Step:
    numbers = Reply(turn.say("sos.numbers", numbers=urgent.numbers(turn)))
    draft = Draft(text=text)
    data: dict[str, Any] = {"draft": draft.to_data(), "tries": 0, "language": turn.language}
    if found is not None:
        data |= {"people": found.people, "needs": list(found.needs)}
    if text and read_text_place(turn, draft, text):
        data["draft"] = draft.to_data()
        return await _filed(turn, draft, data, [numbers])
    return Step.goto(FLOW, State.PLACE, data, [numbers, _ask_place(turn, "sos.ask_place")])


def _in_language(turn: Turn, data: dict[str, Any]) -> Turn:
    """The whole SOS goes on in the language it began in (a pin has no words)."""
    language = data.get("language")
    if language not in ("vi", "en") or language == turn.language:
        return turn
    return Turn(turn.ctx, replace(turn.user, language=language), turn.member)


def _ask_place(turn: Turn, key: str) -> Reply:
    return Reply(turn.say(key), ask_location=True)


async def on_button(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> Step | None:
    """``sos:`` buttons: start, yes / no to "are you in danger", who needs help."""
    action, _, value = (message.choice or "").partition(":")[2].partition(":")
    data = dict(conversation.data) if conversation and conversation.flow == FLOW else {}
    turn = _in_language(turn, data)
    if action == "start":
        return await begin(turn)
    if action == "yes":
        return await begin(turn, data.get("text"))
    if action == "no":
        return await issue.start(turn, replace(message, choice=None, text=data.get("text")))
    if action == "need" and data.get("code"):
        needs = () if value == "none" else (value,)
        return await _describe(turn, data, None, needs)
    return None


async def on_message(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> Step | None:
    """A message while an SOS is open; None gives it back (the report is over)."""
    if conversation is None or conversation.flow != FLOW:
        return None
    data, state = dict(conversation.data), State(conversation.state)
    turn = _in_language(turn, data)
    if state is State.CONFIRM:
        return None  # neither button: the message is read afresh
    if state is State.PLACE:
        return await _place(turn, message, data)
    report = await turn.ctx.store.reports.by_code(str(data.get("code")))
    if report is None or report.status not in OPEN_STATUSES:
        return None
    if state is State.PEOPLE and message.text and not message.location:
        people, needs = who(message.text)
        if people is not None or needs:
            return await _describe(turn, data, people, needs)
    await urgent.pass_on(turn, report, message)
    replies = [Reply(turn.say("sos.update_sent", code=report.code))]
    return Step.goto(FLOW, state, data, replies)


async def _place(turn: Turn, message: IncomingMessage, data: dict[str, Any]) -> Step:
    draft = Draft.from_data(data["draft"])
    notes = await absorb_photos(turn, draft, message) if message.photos else []
    point = message.location or (draft.photo_gps if draft.location is None else None)
    if point is not None:
        notes += take_point(turn, draft, point)
    elif (message.text and read_text_place(turn, draft, message.text)) or message.text:
        draft.add_text(message.text)
    understood = draft.location is not None or draft.ward is not None
    data["tries"] = int(data.get("tries", 0)) + 1
    data["draft"] = draft.to_data()
    if understood or data["tries"] >= PLACE_TRIES:
        return await _filed(turn, draft, data, notes)
    return Step.goto(FLOW, State.PLACE, data, [*notes, _ask_place(turn, "sos.place_again")])


async def _filed(turn: Turn, draft: Draft, data: dict[str, Any], notes: list[Reply]) -> Step:
    """File now; then ask who is there, unless the first message said so."""
    replies = [*notes, *await _file(turn, draft, data)]
    if data.get("people") is not None or data.get("needs"):
        return Step.goto(FLOW, State.OPEN, data, replies)
    return Step.goto(FLOW, State.PEOPLE, data, [*replies, ask_people(turn)])


async def _file(turn: Turn, draft: Draft, data: dict[str, Any]) -> list[Reply]:
    """The urgent report, its notices, and what the citizen is told."""
    report, committee = await urgent.file(
        turn, draft, data.get("people"), tuple(data.get("needs") or ())
    )
    data["code"] = report.code
    unit = turn.ctx.city.unit(report.unit_code).name.in_language(turn.language)
    if not draft.has_place:
        return [Reply(turn.say("sos.filed_no_place", code=report.code, unit=unit))]
    ward = turn.say("sos.filed_ward", committee=committee) if committee else ""
    return [Reply(turn.say("sos.filed", code=report.code, unit=unit, ward=ward))]


async def _describe(
    turn: Turn, data: dict[str, Any], people: int | None, needs: tuple[str, ...]
) -> Step:
    report = await turn.ctx.store.reports.by_code(str(data["code"]))
    assert report is not None
    await urgent.describe(turn, report, people, needs)
    details = urgent.who_line(turn.language, people, needs or report.needs)
    return Step.goto(FLOW, State.OPEN, data, [Reply(turn.say("sos.noted", details=details))])


def ask_people(turn: Turn) -> Reply:
    """How many, and who needs particular help: a button for each, or typed."""
    choices = tuple(Choice(turn.say(f"sos.need.{need}"), f"sos:need:{need}") for need in NEEDS)
    none = Choice(turn.say("sos.need.none"), "sos:need:none")
    return Reply(turn.say("sos.ask_people"), (*choices, none))
