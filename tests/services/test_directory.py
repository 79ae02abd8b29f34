"""Directory files: the shipped sample, CSV and YAML, and every bad row with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from handlers.services.directory import DirectoryError, read_directory, ward_index

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "services" / "hue_services_sample.csv"
HEADER = "code,type,name_vi,name_en,address,ward,phone,hours,latitude,longitude,notes,active\n"


@pytest.fixture(scope="module")
def wards() -> dict[str, str]:
    city = load_settings(ROOT / "config.yml").city
    return ward_index({ward.codename: ward.name for ward in city.wards})


def write(tmp_path: Path, text: str, name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_sample_is_marked_as_a_sample_and_covers_every_type(wards):
    directory = read_directory(SAMPLE, wards)
    assert directory.sample
    kinds = {service.kind for service in directory.services}
    expected = {"hospital", "pharmacy", "police", "fire_station", "shelter", "hotline"}
    assert kinds >= expected | {"gas_station", "atm"}
    phones = {s.phone for s in directory.services if s.kind == "hotline"}
    assert {"113", "114", "115"} <= phones
    central = next(s for s in directory.services if s.code == "bv_trung_uong_hue")
    assert central.address == "16 Lê Lợi, phường Thuận Hóa" and central.hours == "24/7"
    assert "SAMPLE" in SAMPLE.read_text(encoding="utf-8").splitlines()[0]


def test_a_good_row_becomes_a_service(tmp_path, wards):
    path = write(
        tmp_path,
        HEADER + 'nt_1,pharmacy,Nhà thuốc Một,,"5 Lê Lợi",Phường An Cựu,0234 3822 325,'
        '"Mo-Fr 07:00-11:30,13:30-17:00",16.46,107.59,ghi chú,no\n',
    )
    [service] = read_directory(path, wards).services
    assert service.name_en == "Nhà thuốc Một"  # English falls back to Vietnamese
    assert service.ward == "an_cuu" and service.active is False
    assert (service.latitude, service.longitude) == (16.46, 107.59)
    assert service.notes_vi == "ghi chú"


def test_every_bad_row_is_reported_with_its_line_number(tmp_path, wards):
    rows = [
        "# a comment line",
        "ok_1,pharmacy,Tốt,,,,,,16.46,107.59,,",
        "bad_lat,pharmacy,Sai vĩ độ,,,,,,abc,107.59,,",
        "bad_ward,pharmacy,Sai phường,,,phuong_khong_co,,,,,,",
        "bad_hours,pharmacy,Sai giờ,,,,,8h-17h,,,,",
        "ok_1,pharmacy,Trùng mã,,,,,,,,,",
        "hl_x,hotline,Không số,,,,,,,,,",
        "BAD CODE,pharmacy,Sai mã,,,,,,,,,",
        "half,pharmacy,Nửa tọa độ,,,,,,16.4,,,",
        "flag,pharmacy,Cờ sai,,,,,,,,,maybe",
        "wide,pharmacy,Thừa ô,,,,,,,,,,extra",
    ]
    path = write(tmp_path, HEADER + "\n".join(rows) + "\n")
    with pytest.raises(DirectoryError) as caught:
        read_directory(path, wards)
    found = {problem.line: problem.message for problem in caught.value.problems}
    assert sorted(found) == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "latitude" in found[4] and "not a ward" in found[5] and "HH:MM" in found[6]
    assert "repeats line 3" in found[7] and "needs a phone" in found[8]
    assert "code" in found[9] and "both latitude and longitude" in found[10]
    assert "active" in found[11] and "cells" in found[12]
    assert "line 4: " in str(caught.value)


def test_a_multi_line_cell_keeps_the_line_numbers_right(tmp_path, wards):
    text = HEADER + 'a_1,pharmacy,Một,,"dòng 1\ndòng 2",,,,,,,\nb_2,pharmacy,Hai,,,,,x,,,,\n'
    with pytest.raises(DirectoryError) as caught:
        read_directory(write(tmp_path, text), wards)
    assert [problem.line for problem in caught.value.problems] == [4]


def test_unknown_and_missing_columns_stop_the_file(tmp_path, wards):
    path = write(tmp_path, "code,kind,name_vi\nx_1,pharmacy,X\n")
    with pytest.raises(DirectoryError) as caught:
        read_directory(path, wards)
    messages = [str(problem) for problem in caught.value.problems]
    assert messages == ["line 1: unknown column 'kind'", "line 1: missing column 'type'"]


def test_an_empty_or_unreadable_file_is_an_error(tmp_path, wards):
    with pytest.raises(DirectoryError, match="no services"):
        read_directory(write(tmp_path, "# nothing\n"), wards)
    with pytest.raises(DirectoryError, match="cannot read"):
        read_directory(tmp_path / "missing.csv", wards)


def test_yaml_directory_with_line_numbers(tmp_path, wards):
    text = (
        "sample: true\n"
        "services:\n"
        "  - code: atm_1\n"
        "    type: atm\n"
        "    name_vi: ATM Một\n"
        "    hours: 24/7\n"
        "    latitude: 16.47\n"
        "    longitude: 107.58\n"
        "  - code: atm_2\n"
        "    type: atm\n"
        "    name_vi: ATM Hai\n"
        "    ward: Vỹ Dạ\n"
    )
    directory = read_directory(write(tmp_path, text, "d.yml"), wards)
    assert directory.sample and [s.code for s in directory.services] == ["atm_1", "atm_2"]
    assert directory.services[1].ward == "vy_da"
    bad = text.replace("latitude: 16.47", "latitude: north").replace("ward: Vỹ Dạ", "colour: x")
    with pytest.raises(DirectoryError) as caught:
        read_directory(write(tmp_path, bad, "bad.yaml"), wards)
    assert [problem.line for problem in caught.value.problems] == [3, 9]


def test_yaml_must_hold_a_services_list(tmp_path, wards):
    with pytest.raises(DirectoryError, match="'services' list"):
        read_directory(write(tmp_path, "services: 3\n", "d.yml"), wards)
    with pytest.raises(DirectoryError, match="not valid YAML"):
        read_directory(write(tmp_path, "services: [\n", "d.yml"), wards)
