"""Read training data in Rasa's NLU YAML format (``version: "3.1"``).

Supported keys: ``nlu`` items with ``intent``/``examples``, ``lookup`` and ``synonym``;
entity annotations ``[text](entity)``, ``[text](entity:value)`` and
``[text]{"entity": "...", "value": "..."}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_ANNOTATION_RE = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True, slots=True)
class Example:
    """One training message: plain text, its intent and its entities."""

    text: str
    intent: str
    entities: tuple[dict[str, Any], ...] = ()


@dataclass(slots=True)
class TrainingData:
    """Everything read from one or more Rasa NLU files."""

    examples: list[Example] = field(default_factory=list)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)

    @property
    def intents(self) -> list[str]:
        """Sorted intent names."""
        return sorted({e.intent for e in self.examples})


def _entity_of(match: re.Match[str]) -> tuple[str, str | None]:
    if match.group("json"):
        spec = json.loads(match.group("json"))
        value = spec.get("value")
        return str(spec["entity"]), None if value is None else str(value)
    name, _, value = match.group("short").partition(":")
    return name, value or None


def parse_annotated(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Strip Rasa entity annotations from ``text``.

    Args:
        text: An example such as ``"ngập ở [Lê Lợi](street)"``.

    Returns:
        The plain text and its entities (``entity``, ``value``, ``start``, ``end``).
    """
    plain: list[str] = []
    entities: list[dict[str, Any]] = []
    position, cursor = 0, 0
    for match in _ANNOTATION_RE.finditer(text):
        plain.append(text[cursor : match.start()])
        position += match.start() - cursor
        surface = match.group("text")
        name, value = _entity_of(match)
        entities.append(
            {
                "entity": name,
                "value": value if value is not None else surface,
                "start": position,
                "end": position + len(surface),
            }
        )
        plain.append(surface)
        position += len(surface)
        cursor = match.end()
    plain.append(text[cursor:])
    return "".join(plain), entities


def _items(block: str) -> list[str]:
    lines = (line.strip() for line in block.splitlines())
    return [line[2:].strip() for line in lines if line.startswith("- ")]


def _add_item(data: TrainingData, item: dict[str, Any]) -> None:
    examples = _items(str(item.get("examples", "")))
    if "intent" in item:
        for raw in examples:
            plain, entities = parse_annotated(raw)
            data.examples.append(Example(plain, str(item["intent"]), tuple(entities)))
    elif "lookup" in item:
        data.lookups.setdefault(str(item["lookup"]), []).extend(examples)
    elif "synonym" in item:
        data.synonyms.setdefault(str(item["synonym"]), []).extend(examples)


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """Expand files and directories into a sorted list of ``.yml``/``.yaml`` files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [p for p in path.rglob("*") if p.suffix in {".yml", ".yaml"}]
        else:
            found.append(path)
    return sorted(found)


def load_training_data(paths: Iterable[Path]) -> TrainingData:
    """Read every Rasa NLU file under ``paths``.

    Args:
        paths: Files or directories.

    Returns:
        The merged training data.

    Raises:
        ValueError: If a file has no ``nlu`` list.
    """
    data = TrainingData()
    for path in yaml_files(paths):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(document.get("nlu"), list):
            raise ValueError(f"{path}: expected a top-level 'nlu' list (Rasa NLU format)")
        for item in document["nlu"]:
            _add_item(data, item)
    return data
