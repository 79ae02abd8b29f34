"""Messages to people other than the sender, through the outbox (same transaction).

Each recipient is addressed in their own language: callers pass a function from a
language to the replies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import handlers.officials_texts  # noqa: F401  (registers the texts)
from handlers.context import Context
from handlers.model import Reply, reply_to_dict
from storage.records import UserRecord

Compose = Callable[[str], list[Reply]]
ROUTINE = 5
URGENT = 3


async def send(
    ctx: Context, users: Iterable[UserRecord], compose: Compose, kind: str, priority: int = ROUTINE
) -> int:
    """Queue ``compose(language)`` for each user; returns how many were queued."""
    count = 0
    for user in users:
        replies = compose(user.language)
        payload = {"replies": [reply_to_dict(reply) for reply in replies]}
        await ctx.store.outbox.enqueue(user, kind, payload, ctx.now, priority)
        count += 1
    return count


async def to_unit(ctx: Context, unit_code: str, compose: Compose, kind: str) -> int:
    """Every reachable official (and registered group chat) of a unit."""
    return await send(ctx, await ctx.store.staff.officials_of(unit_code), compose, kind)


async def to_supervisors(ctx: Context, compose: Compose, kind: str) -> int:
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
    count = await send(ctx, [owner] if owner and owner.reachable else [], compose, "status")
    followers = [
        await ctx.store.users.get(i) for i in await ctx.store.handling.followers(report_id)
    ]
    reachable = [user for user in followers if user and user.reachable]
    return count + await send(ctx, reachable, followers_compose or compose, "status")
