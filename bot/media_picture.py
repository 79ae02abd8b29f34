"""The picture anyone may be shown: displayable mode, at most ``max_side``, upright.

Shrinking a large photo the obvious way (``Image.thumbnail``) holds two more full-size
copies at its peak: RGBA and LA are converted to premultiplied alpha before resizing, and
palette images must first be converted to RGBA. Here the decoded image is read in
horizontal strips instead: each strip, with the filter's margin, is converted and resized
on its own into the small output, so the peak is the decoded image plus a few megabytes.
The result matches a whole-image LANCZOS resize, because every output row sees the same
input rows (the resize box keeps the exact sampling positions).
"""

from __future__ import annotations

import contextlib
import math
from typing import Final

from PIL import Image, ImageOps

OUT_ROWS: Final = 64  # output rows made per strip
LANCZOS_SUPPORT: Final = 3.0  # input pixels per unit of scale on each side


def public_picture(image: Image.Image, save_as: str, max_side: int) -> Image.Image:
    """Return a new displayable picture of ``image``, shrunk to ``max_side`` and upright.

    Args:
        image: The decoded original (left unchanged).
        save_as: The Pillow format the copy will be saved in (JPEG, PNG or WEBP).
        max_side: Longest side of the result, in pixels.

    Returns:
        L/RGB for JPEG, L/LA/RGB/RGBA for PNG and WebP, EXIF orientation applied.
    """
    mode = display_mode(image, save_as)
    size = fit(image.size, max_side)
    if size == image.size:
        picture = image.convert(mode) if image.mode != mode else image.copy()
    else:
        picture = _shrink_in_strips(image, size, mode)
    if "exif" in image.info:
        picture.info["exif"] = image.info["exif"]
    return _upright(picture)


def display_mode(image: Image.Image, save_as: str) -> str:
    """L/RGB (JPEG) or L/LA/RGB/RGBA (PNG, WebP), keeping transparency where it exists."""
    alpha = save_as != "JPEG" and image.has_transparency_data
    if image.mode in (("LA", "RGBA") if alpha else ("L", "RGB")):
        return image.mode
    return "RGBA" if alpha else "RGB"


def fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """``size`` scaled down (never up) so that its longest side is ``max_side``."""
    width, height = size
    scale = max_side / max(width, height, 1)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


def _shrink_in_strips(image: Image.Image, size: tuple[int, int], mode: str) -> Image.Image:
    out = Image.new(mode, size)
    scale_y = image.height / size[1]
    margin = math.ceil(LANCZOS_SUPPORT * scale_y) + 2
    for top in range(0, size[1], OUT_ROWS):
        bottom = min(size[1], top + OUT_ROWS)
        y0, y1 = top * scale_y, bottom * scale_y
        c0, c1 = max(0, math.floor(y0) - margin), min(image.height, math.ceil(y1) + margin)
        strip = image.crop((0, c0, image.width, c1))
        if strip.mode != mode:
            strip = strip.convert(mode)
        box = (0.0, y0 - c0, float(image.width), y1 - c0)
        out.paste(strip.resize((size[0], bottom - top), Image.Resampling.LANCZOS, box), (0, top))
    return out


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation in place; a bad orientation tag is ignored."""
    with contextlib.suppress(Exception):
        ImageOps.exif_transpose(image, in_place=True)
    return image
