"""Where the gazetteer's files are: the ``places:`` section of config.yml.

Each path may point at the city's own files (GeoJSON for wards, CSV for streets and
landmarks, same columns as the shipped ones); unset paths use the files shipped in
``places/data/``. Relative paths are taken from the config file's folder.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

DATA_DIR = Path(__file__).parent / "data"


class PlacesConfig(BaseModel):
    """The gazetteer's files and how often to look for edits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    wards: Path | None = None
    streets: Path | None = None
    landmarks: Path | None = None
    reload_check_seconds: float = Field(default=5.0, ge=0)


class PlacesPaths(BaseModel):
    """Resolved, absolute paths of the three gazetteer files."""

    model_config = ConfigDict(frozen=True)

    wards: Path = DATA_DIR / "hue_wards.geojson"
    streets: Path = DATA_DIR / "streets.csv"
    landmarks: Path = DATA_DIR / "landmarks.csv"

    def files(self) -> tuple[Path, Path, Path]:
        """The three files, wards first."""
        return self.wards, self.streets, self.landmarks


def resolve_paths(config: PlacesConfig, base: Path) -> PlacesPaths:
    """Turn the configured paths into absolute ones (defaults: the shipped files).

    Args:
        config: The ``places:`` section.
        base: The config file's folder.

    Returns:
        The paths to load.
    """
    default = PlacesPaths()

    def pick(value: Path | None, fallback: Path) -> Path:
        if value is None:
            return fallback
        return value if value.is_absolute() else base / value

    return PlacesPaths(
        wards=pick(config.wards, default.wards),
        streets=pick(config.streets, default.streets),
        landmarks=pick(config.landmarks, default.landmarks),
    )
