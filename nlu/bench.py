"""Benchmark: ``python -m nlu.bench --out bench/nlu.json`` (``make bench-nlu``).

Measures, on one CPU core: 5-fold cross-validated macro F1 (overall and for the
no-diacritics, slang and English subsets), held-out scores, calibration error, parse
latency p50/p99, training time, model size, load time and process memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from nlu.embedded import EmbeddedParser, train_and_save
from nlu.engine import build_pipeline, config_copy
from nlu.evaluation import (
    Prediction,
    cross_val_predictions,
    intent_report,
    macro_f1,
    predict,
    reliability,
)
from nlu.rasa_yaml import load_training_data
from nlu.store import DEFAULT_DATA_DIR, MODEL_FILE, PACKAGE_DIR
from nlu.subsets import subsets_of

CANDIDATES: dict[str, dict[str, Any]] = {
    "chosen: char+word tf-idf, lookups, LinearSVC": {},
    "LogisticRegression C=20": {"classifier": {"type": "logreg", "C": 20.0}},
    "LinearSVC C=0.2": {"classifier": {"C": 0.2}},
    "LinearSVC C=1": {"classifier": {"C": 1.0}},
    "no keyword lookups": {"features": {"lookup_weight": 0.0}},
    "keyword lookups weight 0.5": {"features": {"lookup_weight": 0.5}},
    "no word n-grams": {"features": {"word_ngrams": [0, 0]}},
    "word 1-3-grams": {"features": {"word_ngrams": [1, 3]}},
    "char 2-6-grams": {"features": {"char_ngrams": [2, 6]}},
}
HELDOUT = PACKAGE_DIR / "data" / "heldout" / "test.yml"
SUBSETS = ("no_diacritics", "slang", "english")
_PROBE = """
import json, resource, sys, time
started = time.perf_counter()
from nlu.embedded import EmbeddedParser
from pathlib import Path
parser = EmbeddedParser(Path(sys.argv[1]))
parser.model()
loaded = time.perf_counter() - started
parser.parse_sync("đường Lê Lợi ngập quá")
rss = [l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]
print(json.dumps({"load_seconds": loaded, "rss_mb": int(rss) / 1024,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def pin_to_one_core() -> None:
    """Run this process on a single CPU (where the OS allows it)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def subset_scores(predictions: list[Prediction]) -> dict[str, Any]:
    """Macro F1 and size of every evaluation subset."""
    scores: dict[str, Any] = {
        "overall": {"macro_f1": macro_f1(predictions), "n": len(predictions)}
    }
    for name in SUBSETS:
        chosen = [p for p in predictions if name in subsets_of(p.text)]
        scores[name] = {"macro_f1": macro_f1(chosen), "n": len(chosen)}
    return scores


def latency(parser: EmbeddedParser, texts: list[str], calls: int = 2000) -> dict[str, float]:
    """Parse latency in milliseconds over ``calls`` single-message parses."""
    parser.parse_sync(texts[0])
    timings = []
    for i in range(calls):
        started = time.perf_counter()
        parser.parse_sync(texts[i % len(texts)])
        timings.append((time.perf_counter() - started) * 1000)
    values = np.array(timings)
    return {
        "p50_ms": float(np.percentile(values, 50)),
        "p99_ms": float(np.percentile(values, 99)),
        "mean_ms": float(values.mean()),
        "calls": calls,
    }


def probe_process(model_dir: Path) -> dict[str, float]:
    """Load time and memory of a fresh process that loads the model and parses once."""
    output = subprocess.run(
        [sys.executable, "-c", _PROBE, str(model_dir)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    result: dict[str, float] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def heldout_scores(parser: EmbeddedParser) -> dict[str, Any]:
    """Accuracy, macro F1 and calibration error on the held-out test file."""
    if not HELDOUT.exists():
        return {}
    predictions = predict(parser.model(), load_training_data([HELDOUT]).examples)
    report = intent_report(predictions)
    return {
        "accuracy": report["accuracy"],
        "macro_f1": report["macro avg"]["f1-score"],
        "ece": reliability(predictions)["ece"],
        "n": len(predictions),
        "subsets": subset_scores(predictions),
    }


def compare(data_dir: Path, folds: int) -> dict[str, Any]:
    """Cross-validated macro F1 of each candidate configuration (argmax, no calibration)."""
    data = load_training_data([data_dir])
    texts = [e.text for e in data.examples]
    labels = [e.intent for e in data.examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=42)
    results: dict[str, Any] = {}
    for name, overrides in CANDIDATES.items():
        pipeline = build_pipeline(config_copy(overrides), data.lookups)
        started = time.perf_counter()
        predicted = cross_val_predict(pipeline, texts, labels, cv=splitter)
        predictions = [
            Prediction(t, e, str(p), 1.0) for t, e, p in zip(texts, labels, predicted, strict=True)
        ]
        results[name] = {
            "overrides": overrides,
            **subset_scores(predictions),
            "seconds": time.perf_counter() - started,
        }
        print(f"{name:48s} macro F1 {results[name]['overall']['macro_f1']:.4f}", flush=True)
    return results


def save_figures(predictions: list[Prediction], directory: Path) -> None:
    """Write the cross-validation reliability diagram and confusion matrix."""
    from nlu.plots import plot_confusion_matrix, plot_reliability

    directory.mkdir(parents=True, exist_ok=True)
    plot_reliability(reliability(predictions), directory / "reliability_cv.png")
    plot_confusion_matrix(predictions, directory / "confusion_matrix_cv.png")


def run(data_dir: Path, folds: int, figures: Path | None = None) -> dict[str, Any]:
    """Run every measurement and return the results."""
    config = config_copy()
    data = load_training_data([data_dir])
    started = time.perf_counter()
    predictions = cross_val_predictions(data, config, folds=folds)
    cv_seconds = time.perf_counter() - started
    if figures is not None:
        save_figures(predictions, figures)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp)
        started = time.perf_counter()
        train_and_save([data_dir], model_dir, config)
        training_seconds = time.perf_counter() - started
        parser = EmbeddedParser(model_dir, [data_dir], config)
        return {
            "examples": len(data.examples),
            "intents": len(data.intents),
            "config": config,
            "cross_validation": {
                "folds": folds,
                **subset_scores(predictions),
                "accuracy": float(np.mean([p.expected == p.predicted for p in predictions])),
                "ece": reliability(predictions)["ece"],
                "seconds": cv_seconds,
            },
            "heldout": heldout_scores(parser),
            "latency": latency(parser, [e.text for e in data.examples]),
            "training_seconds": training_seconds,
            "model_bytes": (model_dir / MODEL_FILE).stat().st_size,
            "process": probe_process(model_dir),
            "cpu": "1 core (sched_setaffinity)",
        }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m nlu.bench")
    parser.add_argument("--out", type=Path, default=Path("bench/nlu.json"))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--compare", action="store_true", help="also cross-validate the alternative configurations"
    )
    parser.add_argument("--figures", type=Path, help="directory for the CV figures (PNG)")
    args = parser.parse_args(argv)
    pin_to_one_core()
    results = run(args.data, args.folds, args.figures)
    if args.compare:
        results["candidates"] = compare(args.data, args.folds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(
        json.dumps(
            {
                k: results[k]
                for k in (
                    "cross_validation",
                    "heldout",
                    "latency",
                    "training_seconds",
                    "model_bytes",
                    "process",
                )
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
