"""Rerunnable evaluation: ``huebot places test``.

Two labelled files: ``data/eval/dev.csv`` (used while writing the rules) and
``data/eval/heldout.csv`` (written before the rules were tuned, never tuned on). Each
row: ``text, place (yes/no), ward (codename, "?" when the text leaves it open),
street (";" between the two of an intersection), landmark (id)``. ``data/eval/pins.csv``
holds points whose ward is known from a published address.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from places.gazetteer import Gazetteer
from places.geo import along
from places.model import Place

EVAL_DIR = Path(__file__).parent / "data" / "eval"
SETS = {"dev": EVAL_DIR / "dev.csv", "heldout": EVAL_DIR / "heldout.csv"}
PINS = EVAL_DIR / "pins.csv"


@dataclass
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: set[str], found: set[str]) -> None:
        self.tp += len(expected & found)
        self.fp += len(found - expected)
        self.fn += len(expected - found)

    def scores(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        total = precision + recall
        f1 = 2 * precision * recall / total if total else 0.0
        return {"precision": precision, "recall": recall, "f1": f1}


@dataclass
class _Tally:
    with_place: int = 0
    not_found: int = 0
    would_ask: int = 0
    ward_total: int = 0
    ward_right: int = 0
    open_total: int = 0
    open_right: int = 0
    without_place: int = 0
    false_places: int = 0
    streets: _Counts = field(default_factory=_Counts)
    landmarks: _Counts = field(default_factory=_Counts)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _split(value: str) -> set[str]:
    return {v.strip() for v in value.split(";") if v.strip()}


def _streets(place: Place | None) -> set[str]:
    if place is None:
        return set()
    return {s for s in (place.street, place.cross_street) if s}


def _score_row(tally: _Tally, row: dict[str, str], place: Place | None) -> None:
    if row["place"] != "yes":
        tally.without_place += 1
        tally.false_places += place is not None
        if place is not None:
            tally.errors.append({"text": row["text"], "problem": "place found in text without"})
        return
    tally.with_place += 1
    tally.not_found += place is None
    tally.would_ask += place is None or not place.usable
    tally.streets.add(_split(row["street"]), _streets(place))
    found = {place.landmark} if place and place.landmark else set()
    tally.landmarks.add(_split(row["landmark"]), found)
    got = place.ward if place else None
    if row["ward"] == "?":
        tally.open_total += 1
        tally.open_right += bool(place and place.candidate_wards and got is None)
        return
    tally.ward_total += 1
    tally.ward_right += got == row["ward"]
    if got != row["ward"] or _streets(place) != _split(row["street"]):
        tally.errors.append(
            {
                "text": row["text"],
                "expected": row["ward"],
                "got": got,
                "streets": sorted(_streets(place)),
                "place": place and place.description_vi,
            }
        )


def evaluate_rows(gaz: Gazetteer, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Score the gazetteer on labelled rows.

    Returns:
        ``ward_accuracy`` (rows with a decidable ward), ``open_street_candidates``
        (rows whose street leaves the ward open and where candidates were offered),
        street and landmark precision/recall/F1, ``not_found_rate`` (place given but
        none found), ``would_ask_where_rate`` (no usable place), ``false_place_rate``
        (a place read from text that gives none) and the errors.
    """
    tally = _Tally()
    for row in rows:
        _score_row(tally, row, gaz.find(row["text"]))
    return {
        "messages": len(rows),
        "with_place": tally.with_place,
        "ward_accuracy": tally.ward_right / tally.ward_total if tally.ward_total else 0.0,
        "ward_rows": tally.ward_total,
        "open_street_candidates": tally.open_right / tally.open_total if tally.open_total else 1.0,
        "open_rows": tally.open_total,
        "street": tally.streets.scores(),
        "landmark": tally.landmarks.scores(),
        "not_found_rate": tally.not_found / tally.with_place if tally.with_place else 0.0,
        "would_ask_where_rate": tally.would_ask / tally.with_place if tally.with_place else 0.0,
        "false_place_rate": (
            tally.false_places / tally.without_place if tally.without_place else 0.0
        ),
        "errors": tally.errors,
    }


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a labelled CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(r) for r in csv.DictReader(handle)]


def evaluate_pins(gaz: Gazetteer, path: Path = PINS) -> dict[str, Any]:
    """Ward accuracy of point-in-polygon on points whose ward is known."""
    rows = read_rows(path)
    wrong = []
    for row in rows:
        ward = gaz.ward_at((float(row["lat"]), float(row["lon"])))
        got = ward.codename if ward else None
        if got != row["ward"]:
            wrong.append({"name": row["name"], "expected": row["ward"], "got": got})
    right = len(rows) - len(wrong)
    return {
        "pins": len(rows),
        "ward_accuracy": right / len(rows) if rows else 0.0,
        "errors": wrong,
    }


def consistency(gaz: Gazetteer, samples: int = 11) -> dict[str, Any]:
    """How far the boundaries agree with the street and landmark tables.

    Samples ``samples`` points along every street and counts those whose ward (by the
    boundaries) is not one of the wards the street table gives; counts the landmarks
    whose boundary ward differs from their table ward. With official boundaries and
    tables both figures should be near zero; the difference shows where to look.
    """
    off_street = []
    total = 0
    for street in gaz.streets.values():
        for i in range(samples):
            ward = gaz.ward_at(along(street.line, i / (samples - 1)))
            total += 1
            if ward is None or ward.codename not in street.wards:
                off_street.append(street.name)
    off_landmarks = [
        lm.id
        for lm in gaz.landmarks.values()
        if getattr(gaz.ward_at(lm.point), "codename", None) != lm.ward
    ]
    return {
        "street_points": total,
        "street_points_outside_their_wards": len(off_street),
        "streets_concerned": sorted(set(off_street)),
        "landmarks": len(gaz.landmarks),
        "landmarks_outside_their_ward": off_landmarks,
    }
