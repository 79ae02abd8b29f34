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
from handlers.core.model import Choice, GeoPoint, IncomingMessage, Reply
from nlu import find_wards, fold

FLOW = "alert_sub"
CHOICES_KEY = "_choices"  # as handlers.router: a bare number picks an offered button
ALL_WORDS = r"all|everything|tat ca|het|toan bo|moi canh bao"


class State(StrEnum):
    """What the dialog last asked for."""

    ASK_WARD = "ask_ward"


async def command(turn: Turn, name: str, argument: str | None) -> list[Reply]:
    """``/subscribe [wards]``, ``/subscriptions``, ``/unsubscribe [wards|all]``."""
    if name == "subscribe":
        return await subscribe(turn, argument)
    if name == "unsubscribe":
        return await unsubscribe(turn, argument)
    return await overview(turn)


async def subscribe(turn: Turn, text: str | None) -> list[Reply]:
    """Subscribe to the wards named in ``text``, or ask which."""
    wards = find_wards(text or "")
    return await _add(turn, wards) if wards else await _ask_ward(turn)


async def unsubscribe(turn: Turn, text: str | None) -> list[Reply]:
    """Drop the wards named in ``text``; "all" stops every alert; else show the list."""
    if re.search(rf"\b(?:{ALL_WORDS})\b", fold(text or "")):
        return await _stop_all(turn)
    wards = find_wards(text or "")
    if not wards:
        return await overview(turn)
    removed = await turn.ctx.store.subscriptions.remove(turn.user.id, wards)
    key, named = ("sub.removed", removed) if removed else ("sub.not_subscribed", wards)
    return [Reply(turn.say(key, wards=_names(turn, named))), *await overview(turn)]


async def proceed(turn: Turn, message: IncomingMessage) -> list[Reply] | None:
    """The answer to "which ward?"; None when the message is about something else."""
    if message.location is not None:
        return await _from_location(turn, message.location)
    wards = find_wards(message.text or "")
    if wards:
        return await _add(turn, wards)
    await turn.ctx.store.conversations.clear(turn.user.id)
    return None


async def press(turn: Turn, payload: str) -> list[Reply]:
    """A ``sub:`` button: ``sub:add[:ward]``, ``sub:del:ward``, ``sub:off``, ``sub:on``."""
    _, action, ward = [*payload.split(":", 2), "", ""][:3]
    known = ward and turn.ctx.city.ward(ward) is not None
    if action == "add":
        return await _add(turn, [ward]) if known else await _ask_ward(turn)
    if action == "del" and known:
        return await unsubscribe(turn, ward)
    if action == "off":
        return await _stop_all(turn)
    if action == "on":
        await turn.ctx.store.subscriptions.opt_in(turn.user.id)
        return [Reply(turn.say("sub.on"))]
    return [Reply(turn.say("sub.stale"))]


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


async def _add(turn: Turn, wards: list[str]) -> list[Reply]:
    store = turn.ctx.store
    added = await store.subscriptions.add(turn.user.id, wards, turn.ctx.now)
    await store.subscriptions.opt_in(turn.user.id)
    await store.conversations.clear(turn.user.id)
    key, named = ("sub.added", added) if added else ("sub.already", wards)
    return [Reply(turn.say(key, wards=_names(turn, named))), *await overview(turn)]


async def _ask_ward(turn: Turn) -> list[Reply]:
    await _save(turn, [])
    return [Reply(turn.say("sub.ask"), ask_location=True)]


async def _from_location(turn: Turn, point: GeoPoint) -> list[Reply]:
    places = turn.ctx.places
    here = places.at(point.latitude, point.longitude) if places and point.is_valid() else None
    if here is not None and here.ward is not None:
        name = _names(turn, [here.ward])
        button = Choice(f"✅ {name}", f"sub:add:{here.ward}")
        await _save(turn, [button.payload])
        return [Reply(turn.say("sub.offer_here", ward=name), (button,))]
    ward = await turn.ctx.store.subscriptions.last_report_ward(turn.user.id)
    if ward is None:
        await _save(turn, [])
        return [Reply(f"{turn.say('sub.no_polygon')} {turn.say('sub.type_name')}")]
    name = _names(turn, [ward])
    button = Choice(f"✅ {name}", f"sub:add:{ward}")
    await _save(turn, [button.payload])
    text = f"{turn.say('sub.no_polygon')} {turn.say('sub.offer_last', ward=name)}"
    return [Reply(text, (button,))]


async def _stop_all(turn: Turn) -> list[Reply]:
    store = turn.ctx.store
    await store.subscriptions.remove_all(turn.user.id)
    await store.subscriptions.opt_out(turn.user.id, turn.ctx.now)
    await store.conversations.clear(turn.user.id)
    return [Reply(turn.say("sub.off"))]


async def _save(turn: Turn, offered: list[str]) -> None:
    data = {CHOICES_KEY: offered}
    await turn.ctx.store.conversations.save(turn.user.id, FLOW, State.ASK_WARD, data, turn.ctx.now)


def _names(turn: Turn, wards: list[str]) -> str:
    return ", ".join(ward_names(wards, turn.ctx.city))
