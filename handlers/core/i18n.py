"""Everything the bot says, in Vietnamese and English: one catalogue, fixed at import.

Each flow keeps its words in a data module (``handlers/<flow>/texts.py`` and the like);
this module joins them once into ``TEXTS``, a read-only mapping. The catalogue is
strict: a key may appear in only one module (a second one raises ``CatalogueError``
when it is built), both languages carry the same placeholders, and ``say`` raises
``MissingPlaceholder`` when one is not filled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from string import Formatter
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

from handlers.alerts import texts as alert_texts
from handlers.core import channel_texts, dialog_texts
from handlers.core import texts as core_texts
from handlers.crisis import texts as crisis_texts
from handlers.handling import staff_texts
from handlers.handling import texts as handling_texts
from handlers.report import texts as report_texts
from handlers.services import texts as service_texts

FIELD_ROOT = re.compile(r"[.\[]")


class CatalogueError(ValueError):
    """A text was defined twice, or its two languages do not match."""


class MissingPlaceholder(KeyError):
    """A text was asked for without a value for one of its placeholders."""


class Catalogue(Mapping[str, tuple[str, str]]):
    """Texts by key, each a (Vietnamese, English) pair, checked and fixed when built."""

    __slots__ = ("_fields", "_texts")

    def __init__(self, *parts: Mapping[str, tuple[str, str]]) -> None:
        """Join ``parts`` into one read-only catalogue.

        Raises:
            CatalogueError: A key is in two parts, or a pair is not two texts with the
                same placeholders.
        """
        texts: dict[str, tuple[str, str]] = {}
        fields: dict[str, frozenset[str]] = {}
        for part in parts:
            for key, pair in part.items():
                if key in texts:
                    raise CatalogueError(f"text {key!r} is defined twice")
                fields[key] = _pair_fields(key, pair)
                texts[key] = pair
        self._texts: Mapping[str, tuple[str, str]] = MappingProxyType(texts)
        self._fields: Mapping[str, frozenset[str]] = MappingProxyType(fields)

    def __getitem__(self, key: str) -> tuple[str, str]:
        return self._texts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def fields(self, key: str) -> frozenset[str]:
        """The placeholders the text ``key`` needs filled."""
        return self._fields[key]

    def say(self, language: str, key: str, **values: object) -> str:
        """The text for ``key`` in ``language`` (Vietnamese unless English), filled in.

        Raises:
            MissingPlaceholder: A placeholder of the text has no value in ``values``.
        """
        vi, en = self._texts[key]
        missing = self._fields[key] - values.keys()
        if missing:
            raise MissingPlaceholder(f"text {key!r} needs {', '.join(sorted(missing))}")
        return (en if language == "en" else vi).format(**values)


def placeholders(text: str) -> frozenset[str]:
    """The names of the ``{placeholders}`` in ``text``.

    Raises:
        ValueError: A brace is unbalanced or a placeholder has no name.
    """
    names: set[str] = set()
    for _, field, _, _ in Formatter().parse(text):
        if field is None:
            continue
        name = FIELD_ROOT.split(field, maxsplit=1)[0]
        if not name or name.isdigit():
            raise ValueError(f"unnamed placeholder in {text!r}")
        names.add(name)
    return frozenset(names)


def _pair_fields(key: str, pair: tuple[str, str]) -> frozenset[str]:
    if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
        raise CatalogueError(f"text {key!r} must be a (Vietnamese, English) pair")
    if not all(text.strip() for text in pair):
        raise CatalogueError(f"text {key!r} is empty in one language")
    try:
        vi, en = placeholders(pair[0]), placeholders(pair[1])
    except ValueError as exc:
        raise CatalogueError(f"text {key!r}: {exc}") from exc
    if vi != en:
        raise CatalogueError(f"text {key!r}: placeholders differ, vi {sorted(vi)} en {sorted(en)}")
    return vi


TEXTS: Final = Catalogue(
    core_texts.TEXTS,
    dialog_texts.TEXTS,
    channel_texts.TEXTS,
    report_texts.TEXTS,
    handling_texts.TEXTS,
    staff_texts.TEXTS,
    alert_texts.TEXTS,
    service_texts.TEXTS,
    crisis_texts.TEXTS,
)


def say(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` (Vietnamese unless English), filled in.

    Raises:
        MissingPlaceholder: A placeholder of the text has no value in ``values``.
    """
    return TEXTS.say(language, key, **values)


def format_time(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """A local date and time as people in Huế write it."""
    local = moment.astimezone(zone)
    if language == "en":
        return local.strftime("%H:%M, %d %b %Y")
    return local.strftime("%H:%M ngày %d/%m/%Y")


def format_duration(span: timedelta, language: str) -> str:
    """A deadline's length in days, hours and minutes: "1 ngày 12 giờ", "30 minutes"."""
    minutes = max(0, round(span.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    amounts = (days, *divmod(rest, 60))
    parts = zip(amounts, ("day", "hour", "minute"), ("ngày", "giờ", "phút"), strict=True)
    shown = [
        f"{n} {vi}" if language != "en" else f"{n} {en}{'s' if n != 1 else ''}"
        for n, en, vi in parts
        if n
    ]
    return " ".join(shown) or ("0 phút" if language != "en" else "0 minutes")
