"""Maintainer tool: write entity annotations into Rasa NLU files for review.

``python -m nlu.annotate nlu/data/nlu/report_flooding.yml`` runs the rule-based
extractors on each intent example and rewrites it with Rasa annotations
(``[Lê Lợi](street)``, ``[Vỹ Dạ]{"entity": "ward", "value": "vy_da"}``). Review the diff
before committing; never run it on the held-out test file, whose annotations are
written by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nlu.entities import EntityExtractor
from nlu.rasa_yaml import load_training_data, parse_annotated, yaml_files
from nlu.store import DEFAULT_DATA_DIR

_EXAMPLE_PREFIX = "    - "


def annotate(text: str, entities: list[dict[str, Any]]) -> str:
    """Return ``text`` with ``entities`` written in Rasa's annotation syntax."""
    parts: list[str] = []
    cursor = 0
    for entity in sorted(entities, key=lambda e: int(e["start"])):
        start, end = int(entity["start"]), int(entity["end"])
        surface = text[start:end]
        parts.append(text[cursor:start])
        if entity["value"] == surface:
            parts.append(f"[{surface}]({entity['entity']})")
        else:
            spec = json.dumps(
                {"entity": entity["entity"], "value": entity["value"]}, ensure_ascii=False
            )
            parts.append(f"[{surface}]{spec}")
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def annotate_file(path: Path, extractor: EntityExtractor) -> int:
    """Re-annotate the intent examples of one file in place; return how many changed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    in_intent, changed = False, 0
    for i, line in enumerate(lines):
        if line.startswith("- "):
            in_intent = line.startswith("- intent:")
        elif in_intent and line.startswith(_EXAMPLE_PREFIX):
            plain, _ = parse_annotated(line[len(_EXAMPLE_PREFIX) :].rstrip("\n"))
            new = f"{_EXAMPLE_PREFIX}{annotate(plain, extractor.extract(plain))}\n"
            changed += new != line
            lines[i] = new
    path.write_text("".join(lines), encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    """Annotate the given files (default: the training data) with the default gazetteers."""
    parser = argparse.ArgumentParser(prog="python -m nlu.annotate")
    parser.add_argument("paths", type=Path, nargs="*", default=[DEFAULT_DATA_DIR])
    args = parser.parse_args(argv)
    data = load_training_data([DEFAULT_DATA_DIR])
    extractor = EntityExtractor(data.lookups, data.synonyms)
    for path in yaml_files(args.paths):
        print(f"{path}: {annotate_file(path, extractor)} examples changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
