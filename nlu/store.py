"""Saving and loading trained models, keyed by a fingerprint of data, config and code.

A model directory holds ``model.joblib`` and ``fingerprint.json``. The fingerprint is
a SHA-256 over the training files, the engine config, the engine version, the source
of the modules that shape features, and the scikit-learn version; when any of them
changes the embedded engine retrains.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import joblib
import sklearn

from nlu.engine import ENGINE_VERSION, IntentModel
from nlu.rasa_yaml import yaml_files

PACKAGE_DIR = Path(__file__).parent
DEFAULT_DATA_DIR = PACKAGE_DIR / "data" / "nlu"
DEFAULT_MODEL_DIR = PACKAGE_DIR / "models"
MODEL_FILE = "model.joblib"
META_FILE = "fingerprint.json"
_CODE_FILES = (
    "text.py",
    "slang.py",
    "features.py",
    "engine.py",
    "entities.py",
    "lexicon.py",
    "wards.py",
    "rasa_yaml.py",
    "data/hue_wards.json",
    "data/teencode/dictionary.json",
)


def fingerprint(data_paths: Iterable[Path], config: dict[str, Any]) -> str:
    """Return the hex SHA-256 identifying a model trained on ``data_paths`` with ``config``.

    Args:
        data_paths: Training files or directories.
        config: The engine config.

    Returns:
        The fingerprint.
    """
    digest = hashlib.sha256()
    digest.update(f"engine={ENGINE_VERSION};sklearn={sklearn.__version__}".encode())
    digest.update(json.dumps(config, sort_keys=True).encode())
    for path in yaml_files(data_paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for name in _CODE_FILES:
        digest.update((PACKAGE_DIR / name).read_bytes())
    return digest.hexdigest()


def stored_fingerprint(model_dir: Path) -> str | None:
    """Return the fingerprint saved in ``model_dir``, or None when there is no model."""
    meta_path = model_dir / META_FILE
    if not meta_path.exists() or not (model_dir / MODEL_FILE).exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = meta.get("fingerprint")
    return value if isinstance(value, str) else None


def _atomic_write(path: Path, write: Any) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        write(Path(tmp_name))
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def save_model(model: IntentModel, model_dir: Path, print_: str, extra: dict[str, Any]) -> None:
    """Write ``model`` and its metadata into ``model_dir`` (created if needed).

    Args:
        model: The trained model.
        model_dir: Target directory.
        print_: The model's fingerprint.
        extra: More metadata (training time, example count...).
    """
    model_dir.mkdir(parents=True, exist_ok=True)
    meta = {
        "fingerprint": print_,
        "engine_version": ENGINE_VERSION,
        "intents": model.intents,
        "temperature": model.temperature,
        "saved_at": time.time(),
        **extra,
    }
    _atomic_write(model_dir / MODEL_FILE, lambda p: joblib.dump(model, p, compress=3))
    _atomic_write(
        model_dir / META_FILE, lambda p: p.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    )


def load_model(model_dir: Path) -> IntentModel:
    """Load the model saved in ``model_dir`` (a file this package wrote; never untrusted)."""
    model = joblib.load(model_dir / MODEL_FILE)
    if not isinstance(model, IntentModel):
        raise TypeError(f"{model_dir / MODEL_FILE} does not hold an IntentModel")
    return model
