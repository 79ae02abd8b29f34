"""The composition root gives the delivery worker the Zalo channel's sender and pacer."""

from __future__ import annotations

from typing import Any

from bot.app import Services, open_delivery
from bot.channels.pacer import Limits, Pacer


class _ZaloSide:
    """What open_delivery asks of the Zalo channel: its sender and its pacer."""

    def __init__(self, sender: Any) -> None:
        self._sender = sender
        self.pacer = Pacer(Limits(per_second=10, groups=False), name="zalo")

    def sender(self) -> Any:
        return self._sender


class _Sender:
    channel = "zalo"

    async def close(self) -> None:
        return None


async def test_zalo_sender_joins_the_worker(services: Services):
    zalo = _ZaloSide(_Sender())
    worker = open_delivery(services, None, zalo)  # type: ignore[arg-type]
    assert worker is not None
    assert worker.pacers["zalo"] is zalo.pacer  # replies and outbox rows share it
    without = open_delivery(services, None)
    assert without is not None and "zalo" not in without.pacers
