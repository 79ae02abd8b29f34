"""One Zalo event that keeps failing in the store does not hold the citizen's next one."""

from __future__ import annotations

from storage import models
from tests.channels.poisoned import fake_seconds_until, outbox_texts
from tests.channels.test_zalo_dialogs import Zalo, citizen, fake_zalo, zalo  # noqa: F401
from tests.support.fake_zalo import ZaloCitizen
from tests.support.faults import failing_inserts


async def test_a_poisoned_event_is_given_up_quickly_and_the_next_one_answered(
    zalo: Zalo,  # noqa: F811
    citizen: ZaloCitizen,  # noqa: F811
):
    database = zalo.services.database
    bad, good = citizen.text("Cống trước nhà bị tắc"), citizen.text("/help")
    poisoned = f"NEW.update_id = 'msg:{bad['message']['msg_id']}'"
    async with failing_inserts(database, "processed_update", when=poisoned):
        assert await zalo.post(bad) == 200 and await zalo.post(good) == 200
        waited = await fake_seconds_until(
            lambda: len(zalo.fake.texts(citizen.id)) >= 1, zalo.channel.queue._clock,
            zalo.channel.queue.wake, database, models.ChannelUpdate,
        )  # fmt: skip
    assert round(waited, 1) == 3.0, f"the next event waited {waited} s for a poisoned one"
    await zalo.settled()
    async with database.unit_of_work() as store:
        assert await store.intake.counts("zalo") == {"failed": 1, "done": 1}
        [failed] = await store.intake.failed()
    assert failed.attempts == 3 and failed.error and failed.user_key == citizen.id
    [apology] = await outbox_texts(database, "zalo", citizen.id)
    assert "Xin lỗi" in apology and "0234 1022" in apology
