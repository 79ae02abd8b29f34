"""`huebot nlu train|parse|test` (nlu.cli.main), as Rasa's CLI does it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nlu.cli import main
from nlu.embedded import EmbeddedParser
from nlu.rasa_yaml import load_training_data
from nlu.store import META_FILE, MODEL_FILE, PACKAGE_DIR

HELDOUT = PACKAGE_DIR / "data" / "heldout" / "test.yml"
REPORT_FILES = (
    "intent_report.json",
    "entity_report.json",
    "errors.json",
    "confusion_matrix.png",
    "reliability.png",
)


@pytest.fixture(scope="module")
def model_dir(nlu_parser: Any) -> Path:
    assert isinstance(nlu_parser, EmbeddedParser)
    nlu_parser.model()
    return nlu_parser.model_dir


def test_test_command_writes_every_report(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results"
    assert (
        main(["test", "--data", str(HELDOUT), "--out", str(out), "--model", str(model_dir)]) == 0
    )
    for name in REPORT_FILES:
        assert (out / name).stat().st_size > 0, name
    assert (out / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"
    intents = json.loads((out / "intent_report.json").read_text())
    assert {"accuracy", "macro avg", "weighted avg", "report_flooding", "greet"} <= set(intents)
    assert set(intents["report_flooding"]) == {"precision", "recall", "f1-score", "support"}
    assert intents["macro avg"]["support"] == len(load_training_data([HELDOUT]).examples)
    entities = json.loads((out / "entity_report.json").read_text())
    assert {"ward", "ticket_id", "service_type", "street", "phone"} <= set(entities)
    assert set(entities["ward"]) == {"precision", "recall", "f1-score", "support"}
    errors = json.loads((out / "errors.json").read_text())
    assert all({"text", "intent", "intent_prediction"} <= set(e) for e in errors)
    assert all(e["intent"] != e["intent_prediction"]["name"] for e in errors)
    table = capsys.readouterr().out
    assert "report_flooding" in table and "macro F1" in table


def test_test_command_reports_a_missing_file(
    model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "test",
                "--data",
                str(tmp_path / "nope.yml"),
                "--out",
                str(tmp_path),
                "--model",
                str(model_dir),
            ]
        )
        == 1
    )
    assert "error:" in capsys.readouterr().err


def test_parse_command_prints_rasa_json(
    model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", "pa 10234 sao rồi", "--model", str(model_dir)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["intent"]["name"] == "check_status"
    assert result["entities"][0]["value"] == "PA-10234"


def test_train_command(tiny_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    assert main(["train", "--data", str(tiny_data), "--out", str(out)]) == 0
    assert (out / MODEL_FILE).exists() and (out / META_FILE).exists()


def test_python_dash_m_nlu_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nlu", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "train" in done.stdout and "test" in done.stdout and "parse" in done.stdout


def test_test_command_without_matplotlib_keeps_the_reports(
    model_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    out = tmp_path / "results"
    args = ["test", "--data", str(HELDOUT), "--out", str(out), "--model", str(model_dir)]
    assert main(args) == 0
    assert (out / "intent_report.json").stat().st_size > 0
    assert not (out / "confusion_matrix.png").exists()
    printed = capsys.readouterr().out
    assert "figures skipped" in printed and "'.[eval]'" in printed


def test_nlu_imports_without_matplotlib() -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import nlu, nlu.cli, nlu.bench, nlu.plots\n"
        "print(nlu.plots.MISSING)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "matplotlib" in done.stdout
