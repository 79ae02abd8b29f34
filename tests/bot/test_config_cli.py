"""config.yml validation and the huebot command line, run as a real process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import ConfigError, load_settings, resolve_runtime
from storage.db import Database
from storage.records import NewReport

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config.yml"
NOW_ISO = "2026-11-24T08:00:00+00:00"


def huebot(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write_config(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "config.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_config_is_valid_and_covers_the_city():
    city = load_settings(CONFIG).city
    assert len(city.categories) == 14 and len(city.wards) == 40
    assert city.route("water_supply", None).code == "huewaco"
    assert city.route("construction", "kim_long").code == "ubnd_kim_long"
    assert city.route("flooding", "a_luoi_2").code == "ubnd_a_luoi_2"
    assert city.route("flooding", "vy_da").code == "hepco"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["city"]["categories"][1].update(deadline_hours=-5),
            "city.categories[1].deadline_hours: Input should be greater than 0 (got -5)",
        ),
        (
            lambda d: d["city"]["categories"][0].update(unit="nobody"),
            "category flooding unit: 'nobody' is not defined",
        ),
        (lambda d: d["city"]["categories"].pop(), "categories missing: disaster"),
        (
            lambda d: d["server"].update(port="eighty"),
            "server.port: Input should be a valid integer",
        ),
        (lambda d: d.update(colour="blue"), "colour: Extra inputs are not permitted"),
        (lambda d: d["city"].update(timezone="Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_invalid_config_names_the_file_the_field_and_the_expectation(tmp_path, change, expected):
    path = write_config(tmp_path, change)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(path) in str(caught.value) and expected in str(caught.value)


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    path = tmp_path / "config.yml"
    path.write_text("city:\n  name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid YAML: line \d+, column \d+"):
        load_settings(path)


def test_invalid_config_stops_the_command_without_a_traceback(tmp_path):
    path = write_config(tmp_path, lambda d: d["city"]["units"][0].update(code="Bad Code!"))
    done = huebot("--config", str(path), "db", "upgrade", env={})
    assert done.returncode == 2
    assert "invalid configuration" in done.stderr and "city.units[0].code" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_config_file_is_a_clear_error(tmp_path):
    done = huebot("db", "upgrade", env={"HUEBOT_CONFIG": str(tmp_path / "nope.yml")})
    assert done.returncode == 2 and "cannot read the file" in done.stderr


def test_environment_overrides_store_and_data_folder(tmp_path):
    env = {"DATABASE_URL": "postgresql://h/db", "HUEBOT_DATA_DIR": str(tmp_path)}
    runtime = resolve_runtime(CONFIG, env)
    assert runtime.database_url == "postgresql://h/db" and runtime.media_dir == tmp_path / "media"
    default = resolve_runtime(CONFIG, {})
    assert default.database_url == f"sqlite:///{ROOT / 'data' / 'huebot.db'}"


def test_help_lists_the_commands():
    done = huebot("--help", env={})
    assert done.returncode == 0
    for command in ("run", "db", "reports", "users", "units", "stats", "nlu"):
        assert command in done.stdout


def test_reports_list_and_show(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "HUEBOT_DATA_DIR": str(tmp_path)}
    assert huebot("db", "upgrade", env=env).returncode == 0
    empty = huebot("reports", "list", env=env)
    assert empty.returncode == 0 and "(no reports)" in empty.stdout
    code = asyncio.run(_file_a_report(env["DATABASE_URL"]))
    listing = huebot("reports", "list", env=env)
    assert code in listing.stdout and "flooding" in listing.stdout and "vy_da" in listing.stdout
    assert "2026-11-24 15:00" in listing.stdout  # Huế time
    shown = huebot("reports", "show", code.lower(), env=env)
    assert shown.returncode == 0
    assert "- -> received" in shown.stdout and "45 Nguyễn Sinh Cung" in shown.stdout
    missing = huebot("reports", "show", "PA-1", env=env)
    assert missing.returncode == 1 and "no report PA-1" in missing.stderr


async def _file_a_report(url: str) -> str:
    from datetime import datetime, timedelta

    now = datetime.fromisoformat(NOW_ISO)
    database = Database(url)
    async with database.unit_of_work() as store:
        user = await store.users.get_or_create("webchat", "cli-test", now)
        report = await store.reports.create(
            NewReport(
                user.id,
                "webchat",
                "Ngập sâu",
                "flooding",
                "hepco",
                now,
                now + timedelta(hours=24),
                ward="vy_da",
                address="45 Nguyễn Sinh Cung",
            )
        )
    await database.dispose()
    return report.code


def test_run_migrates_serves_the_chat_and_stops_cleanly(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}",
        "HUEBOT_DATA_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/", server)
        assert "HueBot" in page
        assert '"ok"' in _get_when_up(f"http://127.0.0.1:{port}/healthz", server)
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
    assert "Traceback" not in output


def _get_when_up(url: str, server: subprocess.Popen, limit: float = 120) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.communicate()[0])
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"{url} did not answer within {limit} s")


def test_users_grant_list_revoke_and_unit_invites(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'u.db'}", "HUEBOT_DATA_DIR": str(tmp_path)}
    granted = huebot(
        "users",
        "grant",
        "--channel",
        "telegram",
        "--id",
        "4242",
        "--role",
        "official",
        "--unit",
        "hepco",
        env=env,
    )
    assert granted.returncode == 0 and "official hepco" in granted.stdout
    assert (
        huebot(
            "users", "grant", "--channel", "zalo", "--id", "77", "--role", "supervisor", env=env
        ).returncode
        == 0
    )
    listing = huebot("users", "list", env=env)
    assert "4242" in listing.stdout and "supervisor" in listing.stdout
    no_unit = huebot(
        "users", "grant", "--channel", "telegram", "--id", "1", "--role", "official", env=env
    )
    assert no_unit.returncode == 2 and "needs --unit" in no_unit.stderr
    bad_unit = huebot("units", "invite", "nowhere", env=env)
    assert bad_unit.returncode == 2 and "no unit 'nowhere'" in bad_unit.stderr
    invite = huebot("units", "invite", "huewaco", env=env)
    assert invite.returncode == 0 and "/join " in invite.stdout
    assert (
        huebot("users", "revoke", "--channel", "telegram", "--id", "4242", env=env).returncode == 0
    )
    assert "4242" not in huebot("users", "list", env=env).stdout
    missing = huebot("users", "revoke", "--channel", "telegram", "--id", "9", env=env)
    assert missing.returncode == 1


def test_reports_show_gives_the_private_path_of_each_photo(tmp_path):
    from bot.config import resolve_runtime as resolve
    from bot.media import MediaStore
    from bot.reports_cli import format_report
    from storage.records import PhotoRecord, ReportRecord
    from tests.support.images import jpeg

    runtime = resolve(CONFIG, {"HUEBOT_DATA_DIR": str(tmp_path)})
    ref = MediaStore(runtime.media_dir).ingest(jpeg())
    created = __import__("datetime").datetime.fromisoformat(NOW_ISO)
    photo = PhotoRecord(1, ref.sha256, "image/jpeg", ref.size, ref.width, ref.height)
    report = ReportRecord(
        1,
        "PA-10001",
        1,
        "webchat",
        "ngập",
        "flooding",
        "hepco",
        "received",
        created,
        created,
        photos=(photo,),
    )
    shown = format_report(report, runtime)
    path = MediaStore(runtime.media_dir).original_path(ref.sha256)
    assert path is not None and str(path) in shown and path.suffix == ".jpg"
