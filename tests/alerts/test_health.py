"""Health and COVID notices: alerts of category Health, given on request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from handlers import City
from handlers.alerts.health import is_health_question
from handlers.alerts.issue import draft, issue
from storage.db import Database
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def notice(db: Database, city: City, clock: FakeClock, headline: str, category: str,
                 hours: float = 24) -> None:  # fmt: skip
    content = draft(headline, "Chi tiết từ CDC Huế.", severity="Moderate", whole_city=True,
                    wards=(), now=clock(), sender="CDC Huế", category=category,
                    expires_at=clock() + timedelta(hours=hours))  # fmt: skip
    async with db.unit_of_work() as store:
        await issue(store, city, content, clock())


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("có ca covid nào mới không", True),
        ("dengue in Huế?", True),
        ("tình hình sốt xuất huyết ở Huế thế nào", True),
        ("có dịch gì không", True),
        ("Có ổ dịch sốt xuất huyết ở kiệt 5 Vỹ Dạ, đề nghị phun thuốc muỗi", False),
        ("dịch vụ công ở đâu?", False),
        ("đường bị ngập", False),
    ],
)
def test_questions_about_diseases_are_recognised(text: str, asks: bool):
    assert is_health_question(text) is asks


async def test_the_latest_health_notices_in_force_are_given(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    await notice(db, city, clock, "Ghi nhận 12 ca sốt xuất huyết mới", "Health")
    clock.advance(hours=1)
    await notice(db, city, clock, "Ca COVID-19 mới tại Huế", "Health")
    await notice(db, city, clock, "Mưa lớn", "Met")
    await notice(db, city, clock, "Hết hạn: ca cúm A", "Health", hours=0.5)
    clock.advance(hours=1)
    chat = Chat(db, city, parser, clock, user="mai")
    await chat.send("có ca covid nào mới không")
    texts = [reply.text for reply in chat.last]
    assert texts[0].startswith("Các thông báo y tế đang có hiệu lực")
    assert "Ca COVID-19 mới tại Huế" in texts[1] and "sốt xuất huyết" in texts[2]
    assert len(texts) == 3


async def test_without_a_notice_the_citizen_is_told_where_to_ask(
    db: Database, city: City, parser: Any, clock: FakeClock
):
    chat = Chat(db, city, parser, clock, user="john", locale="en")
    await chat.send("dengue in Huế?")
    assert "no health or disease notice in force" in chat.texts()
    assert "0234 3822 384" in chat.texts()
