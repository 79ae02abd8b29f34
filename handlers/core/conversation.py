"""The one place conversation state is written.

The router keeps each ``Step`` of the user who wrote (``keep``). The only other
writer is a hand-over: when an official acts on a report, from the chat or from the
dashboard, the author's open answer to that report is closed or a new one opened
(``hand_over``), and only while the author is not in the middle of something else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.core.context import Context, Turn
from handlers.core.flow import CHOICES_KEY, Step
from handlers.core.model import Reply
from storage.records import ConversationRecord

MENU_FLOW = "menu"


async def keep(turn: Turn, step: Step) -> None:
    """Store where the user's conversation goes after ``step``.

    Outside a dialog the buttons offered are kept (flow ``menu``), so a bare number
    can pick one on channels that show them as a numbered list.
    """
    conversations = turn.ctx.store.conversations
    if not step.keep and step.flow is None:
        await conversations.clear(turn.user.id)
    elif not step.keep and step.flow is not None:
        data = step.saved_data()
        await conversations.save(turn.user.id, step.flow, step.state, data, turn.ctx.now)
    await _remember_menu(turn, step.replies)


async def end(turn: Turn) -> None:
    """End the user's conversation (a flow gave a message back to the router)."""
    await turn.ctx.store.conversations.clear(turn.user.id)


async def _remember_menu(turn: Turn, replies: tuple[Reply, ...]) -> None:
    conversations = turn.ctx.store.conversations
    current = await conversations.load(turn.user.id)
    if current is not None and current.flow != MENU_FLOW:
        return
    offered = [choice.payload for reply in replies for choice in reply.choices]
    if offered:
        data = {CHOICES_KEY: offered}
        await conversations.save(turn.user.id, MENU_FLOW, "idle", data, turn.ctx.now)
    elif current is not None:
        await conversations.clear(turn.user.id)


@dataclass(frozen=True, slots=True)
class HandOver:
    """A change to another user's conversation, made only if ``applies`` to it still."""

    user_id: int
    applies: Callable[[ConversationRecord | None], bool]
    step: Step


async def hand_over(ctx: Context, change: HandOver) -> None:
    """Apply ``change`` to its user's conversation, if it applies to it now."""
    conversations = ctx.store.conversations
    if not change.applies(await conversations.load(change.user_id)):
        return
    step = change.step
    if step.flow is None:
        await conversations.clear(change.user_id)
    else:
        await conversations.save(change.user_id, step.flow, step.state, dict(step.data), ctx.now)
