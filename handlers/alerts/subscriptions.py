"""Alert subscriptions: which wards' alerts a citizen gets, and opting out.

Everyone who has started the bot gets whole-city alerts of severity Severe or Extreme and
the alerts of the ward of their last report, unless they opt out; on top of that they may
subscribe to wards ("đăng ký nhận cảnh báo phường Vỹ Dạ", ``/subscribe``). A shared
location is placed in its ward by the gazetteer's boundaries and that ward is offered;
without a gazetteer (or outside the city) the dialog offers the ward of the citizen's last
report, or asks them to name the ward. Drawn in subscriptions.mmd.
"""

from __future__ import annotations

import re
from enum import StrEnum

from handlers.alerts.render import ward_names
from handlers.core.context import Turn
from handlers.core.flow import Step
from handlers.core.model import Choice, GeoPoint, IncomingMessage, Reply
from nlu import find_wards, fold
from storage.records import ConversationRecord

FLOW = "alert_sub"
ALL_WORDS = r"all|everything|tat ca|het|toan bo|moi canh bao"


class State(StrEnum):
    """What the dialog last asked for."""

    ASK_WARD = "ask_ward"


async def command(turn: Turn, name: str, argument: str | None) -> Step:
    """``/subscribe [wards]``, ``/subscriptions``, ``/unsubscribe [wards|all]``."""
    if name == "subscribe":
        return await subscribe(turn, argument)
    if name == "unsubscribe":
        return await unsubscribe(turn, argument)
    return Step.stay(await overview(turn))


async def subscribe(turn: Turn, text: str | None) -> Step:
    """Subscribe to the wards named in ``text``, or ask which."""
    wards = find_wards(text or "")
    return await _add(turn, wards) if wards else _ask_ward(turn)


async def unsubscribe(turn: Turn, text: str | None) -> Step:
    """Drop the wards named in ``text``; "all" stops every alert; else show the list."""
    if re.search(rf"\b(?:{ALL_WORDS})\b", fold(text or "")):
        return await _stop_all(turn)
    wards = find_wards(text or "")
    if not wards:
        return Step.stay(await overview(turn))
    removed = await turn.ctx.store.subscriptions.remove(turn.user.id, wards)
    key, named = ("sub.removed", removed) if removed else ("sub.not_subscribed", wards)
    return Step.stay([Reply(turn.say(key, wards=_names(turn, named))), *await overview(turn)])


async def proceed(
    turn: Turn, message: IncomingMessage, _: ConversationRecord | None
) -> Step | None:
    """The answer to "which ward?"; None when the message is about something else."""
    if message.location is not None:
        return await _from_location(turn, message.location)
    wards = find_wards(message.text or "")
    if wards:
        return await _add(turn, wards)
    return None


async def press(
    turn: Turn, message: IncomingMessage, _conversation: ConversationRecord | None
) -> Step:
    """A ``sub:`` button: ``sub:add[:ward]``, ``sub:del:ward``, ``sub:off``, ``sub:on``."""
    _, action, ward = [*(message.choice or "").split(":", 2), "", ""][:3]
    known = ward and turn.ctx.city.ward(ward) is not None
    if action == "add":
        return await _add(turn, [ward]) if known else _ask_ward(turn)
    if action == "del" and known:
        return await unsubscribe(turn, ward)
    if action == "off":
        return await _stop_all(turn)
    if action == "on":
        await turn.ctx.store.subscriptions.opt_in(turn.user.id)
        return Step.stay([Reply(turn.say("sub.on"))])
    return Step.stay([Reply(turn.say("sub.stale"))])


async def overview(turn: Turn) -> list[Reply]:
    """What the citizen receives, with buttons to change it."""
    subs, user_id = turn.ctx.store.subscriptions, turn.user.id
    wards, opted_out = await subs.wards_of(user_id), await subs.opted_out(user_id)
    last = None if opted_out else await subs.last_report_ward(user_id)
    lines = [] if opted_out else [turn.say("sub.city")]
    if last and last not in wards:
        lines.append(turn.say("sub.last_ward", ward=_names(turn, [last])))
    lines += [turn.say("sub.ward", ward=_names(turn, [ward])) for ward in wards]
    text = "\n".join([turn.say("sub.title"), *lines]) if lines else turn.say("sub.nothing")
    choices = [Choice(turn.say("sub.button.remove", ward=_names(turn, [w])), f"sub:del:{w}")
               for w in wards]  # fmt: skip
    choices.append(Choice(turn.say("sub.button.add"), "sub:add"))
    toggle = ("sub.button.on", "sub:on") if opted_out else ("sub.button.off", "sub:off")
    choices.append(Choice(turn.say(toggle[0]), toggle[1]))
    return [Reply(text, tuple(choices))]


async def _add(turn: Turn, wards: list[str]) -> Step:
    store = turn.ctx.store
    added = await store.subscriptions.add(turn.user.id, wards, turn.ctx.now)
    await store.subscriptions.opt_in(turn.user.id)
    key, named = ("sub.added", added) if added else ("sub.already", wards)
    return Step.end([Reply(turn.say(key, wards=_names(turn, named))), *await overview(turn)])


def _ask_ward(turn: Turn) -> Step:
    return _asking([Reply(turn.say("sub.ask"), ask_location=True)])


async def _from_location(turn: Turn, point: GeoPoint) -> Step:
    places = turn.ctx.places
    here = places.at(point.latitude, point.longitude) if places and point.is_valid() else None
    if here is not None and here.ward is not None:
        name = _names(turn, [here.ward])
        button = Choice(f"✅ {name}", f"sub:add:{here.ward}")
        return _asking([Reply(turn.say("sub.offer_here", ward=name), (button,))])
    ward = await turn.ctx.store.subscriptions.last_report_ward(turn.user.id)
    if ward is None:
        return _asking([Reply(f"{turn.say('sub.no_polygon')} {turn.say('sub.type_name')}")])
    name = _names(turn, [ward])
    button = Choice(f"✅ {name}", f"sub:add:{ward}")
    text = f"{turn.say('sub.no_polygon')} {turn.say('sub.offer_last', ward=name)}"
    return _asking([Reply(text, (button,))])


async def _stop_all(turn: Turn) -> Step:
    store = turn.ctx.store
    await store.subscriptions.remove_all(turn.user.id)
    await store.subscriptions.opt_out(turn.user.id, turn.ctx.now)
    return Step.end([Reply(turn.say("sub.off"))])


def _asking(replies: list[Reply]) -> Step:
    """Wait for a ward; a bare number picks the ward offered, if any."""
    return Step.goto(FLOW, State.ASK_WARD, {}, replies, numbered=True)


def _names(turn: Turn, wards: list[str]) -> str:
    return ", ".join(ward_names(wards, turn.ctx.city))
