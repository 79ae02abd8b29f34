"""The photo formats HueBot accepts, how each is stored, and the HEIC/HEIF decoder.

iPhones send HEIC when a photo is sent as a file. ``pillow-heif`` registers a Pillow
opener for it (Pillow reports the format as ``HEIF``); its thumbnails, depth maps and
auxiliary images are never read. The original keeps its own format on disk; the public
copy is JPEG, PNG or WebP, which every browser and messenger shows.
"""

from __future__ import annotations

from typing import Final, NamedTuple

import pillow_heif

from handlers import PhotoProblem

pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


HEIF: Final = "HEIF"  # Pillow's name for HEIC and HEIF images


class Format(NamedTuple):
    """One accepted format: the original's extension and type, and the public copy's."""

    ext: str
    content_type: str
    save_as: str  # Pillow format of the public copy

    @property
    def public_ext(self) -> str:
        """Extension of the public copy."""
        return PUBLIC_EXTENSIONS[self.save_as]


PUBLIC_EXTENSIONS: Final = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PUBLIC_TYPES: Final = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
FORMATS: Final = {
    "JPEG": Format("jpg", "image/jpeg", "JPEG"),
    "MPO": Format("jpg", "image/jpeg", "JPEG"),  # multi-picture JPEGs from phone cameras
    "PNG": Format("png", "image/png", "PNG"),
    "WEBP": Format("webp", "image/webp", "WEBP"),
    HEIF: Format("heic", "image/heic", "JPEG"),
}
ORIGINAL_EXTENSIONS: Final = tuple(dict.fromkeys(fmt.ext for fmt in FORMATS.values()))
# Major brands of HEVC-coded HEIF files: such a file that does not open is a broken photo.
HEIC_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_OWN_MAGIC: Final = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
_FOREIGN_MAGIC: Final = (b"%PDF", b"PK\x03\x04", b"RIFF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_TEXT_CONTROLS: Final = frozenset(b"\t\n\r\f")


def is_heic(data: bytes) -> bool:
    """Whether ``data`` starts like an HEVC-coded HEIF file (``ftyp`` box, HEIC brand)."""
    return data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS


def classify_unreadable(data: bytes) -> PhotoProblem:
    """Say why bytes Pillow could not open are refused: broken photo or other file type."""
    if not data or data.startswith(_OWN_MAGIC) or data[8:12] == b"WEBP" or is_heic(data):
        return PhotoProblem.CORRUPT
    if data.startswith(_FOREIGN_MAGIC) or data[4:8] == b"ftyp" or _looks_like_text(data):
        return PhotoProblem.UNSUPPORTED
    return PhotoProblem.CORRUPT


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    return all(byte >= 0x20 or byte in _TEXT_CONTROLS for byte in head)
