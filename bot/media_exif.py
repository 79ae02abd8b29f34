"""What a photo's EXIF tells HueBot: its orientation and the GPS position it was taken at.

Both readers never raise: malformed EXIF is common and never the citizen's problem.
"""

from __future__ import annotations

import math
from typing import Any, Final

from PIL import ExifTags, Image

from handlers import GeoPoint

QUARTER_TURNS: Final = frozenset({5, 6, 7, 8})  # orientations that swap width and height


def orientation(image: Image.Image) -> int:
    """The EXIF orientation (1-8); 1, shown as stored, when absent or malformed."""
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:  # malformed EXIF: shown as stored
        return 1


def read_gps(image: Image.Image) -> GeoPoint | None:
    """Return the EXIF GPS position if present and plausible, else None."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        lat = _coordinate(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
        lon = _coordinate(
            gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef)
        )
    except Exception:  # malformed EXIF is common and never the citizen's problem
        return None
    if lat is None or lon is None or (lat == 0.0 and lon == 0.0):
        return None
    point = GeoPoint(latitude=lat, longitude=lon)
    return point if point.is_valid() else None


def _coordinate(value: Any, ref: Any) -> float | None:
    """Turn EXIF (degrees, minutes, seconds) rationals and an N/S/E/W ref into degrees."""
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    sign = {"N": 1.0, "E": 1.0, "S": -1.0, "W": -1.0}.get(str(ref).strip("\x00 ").upper())
    if sign is None or not isinstance(value, tuple | list) or not 1 <= len(value) <= 3:
        return None
    parts = [float(part) for part in value]
    if not all(math.isfinite(part) and part >= 0.0 for part in parts):
        return None
    return sign * sum(part / 60.0**index for index, part in enumerate(parts))
