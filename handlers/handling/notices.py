"""Messages to people other than the sender, through the outbox (same transaction).

Each recipient is addressed in their own language: callers pass a function from a
language to the replies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from handlers.core.context import Context
from handlers.core.model import Reply, reply_to_dict
from storage.records import UserRecord

Compose = Callable[[str], list[Reply]]
ROUTINE = 5
URGENT = 3


async def send(
    ctx: Context,
    users: Iterable[UserRecord],
    compose: Compose,
    kind: str,
    priority: int = ROUTINE,
    hold: timedelta | None = None,
    report_id: int | None = None,
) -> list[int]:
    """Queue ``compose(language)`` for each user, held for ``hold`` if given.

    ``report_id`` names the report a notice is about: a channel that may not deliver it
    (Messenger outside its window) records that in the report's history.

    Returns:
        The ids of the queued messages (to withdraw held ones).
    """
    ids = []
    available_at = ctx.now + hold if hold else None
    for user in users:
        payload: dict[str, Any] = {
            "replies": [reply_to_dict(reply) for reply in compose(user.language)]
        }
        if report_id is not None:
            payload["report_id"] = report_id
        queued = await ctx.store.outbox.enqueue(
            user, kind, payload, ctx.now, priority, available_at=available_at
        )
        ids.append(queued)
    return ids


async def to_unit(
    ctx: Context, unit_code: str, compose: Compose, kind: str, hold: timedelta | None = None
) -> list[int]:
    """Every reachable official (and registered group chat) of a unit."""
    officials = await ctx.store.staff.officials_of(unit_code)
    return await send(ctx, officials, compose, kind, hold=hold)


async def to_supervisors(ctx: Context, compose: Compose, kind: str) -> list[int]:
    """Every reachable supervisor and admin."""
    return await send(ctx, await ctx.store.staff.supervisors(), compose, kind, URGENT)


async def to_citizens(
    ctx: Context,
    report_id: int,
    owner_id: int,
    compose: Compose,
    followers_compose: Compose | None = None,
) -> int:
    """The report's author (``compose``) and everyone following it (``followers_compose``)."""
    owner = await ctx.store.users.get(owner_id)
    owners = [owner] if owner and owner.reachable else []
    sent = await send(ctx, owners, compose, "status", report_id=report_id)
    followers = [
        await ctx.store.users.get(i) for i in await ctx.store.handling.followers(report_id)
    ]
    reachable = [user for user in followers if user and user.reachable]
    told = await send(ctx, reachable, followers_compose or compose, "status", report_id=report_id)
    return len(sent) + len(told)
