"""``huebot places find|at|test|check``: what HueBot understands of a place.

The files come from the ``places:`` section of the config file (``--config``, else
$HUEBOT_CONFIG, else ./config.yml); without one, the files shipped in places/data/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from places.config import PlacesConfig, PlacesPaths, resolve_paths
from places.evaluation import SETS, consistency, evaluate_pins, evaluate_rows, read_rows
from places.gazetteer import Gazetteer
from places.loader import PlacesDataError
from places.model import Place
from places.source import load_gazetteer


def config_paths(config: str | None) -> PlacesPaths:
    """The gazetteer files named by the config file's ``places:`` section.

    Raises:
        PlacesDataError: The config file is unreadable or its section invalid.
    """
    path = Path(config or os.environ.get("HUEBOT_CONFIG") or "config.yml")
    if not path.exists():
        if config:
            raise PlacesDataError(f"{path}: no such file")
        return PlacesPaths()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        section = PlacesConfig.model_validate(raw.get("places") or {})
    except (OSError, yaml.YAMLError, AttributeError, ValidationError) as exc:
        raise PlacesDataError(f"{path}: places: {exc}") from None
    return resolve_paths(section, path.resolve().parent)


def place_dict(place: Place) -> dict[str, Any]:
    """A place as plain JSON-ready data."""
    data = place.to_dict()
    data["usable"] = place.usable
    return data


def _show(gaz: Gazetteer, place: Place | None, as_json: bool, outside: str) -> int:
    if as_json:
        print(json.dumps(place and place_dict(place), ensure_ascii=False, indent=2))
        return 0 if place else 1
    if place is None:
        print(outside)
        return 1
    print(f"📍 {place.description_vi}\n   {place.description_en}")
    print(f"kind: {place.kind.value}   confidence: {place.confidence:.2f}")
    names = gaz.ward_names([place.ward] if place.ward else place.candidate_wards)
    label = "ward" if place.ward else "candidate wards"
    print(
        f"{label}: {', '.join(f'{v} ({k})' for k, v in names.items()) or '-'}"
        + ("   [approximate boundaries]" if place.approximate_ward else "")
    )
    if place.point:
        print(f"point: {place.point[0]:.5f}, {place.point[1]:.5f}")
    return 0


def _test(gaz: Gazetteer, args: argparse.Namespace) -> int:
    results: dict[str, Any] = {}
    for name in args.set:
        results[name] = evaluate_rows(gaz, read_rows(SETS[name]))
    results["pins"] = evaluate_pins(gaz)
    print(
        f"{'set':8} {'msgs':>5} {'ward acc':>9} {'street F1':>10} {'landm. F1':>10} "
        f"{'not found':>10} {'ask where':>10} {'false pl.':>10}"
    )
    for name in args.set:
        r = results[name]
        print(
            f"{name:8} {r['messages']:5d} {r['ward_accuracy']:9.3f} {r['street']['f1']:10.3f} "
            f"{r['landmark']['f1']:10.3f} {r['not_found_rate']:10.3f} "
            f"{r['would_ask_where_rate']:10.3f} {r['false_place_rate']:10.3f}"
        )
    pins = results["pins"]
    print(f"pins: {pins['pins']} points, ward accuracy {pins['ward_accuracy']:.3f}")
    if args.errors:
        for name, r in results.items():
            for error in r["errors"]:
                print(name, json.dumps(error, ensure_ascii=False))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``huebot places`` command line."""
    parser = argparse.ArgumentParser(prog="huebot places", description=__doc__)
    parser.add_argument("--config", metavar="PATH", help="config file with a places: section")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    find = commands.add_parser("find", help="read the place in a message")
    find.add_argument("text")
    find.add_argument("--json", action="store_true")
    at = commands.add_parser("at", help="ward, street and landmark of a position")
    at.add_argument("lat", type=float)
    at.add_argument("lon", type=float)
    at.add_argument("--json", action="store_true")
    test = commands.add_parser("test", help="scores on the labelled sets and the pins")
    test.add_argument("--set", nargs="+", choices=sorted(SETS), default=["dev", "heldout"])
    test.add_argument("--errors", action="store_true", help="list every miss")
    test.add_argument("--out", type=Path, help="write the full results as JSON")
    commands.add_parser("check", help="load the files and report what they hold")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``huebot places``; 0 on success, 1 when nothing was found, 2 for bad files."""
    args = build_parser().parse_args(argv)
    try:
        paths = config_paths(args.config)
        gaz = load_gazetteer(paths)
    except PlacesDataError as exc:
        print(f"huebot places: cannot load the gazetteer\n{exc}", file=sys.stderr)
        return 2
    if args.command == "find":
        return _show(
            gaz,
            gaz.find(args.text),
            args.json,
            "Không thấy địa điểm nào trong tin nhắn. / No place found in the message.",
        )
    if args.command == "at":
        return _show(
            gaz,
            gaz.at(args.lat, args.lon),
            args.json,
            "Vị trí này nằm ngoài thành phố Huế. / This position is outside Huế city.",
        )
    if args.command == "test":
        return _test(gaz, args)
    approx = sum(w.approximate for w in gaz.wards.values())
    print(
        f"{len(gaz.wards)} wards ({approx} with approximate boundaries), "
        f"{len(gaz.streets)} streets, {len(gaz.landmarks)} landmarks"
    )
    for path in paths.files():
        print(f"  {path}")
    agree = consistency(gaz)
    print(
        f"boundaries vs tables: {agree['street_points_outside_their_wards']} of "
        f"{agree['street_points']} street points outside the street's wards; "
        f"{len(agree['landmarks_outside_their_ward'])} of {agree['landmarks']} landmarks "
        "outside their ward"
    )
    if agree["streets_concerned"]:
        print("  streets: " + ", ".join(agree["streets_concerned"]))
    if agree["landmarks_outside_their_ward"]:
        print("  landmarks: " + ", ".join(agree["landmarks_outside_their_ward"]))
    return 0
