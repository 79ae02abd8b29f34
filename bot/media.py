"""Checked, content-addressed photo storage: private originals, public copies without EXIF.

``MediaStore.ingest`` accepts JPEG (including multi-picture MPO JPEGs from phone cameras), PNG,
WebP and HEIC/HEIF (iPhone photos sent as files) up to ``max_bytes``. The format is what
Pillow decodes, never the filename or the declared content type, and the image is fully
decoded before it is accepted. Rejections:

* more than ``max_bytes`` -> ``TOO_LARGE``, checked before any decoding;
* more than ``max_pixels`` pixels or a decode needing more than ``max_decode_bytes``
  (both read from the header, before any decoding), or a Pillow decompression-bomb
  error -> ``TOO_MANY_PIXELS`` (the size in bytes may be fine,
  so ``TOO_LARGE`` would give the citizen a false reason);
* another format Pillow recognises (GIF, BMP, TIFF...) or a known non-image signature
  (PDF, AVIF/MP4 ``ftyp``, ZIP, plain text) -> ``UNSUPPORTED``;
* empty data, a broken or truncated JPEG/PNG/WebP/HEIC, or unrecognisable bytes -> ``CORRUPT``.

Files are named by the SHA-256 of the original bytes (``aa`` is its first two hex digits)::

    root/original/aa/<sha256>.<ext>   the exact bytes received, private (0600, tree 0700)
    root/public/aa/<sha256>.<ext>     re-encoded copy that anyone may be shown (0644)

An HEIC original is kept as ``.heic``; its public copy is a JPEG, which every client shows.

The public copy is upright (EXIF orientation applied), fits ``max_public_side`` and has no
EXIF (so no GPS), XMP, comments or PNG text. Only the ICC colour profile is kept: colours
need it and it says nothing about the citizen.

Memory: ``ingest`` is synchronous and CPU-bound; the server calls ``accept``, which runs it
in a worker thread under the store's ``DecodeBudget`` (see ``bot/media_budget.py``) and
hands freed memory back afterwards. A decode holds one full-size copy at most (HEIC: plus
libheif's own buffers, counted by ``decode_cost``): JPEGs far larger than the public copy
are decoded at a reduced DCT scale, and the public copy is shrunk in place before it is
turned upright.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from PIL import Image

from bot.media_budget import DecodeBudget, decode_cost, draft_size, release_memory
from bot.media_exif import QUARTER_TURNS, orientation, read_gps
from bot.media_formats import (
    FORMATS,
    ORIGINAL_EXTENSIONS,
    PUBLIC_TYPES,
    Format,
    classify_unreadable,
)
from bot.media_picture import public_picture
from handlers import GeoPoint, PhotoProblem, PhotoRef, RejectedFile

logger = logging.getLogger(__name__)

DEFAULT_MAX_PIXELS: Final = 40_000_000  # a 10 MB file's real photos: 48 MP phones bin to 12
# 24 MP of PNG/WebP, 12 MP of HEIC; JPEGs decode smaller
DEFAULT_MAX_DECODE_BYTES: Final = 112 * 1024 * 1024
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_PIXELS  # Pillow's own guard: warns above, fails at 2x
# Pillow's warning concerns exactly the images the pixel check below refuses before decoding.
warnings.simplefilter("ignore", Image.DecompressionBombWarning)
JPEG_QUALITY: Final = 85

_SHA256_RE: Final = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class _Decoded:
    """A fully decoded, accepted image: its public picture, upright and already shrunk."""

    image: Image.Image
    size: tuple[int, int]  # the upright original's
    fmt: Format
    gps: GeoPoint | None
    icc_profile: bytes | None


class MediaStore:
    """Check photos citizens send and keep them on disk, addressed by SHA-256."""

    def __init__(
        self,
        root: Path,
        max_bytes: int = 10 * 1024 * 1024,
        max_public_side: int = 2048,
        *,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        budget: DecodeBudget | None = None,
        max_decode_bytes: int = DEFAULT_MAX_DECODE_BYTES,
    ) -> None:
        """Create a store under ``root``; directories are made on the first ingest.

        Args:
            root: Directory holding ``original/`` and ``public/``.
            max_bytes: Largest accepted file, in bytes.
            max_public_side: Longest side of the public copy, in pixels.
            max_pixels: Largest accepted width x height (decompression-bomb guard).
            budget: Decoded bytes ``accept`` may hold at once (a default budget if None).
            max_decode_bytes: Largest memory one decode may need (``decode_cost``).

        Raises:
            ValueError: If a limit is not positive.
        """
        if min(max_bytes, max_public_side, max_pixels) <= 0:
            raise ValueError("media limits must be positive")
        self._root = root
        self._max_bytes = max_bytes
        self._max_public_side = max_public_side
        self._max_pixels = max_pixels
        self._budget = budget if budget is not None else DecodeBudget()
        self._max_decode_bytes = max_decode_bytes

    @property
    def max_bytes(self) -> int:
        """Largest accepted file, in bytes."""
        return self._max_bytes

    async def accept(self, data: bytes, filename: str | None = None) -> PhotoRef | RejectedFile:
        """``ingest`` in a worker thread, once its decode fits the store's memory budget.

        The budget is held until the decode has really ended, even if the caller is
        cancelled meanwhile; freed memory is handed back to the system afterwards.
        """
        cost = 0 if len(data) > self._max_bytes else self._cost(data)
        async with self._budget.reserve(cost):
            work = asyncio.ensure_future(asyncio.to_thread(self._ingest_released, data, filename))
            try:
                return await asyncio.shield(work)
            except asyncio.CancelledError:
                await asyncio.wait([work])
                raise

    def _cost(self, data: bytes) -> int:
        return decode_cost(data, self._max_pixels, self._max_public_side)

    def _ingest_released(self, data: bytes, filename: str | None) -> PhotoRef | RejectedFile:
        try:
            return self.ingest(data, filename)
        finally:
            release_memory()

    def ingest(self, data: bytes, filename: str | None = None) -> PhotoRef | RejectedFile:
        """Check one uploaded file and, if it is an acceptable photo, store it.

        Storing the same bytes again rewrites nothing and returns an equal ``PhotoRef``.

        Args:
            data: The file exactly as received.
            filename: The name the citizen's client gave it; only echoed in a rejection.

        Returns:
            A ``PhotoRef`` (``width``/``height`` of the upright original, ``gps`` from EXIF
            when present and valid) or a ``RejectedFile`` saying why it was refused.

        Raises:
            OSError: If the files cannot be written.
        """
        sha256 = hashlib.sha256(data).hexdigest()
        if len(data) > self._max_bytes:
            return _reject(PhotoProblem.TOO_LARGE, sha256, filename)
        if self._cost(data) > self._max_decode_bytes:
            return _reject(PhotoProblem.TOO_MANY_PIXELS, sha256, filename)
        decoded = _decode(data, self._max_pixels, self._max_public_side)
        if isinstance(decoded, PhotoProblem):
            return _reject(decoded, sha256, filename)
        if not self._store(sha256, data, decoded):
            return _reject(PhotoProblem.CORRUPT, sha256, filename)
        logger.info("photo %s accepted (%s, %d bytes)", sha256[:12], decoded.fmt.ext, len(data))
        width, height = decoded.size
        return PhotoRef(sha256, decoded.fmt.content_type, len(data), width, height, decoded.gps)

    def public_path(self, sha256: str) -> Path | None:
        """Return the metadata-free public copy, or None if unknown or not a SHA-256 hex."""
        return self._find("public", sha256)

    def original_path(self, sha256: str) -> Path | None:
        """Return the private original, or None if unknown or not a SHA-256 hex."""
        return self._find("original", sha256)

    def content_type(self, sha256: str) -> str | None:
        """The public copy's type: ``image/jpeg``, ``image/png``, ``image/webp``, or None."""
        path = self.public_path(sha256)
        return None if path is None else PUBLIC_TYPES[path.suffix[1:]]

    def _path(self, kind: str, sha256: str, ext: str) -> Path:
        return self._root / kind / sha256[:2] / f"{sha256}.{ext}"

    def _find(self, kind: str, sha256: str) -> Path | None:
        if not isinstance(sha256, str) or not _SHA256_RE.fullmatch(sha256):
            return None
        for ext in PUBLIC_TYPES if kind == "public" else ORIGINAL_EXTENSIONS:
            path = self._path(kind, sha256, ext)
            if path.is_file():
                return path
        return None

    def _store(self, sha256: str, data: bytes, decoded: _Decoded) -> bool:
        """Write whichever of the two files is missing; False if encoding failed."""
        public = self._path("public", sha256, decoded.fmt.public_ext)
        public_bytes = None
        if not public.exists():
            public_bytes = _encode_public(decoded)
            if public_bytes is None:
                return False
        original = self._path("original", sha256, decoded.fmt.ext)
        if not original.exists():
            (self._root / "original").mkdir(mode=0o700, parents=True, exist_ok=True)
            _write_atomic(original, data, 0o600)
        if public_bytes is not None:
            _write_atomic(public, public_bytes, 0o644)
        return True


def _reject(problem: PhotoProblem, sha256: str, filename: str | None) -> RejectedFile:
    logger.info("photo %s rejected: %s", sha256[:12], problem.value)
    return RejectedFile(problem, filename)


def _decode(data: bytes, max_pixels: int, max_side: int) -> _Decoded | PhotoProblem:
    """Identify and fully decode ``data``; return the public picture or why it is refused."""
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        return PhotoProblem.TOO_MANY_PIXELS
    except Exception:  # Pillow's plugins raise many types for bad input
        return classify_unreadable(data)
    with image:
        fmt = FORMATS.get(image.format or "")
        if fmt is None:  # checked before load(): other formats' decoders never run
            return PhotoProblem.UNSUPPORTED
        if image.width * image.height > max_pixels:
            return PhotoProblem.TOO_MANY_PIXELS
        return _load(image, fmt, max_side)


def _load(image: Image.Image, fmt: Format, max_side: int) -> _Decoded | PhotoProblem:
    """Decode every byte of ``image``, keeping only what the public copy needs."""
    width, height = image.size
    if fmt.ext == "jpg":  # the whole stream is still decoded, at a reduced scale
        image.draft(image.mode, draft_size(image.size, max_side))
    try:
        image.load()
    except Image.DecompressionBombError:
        return PhotoProblem.TOO_MANY_PIXELS
    except Exception:  # truncated or damaged data
        return PhotoProblem.CORRUPT
    if image.width == 0 or image.height == 0:
        return PhotoProblem.CORRUPT
    icc, gps = image.info.get("icc_profile"), read_gps(image)
    turned = orientation(image) in QUARTER_TURNS
    size = (height, width) if turned else (width, height)
    picture = public_picture(image, fmt.save_as, max_side)
    return _Decoded(picture, size, fmt, gps, icc or None)


def _encode_public(decoded: _Decoded) -> bytes | None:
    """Encode the shareable copy: upright, already shrunk, no metadata but ICC."""
    try:
        picture = decoded.image
        picture.info = {}  # JPEG copies a comment and PNG an ICC profile from info
        options: dict[str, Any] = {}
        if decoded.fmt.save_as != "PNG":
            options["quality"] = JPEG_QUALITY
        if decoded.icc_profile is not None:
            options["icc_profile"] = decoded.icc_profile
        out = io.BytesIO()
        picture.save(out, format=decoded.fmt.save_as, **options)
    except Exception:
        logger.exception("public copy could not be encoded")
        return None
    return out.getvalue()


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
