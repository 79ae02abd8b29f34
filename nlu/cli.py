"""Command line like Rasa's: ``huebot nlu train|parse|test`` (also ``python -m nlu``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from nlu.embedded import EmbeddedParser, train_and_save
from nlu.evaluation import (
    Prediction,
    entity_report,
    errors,
    intent_report,
    predict,
    reliability,
)
from nlu.rasa_yaml import load_training_data
from nlu.store import DEFAULT_DATA_DIR, DEFAULT_MODEL_DIR


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="huebot nlu", description="HueBot NLU engine")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train the embedded model")
    train.add_argument(
        "--data",
        type=Path,
        nargs="+",
        default=[DEFAULT_DATA_DIR],
        help="Rasa NLU files or directories (default: nlu/data/nlu)",
    )
    train.add_argument(
        "--out", type=Path, default=DEFAULT_MODEL_DIR, help="model directory (default: nlu/models)"
    )
    parse = commands.add_parser("parse", help="parse a message and print Rasa-style JSON")
    parse.add_argument("text")
    parse.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    test = commands.add_parser("test", help="evaluate on a Rasa NLU file")
    test.add_argument("--data", type=Path, nargs="+", required=True)
    test.add_argument("--out", type=Path, default=Path("results"))
    test.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    test.add_argument(
        "--train-data",
        type=Path,
        nargs="+",
        default=[DEFAULT_DATA_DIR],
        help="training data for the model (retrained if stale)",
    )
    return parser


def _write_json(path: Path, content: Any) -> None:
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")


def run_test(
    data: Sequence[Path], out: Path, parser: EmbeddedParser, stream: TextIO
) -> dict[str, Any]:
    """Evaluate ``parser`` on ``data`` and write Rasa-style reports and figures into ``out``.

    Args:
        data: Rasa NLU files or directories with the test examples.
        out: Output directory (created).
        parser: The embedded parser to evaluate.
        stream: Where the summary table goes.

    Returns:
        The intent report.
    """
    examples = load_training_data(data).examples
    if not examples:
        raise ValueError("the test data has no examples")
    predictions = predict(parser.model(), examples)
    out.mkdir(parents=True, exist_ok=True)
    intents, entities = intent_report(predictions), entity_report(examples, predictions)
    calibration = reliability(predictions)
    _write_json(out / "intent_report.json", intents)
    _write_json(out / "entity_report.json", entities)
    _write_json(out / "errors.json", errors(predictions))
    _write_json(out / "reliability.json", calibration)
    _write_figures(predictions, calibration, out, stream)
    _print_table(intents, entities, calibration["ece"], stream)
    return intents


def _write_figures(
    predictions: list[Prediction], calibration: dict[str, Any], out: Path, stream: TextIO
) -> None:
    """Draw the figures; without matplotlib say so and keep the JSON reports."""
    from nlu.plots import PlotsUnavailable, plot_confusion_matrix, plot_reliability

    try:
        plot_confusion_matrix(predictions, out / "confusion_matrix.png")
        plot_reliability(calibration, out / "reliability.png")
    except PlotsUnavailable as error:
        print(f"figures skipped: {error}", file=stream)


def _print_table(
    intents: dict[str, Any], entities: dict[str, Any], ece: float, stream: TextIO
) -> None:
    rows = [(k, v) for k, v in intents.items() if isinstance(v, dict)]
    rows += [(f"entity:{k}", v) for k, v in entities.items()]
    print(f"{'':26s} {'precision':>9s} {'recall':>7s} {'f1':>6s} {'support':>8s}", file=stream)
    for name, row in rows:
        print(
            f"{name:26s} {row['precision']:9.3f} {row['recall']:7.3f} {row['f1-score']:6.3f} "
            f"{int(row['support']):8d}",
            file=stream,
        )
    print(
        f"accuracy {intents['accuracy']:.3f}   macro F1 {intents['macro avg']['f1-score']:.3f}"
        f"   ECE {ece:.3f}",
        file=stream,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the NLU command line.

    Args:
        argv: Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns:
        The process exit status.
    """
    args = _build_parser().parse_args(argv)
    if args.command == "train":
        model = train_and_save(args.data, args.out)
        print(f"trained {len(model.intents)} intents into {args.out}")
        return 0
    if args.command == "parse":
        result = EmbeddedParser(args.model).parse_sync(args.text)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    try:
        run_test(args.data, args.out, EmbeddedParser(args.model, args.train_data), sys.stdout)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"reports written to {args.out}")
    return 0
