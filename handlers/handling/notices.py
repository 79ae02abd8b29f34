"""Messages to people other than the sender, through the outbox (same transaction).

Each recipient is addressed in their own language: callers pass a function from a
language to the replies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

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
) -> list[int]:
    """Queue ``compose(language)`` for each user, held for ``hold`` if given.

    Returns:
        The ids of the queued messages (to withdraw held ones).
    """
    ids = []
    available_at = ctx.now + hold if hold else None
    for user in users:
        payload = {"replies": [reply_to_dict(reply) for reply in compose(user.language)]}
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
    sent = await send(ctx, [owner] if owner and owner.reachable else [], compose, "status")
    followers = [
        await ctx.store.users.get(i) for i in await ctx.store.handling.followers(report_id)
    ]
    reachable = [user for user in followers if user and user.reachable]
    return len(sent) + len(await send(ctx, reachable, followers_compose or compose, "status"))
