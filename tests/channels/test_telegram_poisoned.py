"""One update that keeps failing in the store does not hold the chat: given up in seconds."""

from __future__ import annotations

from typing import Any

import pytest

from bot import ops_cli
from handlers import say
from storage import models
from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram
from tests.channels.poisoned import fake_seconds_until, outbox_texts
from tests.support.faults import failing_inserts

HOTLINE = "0234 1022"


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
async def test_a_poisoned_update_is_given_up_quickly_and_the_next_one_answered(
    telegram: Telegram, citizen: Citizen, capsys: Any
):
    database, bot_id = telegram.services.database, telegram.channel.settings.bot_id
    bad, good = citizen.text("Cống trước nhà bị tắc"), citizen.text("/help")
    poisoned = f"NEW.update_id = '{bot_id}:{bad['update_id']}'"
    async with failing_inserts(database, "processed_update", when=poisoned):
        assert await telegram.deliver(bad, good) == [200, 200]
        answered = say("vi", "help")
        waited = await fake_seconds_until(
            lambda: answered in telegram.fake.texts(citizen.id), telegram.clock,
            telegram.channel.queue.wake, database, models.ChannelUpdate,
        )  # fmt: skip
    assert round(waited, 1) == 3.0, f"the next message waited {waited} s for a poisoned one"
    await telegram.settled()
    async with database.unit_of_work() as store:
        assert await store.intake.counts("telegram") == {"failed": 1, "done": 1}
        [failed] = await store.intake.failed()
    assert failed.attempts == 3 and failed.error and "Cống" not in failed.error
    [apology] = await outbox_texts(database, "telegram", str(citizen.id))
    assert "Xin lỗi" in apology and HOTLINE in apology
    async with database.unit_of_work() as store:
        assert await ops_cli.print_failed(store, 10) == 0
    listed = capsys.readouterr().out
    assert f"{bot_id}:{bad['update_id']}" in listed and failed.error in listed
