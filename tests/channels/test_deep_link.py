"""Deep links: a QR code opens the report dialog with its kind and place, on any channel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from qrcode import QRCode
from qrcode.constants import ERROR_CORRECT_M

from bot.cli import main
from bot.qr_cli import QrError, deep_link_url, make_qr, write_png
from handlers import say
from storage.db import Database
from storage.records import ReportFilter
from tests.channels.citizen import Citizen
from tests.channels.conftest import Telegram
from tests.conftest import CONFIG
from tests.support.chat import Chat
from tests.support.clock import FakeClock

NOTE = "Cột đèn 12 Lê Lợi"


async def new_link(database: Database, clock: FakeClock, ward: str | None = "vy_da") -> str:
    async with database.unit_of_work() as store:
        return (await store.deep_links.create("lighting", ward, NOTE, clock())).id


@pytest.fixture
def chat(database: Database, services: Any, nlu_parser: Any, clock: FakeClock) -> Chat:
    return Chat(database, services.runtime.settings.city, nlu_parser, clock)


async def test_a_deep_link_opens_a_report_with_its_kind_ward_and_place(
    chat: Chat, database: Database, clock: FakeClock
):
    link = await new_link(database, clock)
    replies = await chat.send(f"/start {link}")
    assert "Đèn chiếu sáng công cộng" in replies[0].text and NOTE in replies[0].text
    assert replies[-1].text == say("vi", "report.ask_description")
    await chat.send("Đèn đường không sáng, cả đoạn tối om")
    await chat.press("report:skip_photo")  # the place is known: straight to the photo
    if "report:send" not in chat.payloads():
        await chat.press("report:cat:lighting")
    await chat.press("report:send")
    async with database.unit_of_work() as store:
        [report] = await store.reports.search(ReportFilter())
    assert (report.category, report.ward, report.address) == ("lighting", "vy_da", NOTE)
    assert report.unit_code == "chieu_sang"


@pytest.mark.parametrize("payload", ["unknown123", "bad payload!", "x" * 80])
async def test_an_unknown_link_says_so_and_welcomes(chat: Chat, payload: str):
    replies = await chat.send(f"/start {payload}")
    assert replies[0].text == say("vi", "deeplink.unknown")
    assert replies[1].text == say("vi", "welcome")


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
async def test_a_deep_link_works_on_telegram(
    telegram: Telegram, citizen: Citizen, clock: FakeClock
):
    link = await new_link(telegram.services.database, clock, ward=None)
    intro, ask = await telegram.replies_after(2, citizen.text(f"/start {link}"))
    assert NOTE in intro and ask == say("vi", "report.ask_description")


async def test_the_qr_command_stores_the_link_and_draws_it(
    services: Any, tmp_path: Path, database: Database
):
    url, path = await make_qr(
        services.runtime, "lighting", "vy_da", NOTE, "HueBot", tmp_path / "lamp.png", database
    )
    link_id = url.rsplit("=", 1)[1]
    assert url == deep_link_url("@HueBot", link_id) == f"https://t.me/HueBot?start={link_id}"
    async with database.unit_of_work() as store:
        link = await store.deep_links.get(link_id)
    assert link is not None and (link.category, link.ward, link.note) == (
        "lighting",
        "vy_da",
        NOTE,
    )
    assert modules(path) == expected_modules(url)


@pytest.mark.parametrize(
    ("category", "ward", "problem"),
    [("lamps", None, "unknown category"), ("lighting", "nowhere", "unknown ward")],
)
async def test_the_qr_command_refuses_unknown_kinds_and_wards(
    services: Any, tmp_path: Path, category: str, ward: str | None, problem: str
):
    with pytest.raises(QrError, match=problem):
        await make_qr(services.runtime, category, ward, None, "HueBot", tmp_path / "x.png")


def test_huebot_qr_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("HUEBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    out = tmp_path / "qr.png"
    argv = ["--config", str(CONFIG), "qr", "--category", "lighting", "--ward", "vy_da",
            "--note", NOTE, "--bot", "HueBot", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    url, written = capsys.readouterr().out.split()
    assert url.startswith("https://t.me/HueBot?start=") and Path(written) == out
    assert modules(out) == expected_modules(url)
    assert main(["--config", str(CONFIG), "qr", "--category", "lighting"]) == 2  # no bot name


def expected_modules(url: str) -> list[list[bool]]:
    code = QRCode(error_correction=ERROR_CORRECT_M, box_size=10)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def modules(path: Path) -> list[list[bool]]:
    """Read the dark and light modules back from the PNG (the centre of each box)."""
    with Image.open(path) as image:
        grey = image.convert("L")
        count = grey.width // 10
        return [
            [grey.getpixel((x * 10 + 5, y * 10 + 5)) < 128 for x in range(count)]  # type: ignore[operator]
            for y in range(count)
        ]


def test_write_png_makes_parent_folders(tmp_path: Path):
    path = tmp_path / "a" / "b.png"
    write_png("https://t.me/HueBot?start=abc", path)
    assert path.is_file()
