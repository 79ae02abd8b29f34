"""Crisis mode: for citizens of an area in crisis, SOS, shelters and alerts come first.

An operator switches it on (``huebot crisis on --area …``, the dashboard), or an
Extreme alert does for its wards. A citizen is in the area when the whole city is,
or when a ward they follow for alerts, or of their latest report, is. Their start
message and menus then lead with SOS, the nearest shelter and the alerts in force,
and a non-urgent report is still taken but told that its unit may answer after the
emergency.
"""

from __future__ import annotations

from dataclasses import replace

from handlers.alerts.render import render_alert
from handlers.core.context import Turn
from handlers.core.model import Choice, Reply
from handlers.services.find import shelter_choice
from storage.alerts import AlertRecord
from storage.crisis import WHOLE_CITY

SHOWN_ALERTS = 3
SOURCE_PREFIX = "alert:"


async def area_for(turn: Turn, ward: str | None = None) -> str | None:
    """The crisis area the user (or ``ward``) is in, or None in normal times."""
    active = {row.area for row in await turn.ctx.store.crisis.active()}
    if not active:
        return None
    if WHOLE_CITY in active:
        return WHOLE_CITY
    subscriptions = turn.ctx.store.subscriptions
    wards = [ward] if ward else await subscriptions.wards_of(turn.user.id)
    if not ward and (last := await subscriptions.last_report_ward(turn.user.id)):
        wards.append(last)
    return next((w for w in wards if w in active), None)


def area_name(turn: Turn, area: str) -> str:
    """ "thành phố Huế" or the ward's name."""
    if area == WHOLE_CITY:
        return turn.ctx.city.name.in_language(turn.language)
    ward = turn.ctx.city.ward(area)
    return ward.name if ward else area


def choices(turn: Turn) -> tuple[Choice, ...]:
    """What leads every menu in crisis mode."""
    return (
        Choice(turn.say("sos.button"), "sos:start"),
        shelter_choice(turn.language),
        Choice(turn.say("crisis.alerts"), "crisis:alerts"),
    )


async def lead(turn: Turn, replies: list[Reply]) -> list[Reply]:
    """Put the crisis banner and its buttons first in a menu answer, in crisis mode."""
    area = await area_for(turn)
    if area is None or not replies:
        return replies
    first = replies[0]
    banner = turn.say("crisis.banner", area=area_name(turn, area))
    offered = choices(turn)
    payloads = {choice.payload for choice in offered}
    rest = tuple(choice for choice in first.choices if choice.payload not in payloads)
    return [replace(first, text=f"{banner}\n\n{first.text}", choices=offered + rest), *replies[1:]]


async def later_note(turn: Turn, ward: str | None) -> Reply | None:
    """For a non-urgent report filed in an area in crisis: its unit may answer later."""
    area = await area_for(turn, ward) if ward else await area_for(turn)
    if area is None:
        return None
    return Reply(turn.say("crisis.report_later", area=area_name(turn, area)))


async def alerts_in_force(turn: Turn) -> list[Reply]:
    """The alerts in force now, newest first."""
    alerts: list[AlertRecord] = await turn.ctx.store.alerts.in_force(
        turn.ctx.now, limit=SHOWN_ALERTS
    )
    if not alerts:
        return [Reply(turn.say("crisis.no_alerts"))]
    replies: list[Reply] = []
    for alert in alerts:
        replies += render_alert(alert.content, alert.id, turn.language, turn.ctx.city)
    return replies
