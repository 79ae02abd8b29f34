"""How much decoded pixel memory the process may hold at once, and giving it back after.

A photo costs little on the wire and a lot once decoded: a 190 KB PNG can declare 49 MP,
about 200 MB of pixels. ``decode_cost`` reads only the image header and says what a
decode will hold; ``DecodeBudget`` lets decodes run together only while their costs fit
the budget (one that alone exceeds it runs alone), so eight uploads at once cost what
the budget allows, not eight times the largest. ``release_memory`` hands freed pages back
to the system after a decode (glibc keeps them otherwise, per thread arena).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import io
from collections.abc import AsyncIterator, Callable
from typing import Final, cast

from PIL import Image

from bot.media_formats import HEIF  # importing it registers the HEIC/HEIF opener

DEFAULT_BUDGET_BYTES: Final = 128 * 1024 * 1024  # one large decode, or several photos
STRIP_BYTES: Final = 16 * 1024 * 1024  # what shrinking in strips holds beside the image
_ONE_BYTE_MODES: Final = frozenset({"1", "L", "P"})  # Pillow keeps other modes in 4 bytes
# libheif holds the decoded YUV planes and interleaved RGB beside Pillow's 4-byte copy:
# a 12 MP HEIC raised the peak resident size by 7.8 bytes per pixel.
HEIF_BYTES_PER_PIXEL: Final = 8


def _libc_trim() -> Callable[[int], object] | None:
    """glibc's ``malloc_trim``, or None elsewhere (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None
    return cast("Callable[[int], object] | None", trim)


_MALLOC_TRIM: Final = _libc_trim()


def release_memory() -> None:
    """Return freed heap pages to the system (a no-op where libc cannot)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def decode_cost(data: bytes, max_pixels: int, max_side: int) -> int:
    """Bytes a full decode of ``data`` will hold, read from its header alone.

    JPEGs are decoded at a reduced DCT scale when they are far larger than the public
    copy (``Image.draft``), so their cost is that of the reduced size. HEIC/HEIF photos
    cost ``HEIF_BYTES_PER_PIXEL`` per pixel: libheif's own buffers come on top of Pillow's.

    Returns:
        The estimate; 0 when the file will be refused before decoding (unreadable, or
        over ``max_pixels``).
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > max_pixels:
                return 0
            if image.format in ("JPEG", "MPO"):
                image.draft(image.mode, draft_size(image.size, max_side))
            width, height = image.size
            per_pixel = _bytes_per_pixel(image)
    except Exception:  # Pillow's plugins raise many types for bad input
        return 0
    return width * height * per_pixel + STRIP_BYTES


def _bytes_per_pixel(image: Image.Image) -> int:
    if image.format == HEIF:
        return HEIF_BYTES_PER_PIXEL
    return 1 if image.mode in _ONE_BYTE_MODES else 4


def draft_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The size to decode a JPEG at: the public copy's size, in the photo's shape.

    DCT scaling keeps the decode at least that large, so a 40 MP photo decodes at a
    quarter of its pixels or fewer.
    """
    width, height = size
    scale = min(1.0, max_side / max(width, height, 1))
    return max(1, int(width * scale)), max(1, int(height * scale))


class DecodeBudget:
    """Bytes of decoded pixels that may be held at once, shared by every decode."""

    def __init__(self, limit: int = DEFAULT_BUDGET_BYTES) -> None:
        """Create an empty budget of ``limit`` bytes.

        Raises:
            ValueError: If ``limit`` is not positive.
        """
        if limit <= 0:
            raise ValueError("the decode budget must be positive")
        self._limit = limit
        self._used = 0
        self._changed = asyncio.Condition()

    @property
    def used(self) -> int:
        """Bytes reserved right now."""
        return self._used

    @contextlib.asynccontextmanager
    async def reserve(self, cost: int) -> AsyncIterator[None]:
        """Wait until ``cost`` fits beside the running decodes, and hold it until exit.

        A cost above the whole budget waits until nothing else runs, then runs alone.
        """
        cost = min(max(cost, 0), self._limit)
        async with self._changed:
            await self._changed.wait_for(lambda: self._used + cost <= self._limit)
            self._used += cost
        try:
            yield
        finally:
            async with self._changed:
                self._used -= cost
                self._changed.notify_all()
