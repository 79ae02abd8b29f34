"""Who an alert reaches, in which language, once; updates, cancels and expiry."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import update

from handlers import City
from handlers.alerts.issue import PRIORITY, AlertProblem, cancel, draft, issue
from storage import models
from storage.alerts import AlertContent
from storage.db import Database
from tests.alerts.support import alert_rows, alert_texts, opt_out, report_in, subscribe
from tests.delivery.support import add_users
from tests.support.clock import FakeClock


def alert(clock: FakeClock, severity: str = "Severe", wards: tuple[str, ...] = ("vy_da", "an_cuu"),
          **extra: object) -> AlertContent:  # fmt: skip
    return draft("Mưa lớn gây ngập", "Ngập sâu 0,5 m ven sông Hương.", severity=severity,
                 whole_city=not wards, wards=wards, now=clock(), sender="Thành phố Huế",
                 **extra)  # fmt: skip


async def send(db: Database, city: City, content: AlertContent, clock: FakeClock) -> int:
    async with db.unit_of_work() as store:
        return (await issue(store, city, content, clock())).alert_id


async def test_a_ward_alert_reaches_subscribers_and_recent_reporters_once(
    db: Database, city: City, clock: FakeClock
):
    users = await add_users(db, "telegram", range(1, 9), clock())
    sub_vy, sub_an, sub_far, rep_an, rep_moved, both, quiet, blocked = users
    await subscribe(db, sub_vy, "vy_da", now=clock())
    await subscribe(db, sub_an, "an_cuu", "kim_long", now=clock())
    await subscribe(db, sub_far, "kim_long", now=clock())
    await report_in(db, city, rep_an, "an_cuu", clock())
    await report_in(db, city, rep_moved, "vy_da", clock() - timedelta(days=30))
    await report_in(db, city, rep_moved, "phu_xuan", clock())  # the last report counts
    await subscribe(db, both, "vy_da", now=clock())
    await report_in(db, city, both, "vy_da", clock())
    await report_in(db, city, quiet, "vy_da", clock())
    await opt_out(db, quiet, clock())
    await subscribe(db, blocked, "vy_da", now=clock())
    async with db.unit_of_work() as store:
        await store.users.set_reachable("telegram", blocked.external_id, False)
    alert_id = await send(db, city, alert(clock), clock)
    assert set(await alert_rows(db, alert_id)) == {"1", "2", "4", "6"}


async def test_a_whole_city_severe_alert_reaches_everyone_but_those_who_opted_out(
    db: Database, city: City, clock: FakeClock
):
    users = await add_users(db, "telegram", range(11, 15), clock())
    users += await add_users(db, "webchat", ("page-a",), clock())
    await opt_out(db, users[0], clock())
    await opt_out(db, users[1], clock())
    await subscribe(db, users[1], "vy_da", now=clock())  # a subscription still counts
    alert_id = await send(db, city, alert(clock, wards=()), clock)
    assert set(await alert_rows(db, alert_id)) == {"12", "13", "14", "page-a"}


async def test_a_whole_city_moderate_alert_reaches_only_those_who_follow_a_ward(
    db: Database, city: City, clock: FakeClock
):
    follower, reporter, _other = await add_users(db, "telegram", (21, 22, 23), clock())
    await subscribe(db, follower, "kim_long", now=clock())
    await report_in(db, city, reporter, "a_luoi_1", clock())
    alert_id = await send(db, city, alert(clock, "Moderate", wards=()), clock)
    assert set(await alert_rows(db, alert_id)) == {"21", "22"}


async def test_each_citizen_reads_the_alert_in_their_language_where_it_has_one(
    db: Database, city: City, clock: FakeClock
):
    (vi_user,) = await add_users(db, "telegram", (31,), clock())
    (en_user,) = await add_users(db, "telegram", (32,), clock(), language="en")
    for user in (vi_user, en_user):
        await subscribe(db, user, "vy_da", now=clock())
    english = {"en": {"headline": "Heavy rain, flooding", "description": "Half a metre of water.",
                      "instruction": "Stay indoors."}}  # fmt: skip
    texts = await alert_texts(db, await send(db, city, alert(clock, translations=english), clock))
    assert "Mưa lớn gây ngập" in texts["31"] and "CẢNH BÁO" in texts["31"]
    assert "Heavy rain, flooding" in texts["32"] and "WARNING" in texts["32"]
    assert "Stay indoors." in texts["32"]
    no_english = await alert_texts(db, await send(db, city, alert(clock), clock))
    assert "Mưa lớn gây ngập" in no_english["32"] and "WARNING" in no_english["32"]


async def test_an_update_replaces_the_alert_it_references(
    db: Database, city: City, clock: FakeClock
):
    (user,) = await add_users(db, "telegram", (41,), clock())
    await subscribe(db, user, "vy_da", now=clock())
    first = await send(db, city, alert(clock), clock)
    second = await send(db, city, alert(clock, references_id=first, msg_type="Update"), clock)
    assert await alert_rows(db, first) == {"41": "cancelled"}
    assert await alert_rows(db, second) == {"41": "pending"}
    async with db.unit_of_work() as store:
        old = await store.alerts.get(first)
    assert old is not None and old.status == "replaced"
    assert f"#{first}" in (await alert_texts(db, second))["41"]


async def test_cancelling_an_alert_stops_its_undelivered_messages(
    db: Database, city: City, clock: FakeClock
):
    users = await add_users(db, "telegram", (51, 52), clock())
    for user in users:
        await subscribe(db, user, "an_cuu", now=clock())
    alert_id = await send(db, city, alert(clock), clock)
    async with db.unit_of_work() as store:
        await store.outbox._session.execute(  # one was delivered already
            update(models.Outbox).where(models.Outbox.alert_id == alert_id)
            .where(models.Outbox.user_id == users[0].id).values(status="sent")
        )  # fmt: skip
        assert await cancel(store, alert_id, clock()) == 1
        assert await cancel(store, 999, clock()) is None
    assert await alert_rows(db, alert_id) == {"51": "sent", "52": "cancelled"}


async def test_alerts_are_queued_before_routine_notices_by_severity(
    db: Database, city: City, clock: FakeClock
):
    assert PRIORITY["Extreme"] < PRIORITY["Severe"] < PRIORITY["Moderate"] < 3


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"wards": ("atlantis",)}, "unknown ward"),
        ({"severity": "Catastrophic"}, "severity"),
        ({"headline": " "}, "headline"),
        ({"whole_city": False, "wards": ()}, "no ward"),
    ],
)
async def test_an_alert_that_cannot_be_delivered_is_refused(
    db: Database, city: City, clock: FakeClock, change: dict[str, object], problem: str
):
    with pytest.raises(AlertProblem, match=problem):
        await send(db, city, replace(alert(clock), **change), clock)  # type: ignore[arg-type]


async def test_an_expired_alert_is_refused(db: Database, city: City, clock: FakeClock):
    content = alert(clock, expires_at=clock() - timedelta(minutes=1))
    with pytest.raises(AlertProblem, match="expired"):
        await send(db, city, content, clock)
