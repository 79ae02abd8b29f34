"""``huebot crisis``: switched on per ward or for the city, off again, and its status."""

from __future__ import annotations

import pytest

from bot.cli import main


@pytest.fixture
def sqlite_env(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'crisis.db'}")


def test_crisis_mode_goes_on_for_a_ward_and_the_city_and_off(sqlite_env, capsys):
    assert main(["crisis", "on", "--area", "vy_da", "--reason", "lũ lên nhanh"]) == 0
    assert main(["crisis", "on", "--area", "vy_da"]) == 0
    assert main(["crisis", "on", "--area", "all"]) == 0
    assert main(["crisis", "status"]) == 0
    out = capsys.readouterr().out
    assert "crisis mode on for vy_da" in out
    assert "crisis mode was already on for vy_da" in out
    assert "crisis: vy_da since" in out and "lũ lên nhanh" in out
    assert "crisis: the whole city since" in out
    assert "urgent reports nobody has acknowledged: 0" in out
    assert main(["crisis", "off", "--area", "vy_da"]) == 0
    assert main(["crisis", "off"]) == 0
    assert main(["crisis", "status"]) == 0
    out = capsys.readouterr().out
    assert "crisis mode off for 1 area(s)" in out
    assert "no area is in crisis mode" in out


def test_an_unknown_area_is_refused_with_the_known_ones(sqlite_env, capsys):
    assert main(["crisis", "on", "--area", "atlantis"]) == 2
    err = capsys.readouterr().err
    assert "unknown area 'atlantis'" in err and "vy_da" in err
