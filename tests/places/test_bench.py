"""`make bench-places` writes its JSON; the place costs stay far inside the budget."""

from __future__ import annotations

import json
from pathlib import Path

from places.bench import BUDGET_MS, main


def test_bench_writes_extraction_and_point_in_polygon_figures(tmp_path: Path, capsys):
    out = tmp_path / "places.json"
    assert main(["--out", str(out), "--calls", "400", "--no-nlu", "--no-pin"]) == 0
    capsys.readouterr()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["messages"] >= 300
    for key in ("extraction", "point_in_polygon", "point_description"):
        figures = data[key]
        assert figures["calls"] == 400
        assert 0 < figures["p50_ms"] <= figures["p99_ms"] <= figures["max_ms"]
        assert 0 <= figures["cpu_time"]["p50_ms"] <= figures["cpu_time"]["p99_ms"]
    # the slowest message's uncontended cost leaves the NLU most of the 5 ms budget
    assert data["slowest_message_best_of_7_ms"] < BUDGET_MS / 4
    assert data["slowest_position_best_of_7_ms"] < BUDGET_MS / 4
