"""The city as config.yml describes it: units, wards, report categories and routing.

These are the domain half of the configuration (the shell's half, paths and
channels, is in ``bot/config.py``). Validation happens here, once, on load.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cached_property
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CATEGORY_CODES: tuple[str, ...] = (
    "flooding",
    "road",
    "garbage",
    "pollution",
    "lighting",
    "trees",
    "water_supply",
    "electricity",
    "traffic",
    "urban_order",
    "construction",
    "security",
    "health",
    "disaster",
)

Code = Annotated[str, Field(pattern=r"^[a-z0-9_]{2,40}$")]
DURATION = re.compile(r"(\d{1,6})\s*([mhd])")
DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
MAX_DEADLINE = timedelta(days=90)
Language = Literal["vi", "en"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Strict):
    """A name in Vietnamese and English."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_language(self, language: str) -> str:
        """Return the name in ``language``, Vietnamese when it is not English."""
        return self.en if language == "en" else self.vi


class Contact(_Strict):
    """How the public reaches a unit."""

    phone: str | None = None
    email: str | None = None
    address: str | None = None


class Unit(_Strict):
    """A public unit that receives reports (a company, a department, a ward)."""

    code: Code
    name: Names
    contact: Contact = Contact()


class Ward(_Strict):
    """A ward (phường) or commune (xã) of the city."""

    code: int = Field(gt=0)
    codename: Code
    name: str = Field(min_length=1)
    committee: Code | None = None


def parse_duration(text: str) -> timedelta:
    """``"30m"``, ``"4h"`` or ``"3d"`` as a timedelta.

    Raises:
        ValueError: Not a whole number followed by m, h or d, or not above zero.
    """
    match = DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"expected a duration like 30m, 4h or 3d, not {text!r}")
    amount = int(match.group(1))
    if amount <= 0:
        raise ValueError(f"a duration must be above zero, not {text!r}")
    return timedelta(**{DURATION_UNITS[match.group(2)]: amount})


class Category(_Strict):
    """A kind of problem, the unit it goes to and how long that unit has.

    The time is ``deadline`` (``30m``, ``4h``, ``3d``: minutes allow an urgent lane) or,
    the older form, ``deadline_hours``; exactly one of them.
    """

    code: Code
    name: Names
    unit: Code
    deadline_hours: int | None = Field(default=None, gt=0, le=24 * 90)
    deadline_text: str | None = Field(default=None, alias="deadline")
    ward_committee: bool = False
    ward_units: dict[Code, Code] = {}

    @field_validator("deadline_text", mode="before")
    @classmethod
    def _valid_duration(cls, value: object) -> object:
        if isinstance(value, int | float):
            raise ValueError(f"say the unit: {value}m, {value}h or {value}d")
        if isinstance(value, str) and parse_duration(value) > MAX_DEADLINE:
            raise ValueError(f"at most 90 days, not {value!r}")
        return value

    @model_validator(mode="after")
    def _one_deadline(self) -> Category:
        if (self.deadline_hours is None) == (self.deadline_text is None):
            raise ValueError("give exactly one of deadline (30m, 4h, 3d) or deadline_hours")
        return self

    @property
    def deadline(self) -> timedelta:
        """The time the unit has to resolve a report."""
        if self.deadline_text is not None:
            return parse_duration(self.deadline_text)
        return timedelta(hours=self.deadline_hours or 0)


class EmergencyNumber(_Strict):
    """A national emergency number and what it is for."""

    number: str = Field(pattern=r"^[0-9 ]{3,15}$")
    name: Names


class CrisisSettings(_Strict):
    """Where an SOS goes and how fast a person must take it on.

    ``unit`` (civil defence) receives every SOS, and the ward's committee gets a copy
    when the place is known. Until an official acknowledges it, the unit is told again
    every ``resend_every`` and the supervisors after ``acknowledge_within``.
    """

    unit: Code = "ptds"
    acknowledge_within: str = "15m"
    resend_every: str = "5m"
    deadline: str = "4h"
    numbers: list[EmergencyNumber] = [
        EmergencyNumber(number="112", name=Names(vi="tìm kiếm cứu nạn", en="search and rescue")),
        EmergencyNumber(number="114", name=Names(vi="cứu hỏa, cứu nạn", en="fire and rescue")),
        EmergencyNumber(number="115", name=Names(vi="cấp cứu", en="ambulance")),
    ]

    @field_validator("acknowledge_within", "resend_every", "deadline")
    @classmethod
    def _valid_duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def acknowledge_in(self) -> timedelta:
        """How long an urgent report may wait for a person before supervisors hear."""
        return parse_duration(self.acknowledge_within)

    @property
    def resolve_in(self) -> timedelta:
        """The deadline of an urgent report."""
        return parse_duration(self.deadline)

    @property
    def resend(self) -> timedelta:
        """How often the unit is told again while nobody has the report."""
        return parse_duration(self.resend_every)


class City(_Strict):
    """Everything the handlers need to know about the city."""

    name: Names
    timezone: str = "Asia/Ho_Chi_Minh"
    hotline: str | None = None
    units: list[Unit] = Field(min_length=1)
    wards: list[Ward] = []
    categories: list[Category]
    crisis: CrisisSettings = CrisisSettings()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> City:
        unit_codes = _unique([u.code for u in self.units], "unit code")
        ward_codes = _unique([w.codename for w in self.wards], "ward codename")
        _unique([c.code for c in self.categories], "category code")
        missing = sorted(set(CATEGORY_CODES) - {c.code for c in self.categories})
        if missing:
            raise ValueError(f"categories missing: {', '.join(missing)}")
        for ward in self.wards:
            _known(ward.committee, unit_codes, f"ward {ward.codename} committee")
        for cat in self.categories:
            _known(cat.unit, unit_codes, f"category {cat.code} unit")
            for ward_code, unit_code in cat.ward_units.items():
                _known(ward_code, ward_codes, f"category {cat.code} ward_units key")
                _known(unit_code, unit_codes, f"category {cat.code} ward_units[{ward_code}]")
        _known(self.crisis.unit, unit_codes, "crisis unit")
        return self

    def unit(self, code: str) -> Unit:
        """Return the unit with ``code``; KeyError when there is none."""
        return self.units_by_code[code]

    def category(self, code: str) -> Category:
        """Return the category with ``code``; KeyError when there is none."""
        return self.categories_by_code[code]

    def ward(self, codename: str) -> Ward | None:
        """Return the ward with ``codename``, or None."""
        return self.wards_by_codename.get(codename)

    @cached_property
    def units_by_code(self) -> dict[str, Unit]:
        """Units by code."""
        return {unit.code: unit for unit in self.units}

    @cached_property
    def categories_by_code(self) -> dict[str, Category]:
        """Categories by code."""
        return {category.code: category for category in self.categories}

    @cached_property
    def wards_by_codename(self) -> dict[str, Ward]:
        """Wards by codename."""
        return {ward.codename: ward for ward in self.wards}

    @property
    def zone(self) -> ZoneInfo:
        """The city's time zone."""
        return ZoneInfo(self.timezone)

    def route(self, category_code: str, ward_codename: str | None) -> Unit:
        """Pick the unit responsible for a report.

        An explicit per-ward override wins, then the ward's own committee for
        categories handled by wards, then the category's default unit.

        Args:
            category_code: One of ``CATEGORY_CODES``.
            ward_codename: The report's ward, if known.

        Returns:
            The responsible unit.
        """
        category = self.category(category_code)
        ward = self.ward(ward_codename) if ward_codename else None
        if ward is not None and ward.codename in category.ward_units:
            return self.unit(category.ward_units[ward.codename])
        if ward is not None and category.ward_committee and ward.committee:
            return self.unit(ward.committee)
        return self.unit(category.unit)


def _unique(values: list[str], what: str) -> set[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)
    return seen


def _known(value: str | None, known: set[str], where: str) -> None:
    if value is not None and value not in known:
        raise ValueError(f"{where}: {value!r} is not defined")
