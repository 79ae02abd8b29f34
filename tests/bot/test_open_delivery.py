"""The composition root gives the delivery worker the Zalo channel's sender."""

from __future__ import annotations

from typing import Any

from bot.app import Services, open_delivery


class _ZaloSide:
    """What open_delivery asks of the Zalo channel: its sender."""

    def __init__(self, sender: Any) -> None:
        self._sender = sender

    def sender(self) -> Any:
        return self._sender


class _Sender:
    channel = "zalo"

    async def close(self) -> None:
        return None


async def test_zalo_sender_joins_the_worker(services: Services):
    worker = open_delivery(services, None, _ZaloSide(_Sender()))  # type: ignore[arg-type]
    assert worker is not None
    assert "zalo" in worker.throttles
    without = open_delivery(services, None)
    assert without is not None and "zalo" not in without.throttles
