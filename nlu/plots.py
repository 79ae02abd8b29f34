"""Evaluation figures: confusion matrix and reliability diagram (matplotlib, Agg).

matplotlib is an optional extra (``pip install -e '.[eval]'``, also in ``dev``): it is
imported on the first figure, and its absence is a clear ``PlotsUnavailable``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sklearn.metrics import confusion_matrix

from nlu.evaluation import Prediction

MISSING = (
    "the evaluation figures need matplotlib, an optional extra: "
    ".venv/bin/pip install -c constraints.txt -e '.[eval]'"
)


class PlotsUnavailable(ImportError):
    """matplotlib is not installed, so no figure can be drawn."""


def _pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, imported on first use."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise PlotsUnavailable(MISSING) from error
    return plt


def plot_confusion_matrix(predictions: Sequence[Prediction], path: Path) -> None:
    """Save the intent confusion matrix (rows: expected, columns: predicted) to ``path``."""
    labels = sorted({p.expected for p in predictions} | {p.predicted for p in predictions})
    matrix = confusion_matrix(
        [p.expected for p in predictions], [p.predicted for p in predictions], labels=labels
    )
    size = max(6.0, 0.42 * len(labels))
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(size + 2, size))
    image = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    for (row, col), count in _nonzero(matrix):
        colour = "white" if count > matrix.max() / 2 else "black"
        ax.text(col, row, str(count), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("expected intent")
    ax.set_title("Intent confusion matrix")
    fig.colorbar(image, ax=ax, fraction=0.04)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _nonzero(matrix: Any) -> list[tuple[tuple[int, int], int]]:
    rows, cols = matrix.shape
    return [((r, c), int(matrix[r, c])) for r in range(rows) for c in range(cols) if matrix[r, c]]


def plot_reliability(report: dict[str, Any], path: Path) -> None:
    """Save a reliability diagram (accuracy against confidence per bin) to ``path``.

    Args:
        report: The output of :func:`nlu.evaluation.reliability`.
        path: Target PNG file.
    """
    bins = report["bins"]
    plt = _pyplot()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 7), height_ratios=[3, 1], sharex=True)
    top.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    centres = [(b["low"] + b["high"]) / 2 for b in bins]
    widths = [b["high"] - b["low"] for b in bins]
    top.bar(
        centres,
        [b["accuracy"] for b in bins],
        width=widths,
        edgecolor="black",
        alpha=0.7,
        label="accuracy in bin",
    )
    top.plot(
        [b["confidence"] for b in bins],
        [b["accuracy"] for b in bins],
        "o-",
        color="darkred",
        label="mean confidence vs accuracy",
    )
    top.set_ylabel("accuracy")
    top.set_ylim(0, 1)
    top.set_title(f"Reliability (ECE {report['ece']:.3f}, n={report['count']})")
    top.legend(loc="upper left", fontsize=8)
    bottom.bar(centres, [b["count"] for b in bins], width=widths, edgecolor="black")
    bottom.set_xlabel("confidence of the predicted intent")
    bottom.set_ylabel("messages")
    bottom.set_xlim(0, 1)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
