"""Reading a services directory file (CSV or YAML) and checking every row.

A file is taken whole or not at all: ``read_directory`` either returns every
service or raises ``DirectoryError`` listing each bad row with its line number.
Columns (CSV header, or keys of each YAML item)::

    code, type, name_vi, name_en, address, ward, phone, hours,
    latitude, longitude, notes, notes_en, active

Only ``code``, ``type`` and ``name_vi`` are required. A ``#`` starts a comment
line; a comment containing ``SAMPLE`` (or ``sample: true`` in YAML) marks the
file as sample data.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from handlers.services.opening_hours import HoursError, parse_hours
from nlu import fold
from storage.services import ServiceEntry

COLUMNS = (
    "code", "type", "name_vi", "name_en", "address", "ward", "phone", "hours",
    "latitude", "longitude", "notes", "notes_en", "active",
)  # fmt: skip
REQUIRED = ("code", "type", "name_vi")
PROBLEM = "__problem__"
_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,59}$")
_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_PHONE_RE = re.compile(r"^\+?[\d\s.()-]{3,30}$")
_TRUE = frozenset({"", "1", "true", "yes", "y", "có", "co", "x"})
_FALSE = frozenset({"0", "false", "no", "n", "không", "khong"})
_WARD_PREFIX_RE = re.compile(r"^(phuong|xa|p\.|ward|commune)\s+")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one row (line 0: the file as a whole)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class DirectoryError(ValueError):
    """The file cannot be imported; ``problems`` lists every bad row."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Directory:
    """A checked directory file."""

    services: tuple[ServiceEntry, ...]
    sample: bool


Row = tuple[int, dict[str, str]]


def read_directory(path: Path, wards: Mapping[str, str]) -> Directory:
    """Read and check a directory file.

    Args:
        path: A ``.csv``, ``.yml`` or ``.yaml`` file.
        wards: Ward codename by codename and by folded name (see ``ward_index``).

    Returns:
        Every service of the file, in file order.

    Raises:
        DirectoryError: The file cannot be read or has bad rows.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DirectoryError([RowProblem(0, f"{path}: cannot read the file ({exc})")]) from None
    reader = _yaml_rows if path.suffix.lower() in (".yml", ".yaml") else _csv_rows
    return parse_directory(text, wards, reader)


def parse_directory(
    text: str,
    wards: Mapping[str, str],
    reader: Callable[[str], tuple[list[Row], bool]] | None = None,
) -> Directory:
    """Check the rows of a directory text (CSV unless another ``reader`` is given)."""
    rows, sample = (reader or _csv_rows)(text)
    problems: list[RowProblem] = []
    services: list[ServiceEntry] = []
    seen: dict[str, int] = {}
    for position, (line, row) in enumerate(rows):
        try:
            entry = _entry(row, position, wards)
        except ValueError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        if entry.code in seen:
            repeated = f"code {entry.code!r} repeats line {seen[entry.code]}"
            problems.append(RowProblem(line, repeated))
        seen.setdefault(entry.code, line)
        services.append(entry)
    if not rows and not problems:
        problems.append(RowProblem(0, "the file holds no services"))
    if problems:
        raise DirectoryError(problems)
    return Directory(tuple(services), sample)


def ward_index(wards: Mapping[str, str]) -> dict[str, str]:
    """Ward codenames by codename, folded name and folded name without "Phường"/"Xã".

    Args:
        wards: Ward names by codename, as config.yml lists them.

    Returns:
        What ``read_directory`` takes as ``wards``.
    """
    index = {codename: codename for codename in wards}
    for codename, name in wards.items():
        folded = fold(name).strip()
        index[folded] = codename
        index[_WARD_PREFIX_RE.sub("", folded)] = codename
    return index


def _csv_rows(text: str) -> tuple[list[Row], bool]:
    lines = text.splitlines()
    sample = any(line.lstrip().startswith("#") and "SAMPLE" in line for line in lines)
    records = list(_csv_records(text))
    if not records:
        return [], sample
    header_line, header = records[0]
    columns = [cell.strip().lower() for cell in header]
    _check_columns(columns, header_line)
    rows: list[Row] = []
    for line, cells in records[1:]:
        row = dict(zip(columns, (cell.strip() for cell in cells), strict=False))
        if len(cells) > len(columns):
            row[PROBLEM] = f"{len(cells)} cells but the header has {len(columns)}"
        rows.append((line, row))
    return rows, sample


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text))
    previous_end = 0
    for cells in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        yield start, cells


def _check_columns(columns: list[str], line: int) -> None:
    unknown = [name for name in columns if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in columns]
    problems = [RowProblem(line, f"unknown column {name!r}") for name in unknown]
    problems += [RowProblem(line, f"missing column {name!r}") for name in missing]
    if problems:
        raise DirectoryError(problems)


def _yaml_rows(text: str) -> tuple[list[Row], bool]:
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data: Any = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise DirectoryError([RowProblem(0, f"not valid YAML: {exc}")]) from None
    if node is None or not isinstance(data, dict) or not isinstance(data.get("services"), list):
        raise DirectoryError([RowProblem(0, "expected a mapping with a 'services' list")])
    items = next(value for key, value in node.value if key.value == "services").value
    rows: list[Row] = []
    for item_node, item in zip(items, data["services"], strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            rows.append((line, {PROBLEM: "each service is a mapping of columns"}))
            continue
        row = {str(k): "" if v is None else str(v).strip() for k, v in item.items()}
        unknown = [key for key in row if key not in COLUMNS]
        if unknown:
            row[PROBLEM] = f"unknown column(s) {', '.join(map(repr, unknown))}"
        rows.append((line, row))
    return rows, bool(data.get("sample"))


def _entry(row: dict[str, str], position: int, wards: Mapping[str, str]) -> ServiceEntry:
    if PROBLEM in row:
        raise ValueError(row[PROBLEM])
    get = row.get
    code, kind, name_vi = (get(name) or "" for name in REQUIRED)
    if not _CODE_RE.match(code):
        raise ValueError(f"code {code!r}: use 2-60 lower-case letters, digits, '_', '-', '.'")
    if not _TYPE_RE.match(kind):
        raise ValueError(f"type {kind!r}: use lower-case letters, digits and '_' (e.g. pharmacy)")
    if not name_vi:
        raise ValueError("name_vi is empty")
    latitude, longitude = _position(get("latitude") or "", get("longitude") or "")
    phone = _phone(get("phone") or "", kind)
    return ServiceEntry(
        code=code,
        kind=kind,
        name_vi=name_vi,
        name_en=get("name_en") or name_vi,
        address=get("address") or None,
        ward=_ward(get("ward") or "", wards),
        phone=phone,
        hours=_hours(get("hours") or ""),
        latitude=latitude,
        longitude=longitude,
        notes_vi=get("notes") or None,
        notes_en=get("notes_en") or None,
        active=_active(get("active") or ""),
        position=position,
    )


def _position(lat_text: str, lon_text: str) -> tuple[float | None, float | None]:
    if not lat_text and not lon_text:
        return None, None
    if not lat_text or not lon_text:
        raise ValueError("give both latitude and longitude, or neither")
    try:
        latitude, longitude = float(lat_text), float(lon_text)
    except ValueError:
        raise ValueError(f"latitude {lat_text!r} / longitude {lon_text!r}: not numbers") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"latitude {latitude} / longitude {longitude}: out of range")
    return latitude, longitude


def _phone(text: str, kind: str) -> str | None:
    if not text:
        if kind == "hotline":
            raise ValueError("a hotline needs a phone number")
        return None
    if not _PHONE_RE.match(text) or sum(ch.isdigit() for ch in text) < 3:
        raise ValueError(f"phone {text!r}: digits, spaces and + . - ( ) only")
    return text


def _ward(text: str, wards: Mapping[str, str]) -> str | None:
    if not text:
        return None
    folded = fold(text).strip()
    codename = wards.get(text) or wards.get(folded) or wards.get(_WARD_PREFIX_RE.sub("", folded))
    if codename is None:
        raise ValueError(f"ward {text!r} is not a ward of the city (see config.yml city.wards)")
    return codename


def _hours(text: str) -> str | None:
    if not text:
        return None
    try:
        parse_hours(text)
    except HoursError as exc:
        raise ValueError(f"hours: {exc}") from None
    return text


def _active(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"active {text!r}: write yes or no")
