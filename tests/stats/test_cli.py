"""``huebot stats`` in table, JSON and CSV, checked against a plain count of the rows."""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import stats_cli
from bot.config import Runtime, load_settings, resolve_runtime
from handlers import City
from storage.db import Database
from storage.stats import DEFINITIONS, Period, StatsQuery
from tests.stats.history import NOW, Row, expected, generate, insert_history, local_day

CONFIG = Path(__file__).resolve().parents[2] / "config.yml"
HUE = ZoneInfo("Asia/Ho_Chi_Minh")
FIGURES = tuple(DEFINITIONS)


@pytest.fixture(scope="module")
def city() -> City:
    return load_settings(CONFIG).city


def parse(*argv: str) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    parser = argparse.ArgumentParser(prog="huebot")
    stats_cli.add_commands(parser.add_subparsers(dest="command"), common)
    return parser.parse_args(["stats", *argv])


def sqlite_runtime(tmp_path: Path) -> Runtime:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "HUEBOT_DATA_DIR": str(tmp_path)}
    return resolve_runtime(CONFIG, env)


def from_json(output: dict[str, Any]) -> dict[str, Any]:
    def figures(row: dict[str, Any]) -> dict[str, Any]:
        return {key: row[key] for key in FIGURES}

    return {
        "total": figures(output["total"]),
        "units": {row["code"]: figures(row) for row in output["units"]},
        "categories": {row["code"]: figures(row) for row in output["categories"]},
    }


def approx(want: dict[str, Any]) -> dict[str, Any]:
    def one(figures: dict[str, Any]) -> dict[str, Any]:
        return {k: pytest.approx(v) if isinstance(v, float) else v for k, v in figures.items()}

    return {
        "total": one(want["total"]),
        "units": {code: one(f) for code, f in want["units"].items()},
        "categories": {code: one(f) for code, f in want["categories"].items()},
    }


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_csv_total(row: dict[str, str], want: dict[str, Any]) -> None:
    assert row["scope"] == "total" and row["code"] == ""
    for name in ("received", "handled", "rejected", "open", "overdue", "late", "rated"):
        assert int(row[name]) == want[name], name
    assert abs(float(row["resolve_p50_hours"]) - want["resolve_p50_seconds"] / 3600) <= 0.05
    assert abs(float(row["resolve_p90_hours"]) - want["resolve_p90_seconds"] / 3600) <= 0.05
    assert abs(float(row["on_time_share"]) - want["on_time_share"]) <= 0.00005
    assert abs(float(row["satisfaction_rate"]) - want["satisfaction_rate"]) <= 0.00005


async def test_every_format_on_both_stores(database: Database, city: City):
    history = generate(city, 600, seed=9)
    await insert_history(database, city, history)
    query = StatsQuery(Period.local_days(date(2026, 10, 1), None, HUE, NOW), unit_code="hepco")
    stats = await stats_cli.collect(database, query, NOW)
    want = expected(
        history, NOW, lambda r: r["unit_code"] == "hepco" and local_day(r) >= date(2026, 10, 1)
    )
    output = json.loads(stats_cli.render(stats, city, "json"))
    assert from_json(output) == approx(want)
    assert output["filters"] == {"unit": "hepco", "category": None, "ward": None}
    assert output["period"]["since"] == "2026-10-01T00:00:00+07:00"
    assert output["units"][0]["name_en"] == city.unit("hepco").name.en
    assert output["definitions"] == DEFINITIONS
    rows = csv_rows(stats_cli.render(stats, city, "csv"))
    assert_csv_total(rows[0], want["total"])
    assert [r["code"] for r in rows if r["scope"] == "unit"] == ["hepco"]
    table = stats_cli.render(stats, city, "table")
    assert "Reports created 2026-10-01 00:00 to 2026-11-24 10:00" in table
    assert "unit hepco, category all" in table
    total_line = next(line for line in table.splitlines() if line.startswith("total"))
    assert total_line.split()[2] == str(want["total"]["received"])


async def test_run_prints_json_matching_a_plain_count(tmp_path: Path, city: City, capsys):
    runtime = sqlite_runtime(tmp_path)
    database = Database(runtime.database_url)
    await database.migrate()
    history = generate(city, 1500, seed=3, now=datetime.now(UTC))
    await insert_history(database, city, history)
    await database.dispose()
    since = datetime.now(HUE).date() - timedelta(days=30)
    args = parse("--since", since.isoformat(), "--category", "garbage", "--format", "json")
    assert await stats_cli.run(args, runtime) == 0
    output = json.loads(capsys.readouterr().out)
    now = datetime.fromisoformat(output["period"]["now"])

    def keep(row: Row) -> bool:
        return row["category"] == "garbage" and local_day(row) >= since

    assert from_json(output) == approx(expected(history, now, keep))


async def test_an_empty_store_in_every_format(tmp_path: Path, capsys):
    runtime = sqlite_runtime(tmp_path)
    assert await stats_cli.run(parse("--format", "json"), runtime) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["total"]["received"] == 0 and output["units"] == []
    assert output["total"]["on_time_share"] is None
    assert output["total"]["satisfaction_rate"] is None
    assert output["total"]["resolve_p50_seconds"] is None
    assert await stats_cli.run(parse("--format", "csv"), runtime) == 0
    rows = csv_rows(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0]["received"] == "0"
    assert rows[0]["on_time_share"] == "" and rows[0]["resolve_p90_hours"] == ""
    assert await stats_cli.run(parse(), runtime) == 0
    table = capsys.readouterr().out
    assert "—" in table and "(no reports in this period)" in table


async def test_figures_by_ward_match_a_plain_count(database: Database, city: City):
    history = generate(city, 400, seed=14)
    await insert_history(database, city, history)
    query = StatsQuery(Period(None, NOW))
    stats = await stats_cli.collect(database, query, NOW)
    counted: dict[str, int] = {}
    for row in history:
        counted[row["ward"] or ""] = counted.get(row["ward"] or "", 0) + 1
    assert {code: f.received for code, f in stats.wards} == counted
    output = json.loads(stats_cli.render(stats, city, "json"))
    vy_da = next(row for row in output["wards"] if row["code"] == "vy_da")
    assert vy_da["name_vi"] == "Phường Vỹ Dạ" and vy_da["received"] == counted["vy_da"]
    rows = csv_rows(stats_cli.render(stats, city, "csv"))
    assert sum(int(r["received"]) for r in rows if r["scope"] == "ward") == len(history)
    one = await stats_cli.collect(database, StatsQuery(Period(None, NOW), ward="vy_da"), NOW)
    assert one.total.received == counted["vy_da"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--unit", "nobody"), "unknown unit 'nobody'"),
        (("--ward", "atlantis"), "unknown ward 'atlantis'"),
        (("--category", "aliens"), "unknown category 'aliens'"),
        (("--since", "2026-11-02", "--until", "2026-11-01"), "since is after until"),
    ],
)
async def test_run_refuses_what_makes_no_sense(tmp_path: Path, capsys, argv, message):
    assert await stats_cli.run(parse(*argv), sqlite_runtime(tmp_path)) == 2
    assert message in capsys.readouterr().err


def test_a_malformed_date_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        parse("--since", "24/11/2026")
    assert stopped.value.code == 2
    assert "'24/11/2026' is not a date like 2026-11-24" in capsys.readouterr().err


def test_the_documentation_defines_every_key():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "stats.md").read_text(encoding="utf-8")
    for key in DEFINITIONS:
        assert f"`{key}`" in doc, key


def test_history_rows_are_what_the_cli_tests_expect(city: City):
    rows: list[Row] = generate(city, 600, seed=9)
    hepco = [r for r in rows if r["unit_code"] == "hepco"]
    assert len(hepco) > 20 and any(r["resolved_at"] for r in hepco)
