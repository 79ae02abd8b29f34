"""``huebot services import|list`` and the directory loaded at start, on both stores."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest

from bot import services_cli
from bot.config import Runtime
from storage.db import Database
from tests.services.conftest import LE_LOI, service_texts
from tests.support.chat import Chat

HEADER = "code,type,name_vi,name_en,address,ward,phone,hours,latitude,longitude,notes,active\n"
NEW_PHARMACY = (
    "nt_moi,pharmacy,Nhà thuốc Mới,New Pharmacy,1 Lê Lợi,,0234 3999 999,24/7,16.4638,107.591,,\n"
)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    services_cli.add_commands(commands, argparse.ArgumentParser(add_help=False))
    return parser.parse_args(["services", *argv])


def write(tmp_path: Path, text: str, name: str = "directory.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def codes(database: Database) -> list[str]:
    async with database.unit_of_work() as store:
        return [service.code for service in await store.services.listing()]


async def test_the_configured_sample_is_loaded_at_start_with_the_holidays(
    services, database: Database
):
    loaded = await codes(database)
    assert {"bv_trung_uong_hue", "hl_113", "st_quoc_hoc"} <= set(loaded)
    async with database.unit_of_work() as store:
        holidays = await store.services.holidays(date(2026, 9, 1), date(2026, 9, 30))
    assert [h.name_vi for h in holidays] == ["Quốc khánh", "Quốc khánh"]


async def test_start_keeps_a_directory_the_operator_imported(
    services, database: Database, runtime: Runtime, tmp_path: Path
):
    args = parse("import", str(write(tmp_path, HEADER + NEW_PHARMACY)), "--replace")
    assert await services_cli.execute(database, args, runtime) == 0
    await services_cli.load_at_start(database, runtime)
    assert await codes(database) == ["nt_moi"]


async def test_replacing_the_directory_takes_effect_without_a_restart(
    chat: Chat, database: Database, runtime: Runtime, tmp_path: Path, capsys
):
    await chat.send("nhà thuốc gần nhất")
    before = service_texts(await chat.send(location=LE_LOI))
    assert "Pharmacity Bến Nghé" in before[0]
    args = parse("import", str(write(tmp_path, HEADER + NEW_PHARMACY)), "--replace")
    assert await services_cli.execute(database, args, runtime) == 0
    assert "1 added, 0 updated, 52 removed" in capsys.readouterr().out
    shown = service_texts(await chat.send(location=LE_LOI))
    assert len(shown) == 1 and "Nhà thuốc Mới · cách 20 m" in shown[0]


async def test_import_without_replace_adds_and_updates(
    services, database: Database, runtime: Runtime, tmp_path: Path, capsys
):
    changed = NEW_PHARMACY + "hl_113,hotline,Công an,Police,,,113,24/7,,,Gọi ngay,\n"
    args = parse("import", str(write(tmp_path, HEADER + changed)))
    assert await services_cli.execute(database, args, runtime) == 0
    assert "1 added, 1 updated, 0 removed" in capsys.readouterr().out
    assert len(await codes(database)) == 53


async def test_a_malformed_file_changes_nothing_and_names_each_bad_line(
    services, database: Database, runtime: Runtime, tmp_path: Path, capsys
):
    before = await codes(database)
    bad = HEADER + NEW_PHARMACY + "x_2,pharmacy,,,,,,,,,,\nx_3,atm,ATM,,,,,,16.4,200,,\n"
    args = parse("import", str(write(tmp_path, bad)), "--replace")
    assert await services_cli.execute(database, args, runtime) == 1
    err = capsys.readouterr().err
    assert "not imported, nothing changed" in err
    assert "line 3: name_vi is empty" in err and "line 4: latitude 16.4 / longitude 200" in err
    assert await codes(database) == before


async def test_check_only_reads_the_file(
    services, database: Database, runtime: Runtime, tmp_path: Path, capsys
):
    args = parse("import", str(write(tmp_path, HEADER + NEW_PHARMACY)), "--check")
    assert await services_cli.execute(database, args, runtime) == 0
    assert "1 services, all rows valid" in capsys.readouterr().out
    assert "nt_moi" not in await codes(database)


async def test_list_shows_a_table(services, database: Database, runtime: Runtime, capsys):
    assert await services_cli.execute(database, parse("list", "--type", "atm"), runtime) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["CODE", "TYPE", "WARD", "PHONE", "HOURS", "ACTIVE", "NAME"]
    assert len(out) == 7 and all(" atm " in line for line in out[1:])


async def test_a_bad_configured_file_is_logged_and_the_bot_starts_without_it(
    database: Database, runtime: Runtime, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    await database.migrate()
    bad = write(tmp_path, HEADER + "x_1,pharmacy,X,,,,,,abc,1,,\n")
    services = runtime.settings.services.model_copy(update={"directory": bad})
    settings = runtime.settings.model_copy(update={"services": services})
    broken = Runtime(settings, runtime.config_path, runtime.data_dir, runtime.database_url, None)
    await services_cli.load_at_start(database, broken)
    assert await codes(database) == []
    assert "line 2: latitude 'abc'" in caplog.text
