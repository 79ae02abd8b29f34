"""Helpers for pacer tests: send through a pacer and measure what the platform could see."""

from __future__ import annotations

import asyncio
import random
import time

from bot.channels.pacer import Pacer, Priority

Span = tuple[str, float, float]  # chat, start, end


async def send_all(
    pacer: Pacer, chats: list[str], priority: Priority = Priority.ALERT,
    latency: float = 0.004,
) -> list[Span]:  # fmt: skip
    """Send one message per entry of ``chats`` at once; each call takes up to ``latency``."""
    spans: list[Span] = []

    async def one(chat: str) -> None:
        async with pacer.slot(chat, priority):
            start = time.monotonic()
            await asyncio.sleep(random.uniform(0, latency))
            spans.append((chat, start, time.monotonic()))

    await asyncio.gather(*(one(chat) for chat in chats))
    return spans


def busiest_window(spans: list[Span], window: float) -> int:
    """The most sends that may have arrived within one window (counting from the ends)."""
    worst = 0
    for _, start, _ in spans:
        worst = max(worst, sum(1 for _, s, e in spans if s <= start and e > start - window))
    return worst
