"""CAP files and alert texts are bounded: no DTD in any encoding, 1 MB files, one message.

And an alert's text is stored once: every recipient's outbox row only refers to it.
On SQLite and PostgreSQL where a store is involved.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.alerts_cli import read_cap_file
from bot.app import Services
from handlers import City
from handlers.alerts.cap import MAX_CAP_BYTES, parse_cap
from handlers.alerts.fit import MESSAGE_CHARS
from handlers.alerts.issue import AlertProblem, issue
from storage import models
from storage.db import Database, downgrade, upgrade
from tests.alerts.support import alert_texts, subscribe
from tests.delivery.support import add_users

FIXTURES = Path(__file__).parent / "fixtures"
NOTE = "bản tin đã được rút gọn"


def cap(description: str = "Mực nước lên 4,6 m.", now: datetime | None = None) -> str:
    """The flood alert, sent an hour ago and in force for a day, with ``description``."""
    now = now or datetime.now(UTC)
    text = (FIXTURES / "cap_flood.xml").read_text()
    text = re.sub(
        r"<sent>.*?</sent>", f"<sent>{(now - timedelta(hours=1)).isoformat()}</sent>", text
    )
    text = re.sub(
        r"<expires>.*?</expires>",
        f"<expires>{(now + timedelta(days=1)).isoformat()}</expires>",
        text,
    )
    return re.sub(
        r"<description>Mực nước.*?</description>",
        f"<description>{description}</description>",
        text,
    )


def with_dtd(text: str) -> str:
    """The alert with an internal DTD whose entities grow a thousandfold."""
    dtd = ('<!DOCTYPE alert [<!ENTITY a "aaaaaaaaaa">'
           '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')  # fmt: skip
    body = text.split("?>", 1)[1].replace("Mực nước lên 4,6 m.", "&c;")
    return dtd + body


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8"])
def test_a_dtd_is_refused_in_any_encoding(city: City, encoding: str):
    declared = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    text = f'<?xml version="1.0" encoding="{declared}"?>' + with_dtd(cap())
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data  # the byte order mark, as editors write it
    assert b"<!DOCTYPE" not in data or encoding == "utf-8"
    with pytest.raises(AlertProblem, match="DTD"):
        parse_cap(data, city)


def test_a_file_over_one_megabyte_is_refused_before_it_is_read(tmp_path: Path, city: City):
    path = tmp_path / "big.xml"
    path.write_text(cap("lũ " * 700_000))  # about 2 MB
    assert path.stat().st_size > 2 * MAX_CAP_BYTES - 200_000
    with pytest.raises(AlertProblem, match="1024 KB"):
        read_cap_file(path)
    with pytest.raises(AlertProblem, match="1024 KB"):
        parse_cap(path.read_bytes(), city)
    small = tmp_path / "small.xml"
    small.write_text(cap())
    assert parse_cap(read_cap_file(small), city).content is not None


async def issue_to_two(services: Services, city: City, description: str) -> int:
    now = datetime.now(UTC)
    database = services.database
    people = await add_users(database, "telegram", (501, 502), now)
    await add_users(database, "telegram", (503,), now, language="en")
    for person in people:
        await subscribe(database, person, "vy_da", now=now)
    message = parse_cap(cap(description, now).encode(), city)
    assert message.content is not None
    async with database.unit_of_work() as store:
        issued = await issue(store, city, message.content, now)
    assert issued.recipients == 2
    return issued.alert_id


async def test_a_long_description_is_cut_to_one_message_with_a_note(
    services: Services, city: City
):
    description = "Mực nước sông Hương đang lên nhanh. " * 3000  # 108,000 characters
    alert_id = await issue_to_two(services, city, description)

    texts = await alert_texts(services.database, alert_id)
    assert set(texts) == {"501", "502"}
    for text in texts.values():
        assert len(text) <= MESSAGE_CHARS and NOTE in text
        assert "Mực nước sông Hương đang lên nhanh." in text


async def test_outbox_rows_refer_to_the_text_instead_of_copying_it(services: Services, city: City):
    alert_id = await issue_to_two(services, city, "Nước lên rất nhanh. " * 150)  # 3,000 chars

    async with services.database.engine.connect() as conn:
        payloads = (
            await conn.scalars(
                select(models.Outbox.payload).where(models.Outbox.alert_id == alert_id)
            )
        ).all()
        stored = await conn.scalar(
            select(models.Alert.payloads).where(models.Alert.id == alert_id)
        )
    assert len(payloads) == 2
    assert all(len(json.dumps(payload)) < 100 for payload in payloads)
    assert stored is not None and "Nước lên rất nhanh." in json.dumps(stored, ensure_ascii=False)
    texts = await alert_texts(services.database, alert_id)
    assert all("Nước lên rất nhanh." in text for text in texts.values())


async def test_the_migration_goes_down_with_the_texts_and_up_again(
    store_kind: str, request: pytest.FixtureRequest, tmp_path: Path, city: City
):
    admin, schema = None, None
    if store_kind == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'm.db'}")
    else:
        url, _ = request.getfixturevalue("postgres_schema")
        schema = f"huebot_texts_{uuid.uuid4().hex[:8]}"
        admin = Database(url)
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        database = Database(url, schema=schema)
    try:
        await upgrade(database.engine)
        alert_id = await issue_stored(database, city)
        await downgrade(database.engine, "0009")
        async with database.engine.connect() as conn:
            rows = (await conn.execute(select(_outbox_payload()))).all()
        assert len(rows) == 2
        assert all("Nước lên" in r[0]["replies"][0]["text"] for r in rows)
        await upgrade(database.engine)
        assert set((await alert_texts(database, alert_id)).values())
    finally:
        await database.dispose()
        if admin is not None:
            async with admin.engine.begin() as conn:
                await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            await admin.dispose()


def _outbox_payload() -> Any:
    from sqlalchemy import JSON, column, table

    return table("outbox", column("payload", JSON)).c.payload


async def issue_stored(database: Database, city: City) -> int:
    now = datetime.now(UTC)
    people = await add_users(database, "telegram", (601, 602), now)
    for person in people:
        await subscribe(database, person, "vy_da", now=now)
    message = parse_cap(cap("Nước lên nhanh.", now).encode(), city)
    assert message.content is not None
    async with database.unit_of_work() as store:
        return (await issue(store, city, message.content, now)).alert_id
