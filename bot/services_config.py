"""The ``services`` section of config.yml: the directory file and the public holidays."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from handlers import Names
from handlers.services.opening_hours import HoursError, parse_ranges


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HolidayConfig(_Strict):
    """A public holiday: its date, its name, and the hours of services without a PH rule."""

    day: date
    name: Names
    hours: str = "off"

    @field_validator("hours")
    @classmethod
    def _readable_hours(cls, value: str) -> str:
        try:
            parse_ranges(value)
        except HoursError as exc:
            raise ValueError(str(exc)) from None
        return value


class ServicesConfig(_Strict):
    """The public-services directory (see docs/services.md).

    ``directory`` (a CSV or YAML file, relative to config.yml) is loaded into the
    store at start when the store holds no services; ``huebot services import``
    reloads it. ``holidays`` are written to the store at start and on every import.
    """

    directory: Path | None = None
    holidays: list[HolidayConfig] = []

    def directory_path(self, config_path: Path) -> Path | None:
        """The directory file, resolved against the folder of config.yml."""
        if self.directory is None:
            return None
        if self.directory.is_absolute():
            return self.directory
        return config_path.resolve().parent / self.directory
