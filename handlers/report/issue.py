"""The report dialog: description, place, photo, kind, confirmation, ticket.

The citizen may send text, photos and a location in any order and over several
messages; each step looks at what is still missing and asks for it. The flow is
drawn in issue.mmd.
"""

from __future__ import annotations

from enum import StrEnum

from handlers.core.city import CATEGORY_CODES
from handlers.core.context import Turn
from handlers.core.flow import Step
from handlers.core.i18n import format_duration
from handlers.core.model import Choice, GeoPoint, IncomingMessage, Reply
from handlers.crisis import mode
from handlers.handling.assignment import assign
from handlers.report import confidential, duplicates
from handlers.report import place as report_place
from handlers.report import split as report_split
from handlers.report.categories import all_categories, category_label, suggest_categories
from handlers.report.draft import Draft
from handlers.report.photos import absorb_photos
from nlu.abuse import mask_abuse
from storage.records import NewReport

FLOW = "report"
PLACE_ACTIONS = frozenset({"photo_place", "other_place", "ward", "place"})
YES_WORDS = frozenset({"ok", "oke", "yes", "y", "có", "co", "gửi", "gui", "đồng ý", "dong y"})


class State(StrEnum):
    """What the dialog last asked for."""

    DESCRIBE = "describe"
    PLACE = "place"
    EXIF_PLACE = "exif_place"
    WARD = "ward"
    PHOTO = "photo"
    CATEGORY = "category"
    CONFIRM = "confirm"
    DUPLICATE = "duplicate"


def _step(state: State, draft: Draft, replies: list[Reply]) -> Step:
    """Keep the dialog at ``state`` with ``draft``; a bare number picks an offered button."""
    return Step.goto(FLOW, state, draft.to_data(), replies, numbered=True)


async def start(turn: Turn, message: IncomingMessage) -> Step:
    """Begin a report with whatever the first message carries."""
    return await proceed(turn, State.DESCRIBE, Draft(), message)


async def proceed(turn: Turn, state: State, draft: Draft, message: IncomingMessage) -> Step:
    """Take one message into the draft, then ask for what is missing."""
    if message.choice is not None:
        return await on_choice(turn, state, draft, message.choice)
    notes = await absorb_photos(turn, draft, message)
    notes += _absorb_location(turn, draft, message.location)
    if message.text and confidential.asked(message.text):
        draft.confidential = True
        notes.append(confidential.noted(turn))
    if message.text and not confidential.only_asks(message.text):
        if state == State.CONFIRM and message.text.strip().lower() in YES_WORDS:
            return await submit(turn, draft)
        notes += await _absorb_text(turn, state, draft, message.text.strip())
    return await advance(turn, draft, notes)


async def on_choice(turn: Turn, state: State, draft: Draft, payload: str) -> Step:
    """A button of this dialog was pressed."""
    action, _, argument = payload.removeprefix("report:").partition(":")
    if action == "send" and state == State.CONFIRM:
        return await submit(turn, draft)
    if action in PLACE_ACTIONS:
        return await advance(turn, draft, _place_choice(turn, draft, action, argument))
    if action == "cat" and argument in CATEGORY_CODES:
        draft.category = argument
    elif action == "cat":
        return _step(State.CATEGORY, draft, [all_categories(turn)])
    elif action == "change":
        draft.category = None
        return _step(State.CATEGORY, draft, [all_categories(turn)])
    elif action == "confidential":
        draft.confidential = not draft.confidential
    elif action == "skip_photo":
        draft.photo_offered = True
    elif action == "follow":
        return await _follow(turn, state, draft, argument)
    elif action == "new":
        draft.duplicate_checked = True
    return await advance(turn, draft, [])


async def _follow(turn: Turn, state: State, draft: Draft, code: str) -> Step:
    """Follow the report offered; anything else keeps the draft and asks again."""
    if state == State.DUPLICATE and (followed := await duplicates.follow(turn, draft, code)):
        return Step.end(followed)
    refused = Reply(turn.say("dup.not_offered"))
    if state == State.DUPLICATE and (again := await duplicates.offer_again(turn, draft)):
        return _step(State.DUPLICATE, draft, [refused, again])
    return await advance(turn, draft, [refused])


def _place_choice(turn: Turn, draft: Draft, action: str, argument: str) -> list[Reply]:
    """The place buttons: the photo's position, another place, a ward, change the place."""
    if action == "photo_place" and draft.photo_gps:
        draft.exif_declined = True  # answered: do not offer it again
        return report_place.take_point(turn, draft, draft.photo_gps)
    if action == "other_place":
        draft.exif_declined = True
    elif action == "ward" and not report_place.choose_ward(turn, draft, argument):
        return [report_place.ask_ward(turn, draft)]
    elif action == "place":
        draft.clear_place()
        draft.exif_declined = True
        draft.duplicate_checked = False
    return []


def _place_step(turn: Turn, draft: Draft, notes: list[Reply]) -> Step | None:
    """Ask about the place when something is missing: the photo's GPS, the place, the ward."""
    if draft.photo_gps and not draft.exif_declined and not draft.shared_location:
        return _step(State.EXIF_PLACE, draft, [*notes, _ask_exif(turn)])
    if not draft.has_place:
        ask = Reply(turn.say("report.ask_place"), ask_location=True)
        return _step(State.PLACE, draft, [*notes, ask])
    if draft.ward is None and draft.ward_options:
        return _step(State.WARD, draft, [*notes, report_place.ask_ward(turn, draft)])
    return None


async def advance(turn: Turn, draft: Draft, notes: list[Reply]) -> Step:
    """Ask for the first thing still missing, or show the summary."""
    if not draft.text:
        return _step(State.DESCRIBE, draft, [*notes, Reply(turn.say("report.ask_description"))])
    if (asked := _place_step(turn, draft, notes)) is not None:
        return asked
    if not draft.photo_ids and not draft.photo_offered:
        draft.photo_offered = True
        skip = Choice(turn.say("report.skip_photo"), "report:skip_photo")
        return _step(State.PHOTO, draft, [*notes, Reply(turn.say("report.ask_photo"), (skip,))])
    if draft.category is None:
        await _classify(turn, draft)
    if draft.category is None:
        return _step(State.CATEGORY, draft, [*notes, suggest_categories(turn, draft)])
    if not draft.duplicate_checked and (offer := await duplicates.offer(turn, draft)):
        return _step(State.DUPLICATE, draft, [*notes, offer])
    return _step(State.CONFIRM, draft, [*notes, _summary(turn, draft)])


async def _absorb_text(turn: Turn, state: State, draft: Draft, text: str) -> list[Reply]:
    masked = mask_abuse(text)
    notes = [Reply(turn.say("abuse.masked"))] if masked != text else []
    ward = await _ward_in(turn, text) if state == State.WARD else None
    if ward is not None and report_place.choose_ward(turn, draft, ward):
        return notes
    if state in (State.PLACE, State.EXIF_PLACE, State.WARD) and draft.text:
        draft.clear_place()
        draft.address = masked
        if not report_place.read_text_place(turn, draft, masked):
            draft.ward = await _ward_in(turn, text)
        return notes
    draft.add_text(masked)
    if not draft.has_place:
        report_place.read_text_place(turn, draft, masked)
    draft.ward = draft.ward or await _ward_in(turn, text)
    if state == State.CONFIRM:
        notes.append(Reply(turn.say("report.added_text")))
    return notes


def _absorb_location(turn: Turn, draft: Draft, location: GeoPoint | None) -> list[Reply]:
    if location is None:
        return []
    if not location.is_valid():
        return [Reply(turn.say("report.invalid_location"))]
    return report_place.take_point(turn, draft, location)


async def _ward_in(turn: Turn, text: str) -> str | None:
    parse = await turn.ctx.nlu.parse(text)
    wards = [e["value"] for e in parse.get("entities", []) if e.get("entity") == "ward"]
    known = [w for w in wards if turn.ctx.city.ward(str(w)) is not None]
    return str(known[0]) if known else None


async def _classify(turn: Turn, draft: Draft) -> None:
    parse = await turn.ctx.nlu.parse(draft.text or "")
    ranking = [
        (item["name"].removeprefix("report_"), float(item["confidence"]))
        for item in parse.get("intent_ranking", [])
        if str(item.get("name", "")).removeprefix("report_") in CATEGORY_CODES
        and str(item.get("name", "")).startswith("report_")
    ]
    draft.ranking = ranking
    if not draft.ward:
        draft.ward = await _ward_in(turn, draft.text or "")
    if len(found := await report_split.problems(turn, draft.text or "")) > 1:
        draft.category = found[0][1]
        draft.also_text, draft.also_category = found[1]
        return
    limits = turn.ctx.limits
    top = ranking[0][1] if ranking else 0.0
    second = ranking[1][1] if len(ranking) > 1 else 0.0
    if top >= limits.confident and top - second >= limits.margin:
        draft.category = ranking[0][0]


def _ask_exif(turn: Turn) -> Reply:
    choices = (
        Choice(turn.say("report.use_photo_place"), "report:photo_place"),
        Choice(turn.say("report.other_place"), "report:other_place"),
    )
    return Reply(turn.say("report.ask_exif"), choices)


def place_text(
    turn: Turn, location: GeoPoint | None, address: str | None, described: str | None = None
) -> str:
    """How a report's place is shown to people: as understood, as typed, or the point."""
    if described:
        return described
    if address:
        return address
    if location:
        return turn.say("report.place_gps", lat=location.latitude, lon=location.longitude)
    return turn.say("place.unknown")


def _summary(turn: Turn, draft: Draft) -> Reply:
    assert draft.category is not None
    category = turn.ctx.city.category(draft.category)
    unit = turn.ctx.city.route(draft.category, draft.ward)
    photos = str(len(draft.photo_ids)) if draft.photo_ids else turn.say("photos.none")
    text = turn.say(
        "report.summary",
        text=draft.text,
        place=place_text(
            turn, draft.location, draft.address, report_place.description(turn, draft)
        ),
        photos=photos,
        category=category.name.in_language(turn.language),
        unit=unit.name.in_language(turn.language),
        within=format_duration(category.deadline, turn.language),
    )
    if draft.also_text and draft.also_category:
        also = category_label(turn, draft.also_category)
        text += "\n" + turn.say("report.also_noted", problem=draft.also_text, category=also)
    if draft.confidential:
        text += "\n" + turn.say("confidential.summary")
    choices = (
        Choice(turn.say("report.send"), "report:send"),
        Choice(turn.say("report.change_category"), "report:change"),
        Choice(turn.say("place.change"), "report:place"),
        confidential.choice(turn, draft),
        Choice(turn.say("report.cancel"), "cancel"),
    )
    return Reply(text, choices)


async def submit(turn: Turn, draft: Draft) -> Step:
    """File the report and give the citizen the ticket."""
    assert draft.text and draft.category
    category = turn.ctx.city.category(draft.category)
    unit = turn.ctx.city.route(draft.category, draft.ward)
    report = await turn.ctx.store.reports.create(
        NewReport(
            user_id=turn.user.id,
            channel=turn.user.channel,
            text=draft.text,
            category=draft.category,
            unit_code=unit.code,
            created_at=turn.ctx.now,
            deadline_at=turn.ctx.now + category.deadline,
            ward=draft.ward,
            latitude=draft.location.latitude if draft.location else None,
            longitude=draft.location.longitude if draft.location else None,
            address=draft.address,
            photo_ids=tuple(draft.photo_ids),
            place=draft.place_vi,
            street=draft.street,
            confidential=draft.confidential,
        )
    )
    await assign(turn.ctx, report, turn.user.id)
    text = turn.say(
        "report.filed",
        code=report.code,
        unit=unit.name.in_language(turn.language),
        deadline=turn.time(report.deadline_at),
    )
    filed = [Reply(text)]
    if (later := await mode.later_note(turn, report.ward)) is not None:
        filed.append(later)
    if (second := draft.second_problem()) is not None:
        offer = Reply(turn.say("report.second_problem", problem=second.text))
        return await advance(turn, second, [*filed, offer])
    return Step.end(filed)
