"""`huebot places find|at|test|check` and the `places:` section of config.yml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.config import ConfigError, load_settings, resolve_runtime
from places.config import DATA_DIR
from places.geo import metres_between

ROOT = Path(__file__).resolve().parents[2]


def test_find_shows_what_is_understood(capsys: pytest.CaptureFixture[str]):
    assert main(["places", "find", "kiet 12 Nguyen Hue"]) == 0
    out = capsys.readouterr().out
    assert "📍 kiệt 12 Nguyễn Huệ, phường Thuận Hóa" in out
    assert "alley 12 Nguyễn Huệ, Thuận Hóa ward" in out
    assert "ward: phường Thuận Hóa (thuan_hoa)" in out


def test_find_without_a_place_says_so(capsys: pytest.CaptureFixture[str]):
    assert main(["places", "find", "đèn đường hỏng"]) == 1
    assert "Không thấy địa điểm" in capsys.readouterr().out


def test_at_as_json(capsys: pytest.CaptureFixture[str]):
    assert main(["places", "at", "16.4637", "107.5909", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ward"] == "thuan_hoa" and data["kind"] == "point" and data["usable"]


def test_at_outside_the_city(capsys: pytest.CaptureFixture[str]):
    assert main(["places", "at", "21.0278", "105.8342"]) == 1
    assert "ngoài thành phố Huế" in capsys.readouterr().out


def test_test_reports_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "places.json"
    assert main(["places", "test", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "heldout" in printed and "pins: 79 points" in printed
    results = json.loads(out.read_text(encoding="utf-8"))
    held = results["heldout"]
    assert held["messages"] >= 150 and results["dev"]["messages"] >= 150
    assert held["ward_accuracy"] >= 0.95
    assert held["would_ask_where_rate"] <= 0.1
    assert held["false_place_rate"] == 0.0
    assert held["street"]["f1"] >= 0.9 and held["landmark"]["f1"] >= 0.9


def test_config_paths_replace_the_shipped_files(tmp_path: Path, capsys):
    (tmp_path / "gis").mkdir()
    streets = (DATA_DIR / "streets.csv").read_text(encoding="utf-8")
    (tmp_path / "gis" / "streets.csv").write_text(
        streets + "Mới Thử,,plain,thuy_xuan,,16.44 107.56;16.43 107.57\n", encoding="utf-8"
    )
    config = tmp_path / "config.yml"
    config.write_text(yaml.safe_dump({"places": {"streets": "gis/streets.csv"}}), "utf-8")
    assert main(["places", "--config", str(config), "find", "ổ gà đường Mới Thử"]) == 0
    assert "phường Thủy Xuân" in capsys.readouterr().out
    assert main(["places", "--config", str(config), "check"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "gis" / "streets.csv") in out
    assert "boundaries vs tables:" in out and "of 79 landmarks outside their ward" in out


def test_a_bad_places_section_is_a_clear_error(tmp_path: Path, capsys):
    config = tmp_path / "config.yml"
    config.write_text("places:\n  streets: missing.csv\n", encoding="utf-8")
    assert main(["places", "--config", str(config), "check"]) == 2
    assert "missing.csv: cannot read" in capsys.readouterr().err
    config.write_text("places:\n  street: x.csv\n", encoding="utf-8")
    assert main(["places", "--config", str(config), "check"]) == 2


def test_the_shipped_config_has_a_places_section_the_runtime_resolves(tmp_path: Path):
    settings = load_settings(ROOT / "config.yml")
    assert settings.places.reload_check_seconds == 5
    raw = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    raw["places"] = {"wards": "gis/w.geojson"}
    config = tmp_path / "config.yml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    paths = resolve_runtime(config, env={}).places_paths
    assert paths.wards == tmp_path / "gis" / "w.geojson"
    assert paths.streets == DATA_DIR / "streets.csv"
    raw["places"] = {"wardz": "x"}
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"places\.wardz"):
        load_settings(config)


def test_metres_between_is_right_at_huế() -> None:
    # one minute of latitude is 1,852 m
    assert metres_between((16.0, 107.0), (16.0 + 1 / 60, 107.0)) == pytest.approx(1853, rel=0.002)
