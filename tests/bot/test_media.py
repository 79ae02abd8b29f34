"""MediaStore: what it accepts, what it refuses, and what the public copy leaks (nothing).

Every image is made here with Pillow; the few non-images are written out by hand.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

from bot.media import DEFAULT_MAX_PIXELS, MediaStore
from bot.media_budget import STRIP_BYTES, DecodeBudget, decode_cost
from handlers import GeoPoint, PhotoProblem, PhotoRef, RejectedFile
from tests.support.images import png_bomb

ROOT = Path(__file__).resolve().parents[2]

GPS = ExifTags.GPS
# Đại Nội (the Imperial City), Huế: 16°28'3.6" N, 107°34'40.8" E.
HUE_GPS: dict[int, Any] = {
    GPS.GPSLatitudeRef: "N",
    GPS.GPSLatitude: (16.0, 28.0, 3.6),
    GPS.GPSLongitudeRef: "E",
    GPS.GPSLongitude: (107.0, 34.0, 40.8),
}
HUE = GeoPoint(16.4676666, 107.5780)


@pytest.fixture
def store(tmp_path: Path) -> MediaStore:
    return MediaStore(tmp_path / "media", max_public_side=64)


def make_exif(gps: dict[int, Any] | None = None, orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if gps is not None:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(gps)
    return exif


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def photo(fmt: str = "JPEG", size: tuple[int, int] = (40, 20), **options: Any) -> bytes:
    return encode(Image.new("RGB", size, (200, 120, 40)), fmt, **options)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def accepted(result: PhotoRef | RejectedFile) -> PhotoRef:
    assert isinstance(result, PhotoRef), result
    return result


def public_image(store: MediaStore, ref: PhotoRef) -> tuple[Image.Image, bytes]:
    path = store.public_path(ref.sha256)
    assert path is not None
    data = path.read_bytes()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_reads_exif_gps(store: MediaStore, fmt: str) -> None:
    ref = accepted(store.ingest(photo(fmt, exif=make_exif(HUE_GPS))))

    assert ref.gps is not None
    assert ref.gps.latitude == pytest.approx(HUE.latitude, abs=1e-6)
    assert ref.gps.longitude == pytest.approx(HUE.longitude, abs=1e-6)


def test_south_and_west_refs_are_negative(store: MediaStore) -> None:
    gps: dict[int, Any] = {**HUE_GPS, GPS.GPSLatitudeRef: "S", GPS.GPSLongitudeRef: "W"}
    ref = accepted(store.ingest(photo(exif=make_exif(gps))))

    assert ref.gps is not None
    assert ref.gps.latitude == pytest.approx(-HUE.latitude, abs=1e-6)
    assert ref.gps.longitude == pytest.approx(-HUE.longitude, abs=1e-6)


@pytest.mark.parametrize(
    "gps",
    [
        {GPS.GPSLatitude: (16.0, 28.0, 3.6), GPS.GPSLongitude: (107.0, 34.0, 40.8)},
        {**HUE_GPS, GPS.GPSLatitudeRef: "X"},
        {**HUE_GPS, GPS.GPSLatitude: (IFDRational(16, 0), 28.0, 3.6)},
        {**HUE_GPS, GPS.GPSLatitude: (95.0, 0.0, 0.0)},
        {**HUE_GPS, GPS.GPSLatitude: (0.0, 0.0, 0.0), GPS.GPSLongitude: (0.0, 0.0, 0.0)},
        {GPS.GPSLatitudeRef: "N", GPS.GPSLongitudeRef: "E"},
        {},
    ],
    ids=[
        "no-refs",
        "bad-ref",
        "zero-denominator",
        "out-of-range",
        "null-island",
        "refs-only",
        "empty",
    ],
)
def test_bad_gps_is_ignored_not_an_error(store: MediaStore, gps: dict[int, Any]) -> None:
    ref = accepted(store.ingest(photo(exif=make_exif(gps))))

    assert ref.gps is None


@pytest.mark.parametrize(
    ("fmt", "content_type", "ext"),
    [
        ("JPEG", "image/jpeg", ".jpg"),
        ("PNG", "image/png", ".png"),
        ("WEBP", "image/webp", ".webp"),
    ],
)
def test_accepts_jpeg_png_webp(
    store: MediaStore, tmp_path: Path, fmt: str, content_type: str, ext: str
) -> None:
    data = photo(fmt)
    ref = accepted(store.ingest(data, "street.bin"))

    assert (ref.content_type, ref.size, ref.width, ref.height) == (content_type, len(data), 40, 20)
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert ref.gps is None
    assert store.content_type(ref.sha256) == content_type
    name = Path(ref.sha256[:2], ref.sha256 + ext)
    assert store.public_path(ref.sha256) == tmp_path / "media" / "public" / name
    assert store.original_path(ref.sha256) == tmp_path / "media" / "original" / name


def test_accepts_multi_picture_jpeg_from_phones(store: MediaStore) -> None:
    second = Image.new("RGB", (40, 20), "blue")
    ref = accepted(store.ingest(photo("MPO", save_all=True, append_images=[second])))

    assert ref.content_type == "image/jpeg"
    assert public_image(store, ref)[0].format == "JPEG"


@pytest.mark.parametrize(
    "data",
    [
        photo("GIF"),
        photo("BMP"),
        photo("TIFF"),
        "Xin chào Huế, đường bị ngập.\n".encode(),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42" + bytes(64),
    ],
    ids=["gif", "bmp", "tiff", "text", "pdf", "mp4"],
)
def test_rejects_other_formats_as_unsupported(store: MediaStore, data: bytes) -> None:
    assert store.ingest(data, "photo.jpg") == RejectedFile(PhotoProblem.UNSUPPORTED, "photo.jpg")


@pytest.mark.parametrize(
    "data",
    [
        photo(size=(400, 300))[:600],
        photo("PNG", size=(400, 300))[:-30],
        photo("WEBP", size=(400, 300))[:-40],
        photo("WEBP")[:16],
        b"\xff\xd8\xff" + b"looks like text after a JPEG marker",
        random.Random(1234).randbytes(4096),
        b"",
    ],
    ids=[
        "truncated-jpeg",
        "truncated-png",
        "truncated-webp",
        "webp-header-only",
        "jpeg-marker-then-text",
        "random-bytes",
        "empty",
    ],
)
def test_rejects_damaged_files_as_corrupt(store: MediaStore, data: bytes) -> None:
    assert store.ingest(data) == RejectedFile(PhotoProblem.CORRUPT)


def test_size_limit_is_checked_before_decoding(
    store: MediaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_limit = b"\xff\xd8\xff" + bytes(10 * 1024 * 1024 - 3)
    assert store.ingest(at_limit) == RejectedFile(PhotoProblem.CORRUPT)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded a file over the size limit")

    monkeypatch.setattr(Image, "open", refuse)
    assert store.ingest(at_limit + b"\x00", "big.jpg") == RejectedFile(
        PhotoProblem.TOO_LARGE, "big.jpg"
    )


@pytest.mark.parametrize(
    ("data", "max_pixels"),
    [
        (png_declaring(100_000, 100_000), 50_000_000),  # Pillow's own bomb error
        (png_declaring(8_000, 8_000), 50_000_000),  # over our cap, under Pillow's
        (photo(size=(40, 20)), 799),
    ],
    ids=["pillow-bomb-error", "over-default-cap", "over-custom-cap"],
)
def test_rejects_decompression_bombs(tmp_path: Path, data: bytes, max_pixels: int) -> None:
    store = MediaStore(tmp_path, max_pixels=max_pixels)

    assert store.ingest(data) == RejectedFile(PhotoProblem.TOO_MANY_PIXELS)
    assert not any(tmp_path.iterdir())


def test_a_small_png_that_decodes_to_49_megapixels_is_refused_unread(tmp_path: Path) -> None:
    bomb = png_bomb(7000, 7000)  # about 200 KB on the wire, 196 MB decoded
    assert len(bomb) < 300_000

    assert MediaStore(tmp_path).ingest(bomb, "b.png") == RejectedFile(
        PhotoProblem.TOO_MANY_PIXELS, "b.png"
    )
    assert not any(tmp_path.iterdir())
    assert Image.MAX_IMAGE_PIXELS == DEFAULT_MAX_PIXELS == 40_000_000


def test_a_png_needing_over_112_mb_to_decode_is_refused_unread(tmp_path: Path) -> None:
    assert MediaStore(tmp_path).ingest(png_bomb(6000, 6000)) == RejectedFile(
        PhotoProblem.TOO_MANY_PIXELS
    )
    assert not any(tmp_path.iterdir())


def test_a_real_40_megapixel_photo_still_fits(tmp_path: Path) -> None:
    ref = accepted(MediaStore(tmp_path).ingest(photo(size=(7300, 5470), quality=30)))
    assert (ref.width, ref.height) == (7300, 5470)


async def test_decodes_wait_for_the_memory_budget(tmp_path: Path) -> None:
    one = decode_cost(png_bomb(2000, 1500), DEFAULT_MAX_PIXELS, 2048)
    assert one == 2000 * 1500 * 4 + STRIP_BYTES
    budget = DecodeBudget(2 * one)
    store = MediaStore(tmp_path, budget=budget)
    seen: list[int] = []

    async def watch() -> None:
        while True:
            seen.append(budget.used)
            await asyncio.sleep(0.001)

    watcher = asyncio.create_task(watch())
    bombs = [png_bomb(2000, 1500 + n) for n in range(5)]
    results = await asyncio.gather(*(store.accept(bomb) for bomb in bombs))
    watcher.cancel()
    assert all(isinstance(result, PhotoRef) for result in results)
    assert max(seen) <= 2 * one and budget.used == 0
    assert one in seen  # work went on while others waited


def test_eight_concurrent_bombs_decode_within_the_budget(tmp_path: Path) -> None:
    """Eight 23 MP bombs at once: one decode at a time, and the memory comes back.

    The decisive check is the budget's own count (never more reserved than its limit).
    Peak RSS depends on timing and on what the allocator keeps, so it is checked only
    against what eight decodes at once would cost (about 1 GB here, 3.9 GB before the
    budget); ``make bench-hostile`` measures the 400 MB target under load.
    """
    script = f"""
import asyncio, resource, sys
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from bot.media import MediaStore
from bot.media_budget import DecodeBudget
from tests.support.images import png_bomb

class Watched(DecodeBudget):
    most = 0
    def reserve(self, cost):
        inner = super().reserve(cost)
        budget = self
        class Held:
            async def __aenter__(self):
                await inner.__aenter__()
                budget.most = max(budget.most, budget.used)
            async def __aexit__(self, *exc):
                return await inner.__aexit__(*exc)
        return Held()

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024

async def main():
    budget = Watched()
    store = MediaStore(Path({str(tmp_path)!r}), budget=budget)
    bombs = [png_bomb(4800, 4800 + n) for n in range(8)]
    before = rss_mb()
    results = await asyncio.gather(*(store.accept(bomb) for bomb in bombs))
    kinds = sorted({{type(result).__name__ for result in results}})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(kinds, budget.most <= budget._limit, before, peak, rss_mb())

asyncio.run(main())
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    kinds, numbers = done.stdout.rsplit("]", 1)
    within, *sizes = numbers.split()
    before, peak, after = map(int, sizes)
    assert kinds == "['PhotoRef'"  # 23 MP of RGBA each: accepted, one at a time
    assert within == "True", "the budget let decodes run beyond its limit"
    # One decode at a time peaks near +300 MB here, +570 MB seen on a loaded machine (the
    # allocator keeps freed arenas); eight at once would need about +860 MB.
    assert peak < before + 700, (before, peak, after)
    assert after < before + 100, (before, peak, after)


def test_public_jpeg_has_no_metadata_and_original_is_untouched(store: MediaStore) -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-xmp</x:xmpmeta>'
    data = photo(exif=make_exif(HUE_GPS), comment=b"secret-comment", xmp=xmp, icc_profile=icc)
    ref = accepted(store.ingest(data))

    image, public = public_image(store, ref)
    assert not image.getexif()
    assert {"exif", "xmp", "comment"}.isdisjoint(image.info)
    assert b"Exif" not in public and b"secret" not in public and b"PhoneMaker" not in public
    assert image.info["icc_profile"] == icc  # colour profile kept on purpose
    original = store.original_path(ref.sha256)
    assert original is not None
    assert original.read_bytes() == data
    assert original.stat().st_mode & 0o777 == 0o600


def test_public_png_drops_text_chunks_and_exif(store: MediaStore) -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret-text")
    ref = accepted(store.ingest(photo("PNG", pnginfo=text, exif=make_exif(HUE_GPS))))

    image, public = public_image(store, ref)
    assert isinstance(image, PngImagePlugin.PngImageFile)
    assert image.text == {}
    assert not image.getexif()
    assert b"secret" not in public and b"eXIf" not in public and b"tEXt" not in public


def test_public_webp_drops_exif_and_xmp(store: MediaStore) -> None:
    data = photo("WEBP", exif=make_exif(HUE_GPS), xmp=b"<x>secret-xmp</x>")
    ref = accepted(store.ingest(data))

    image, public = public_image(store, ref)
    assert not image.getexif()
    assert {"exif", "xmp"}.isdisjoint(image.info)
    assert b"secret" not in public and b"EXIF" not in public


def test_orientation_is_applied(store: MediaStore) -> None:
    image = Image.new("RGB", (40, 20), "blue")
    image.paste((255, 0, 0), (0, 0, 20, 20))  # left half red
    ref = accepted(store.ingest(encode(image, "JPEG", exif=make_exif(orientation=6))))

    assert (ref.width, ref.height) == (20, 40)
    upright, _ = public_image(store, ref)
    assert upright.size == (20, 40)
    top, bottom = upright.getpixel((10, 5)), upright.getpixel((10, 35))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60  # the red half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_large_image_is_downscaled_for_the_public(store: MediaStore) -> None:
    ref = accepted(store.ingest(photo("PNG", size=(400, 100))))

    assert (ref.width, ref.height) == (400, 100)
    assert public_image(store, ref)[0].size == (64, 16)


@pytest.mark.parametrize(
    ("mode", "fmt", "public_mode"),
    [("CMYK", "JPEG", "RGB"), ("L", "JPEG", "L"), ("P", "PNG", "RGBA"), ("LA", "WEBP", "RGBA")],
)
def test_modes_are_converted_for_display(
    store: MediaStore, mode: str, fmt: str, public_mode: str
) -> None:
    options: dict[str, Any] = {"transparency": 0} if mode == "P" else {}
    ref = accepted(store.ingest(encode(Image.new(mode, (30, 30)), fmt, **options)))

    assert public_image(store, ref)[0].mode == public_mode


def test_ingesting_twice_rewrites_nothing(store: MediaStore, tmp_path: Path) -> None:
    data = photo(exif=make_exif(HUE_GPS))
    first = accepted(store.ingest(data))
    files = sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file())
    stamps = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in files]

    assert store.ingest(data, "again.jpg") == first
    assert sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file()) == files
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in files] == stamps
    assert [p.parent.parent.name for p in files] == ["original", "public"]


@pytest.mark.parametrize(
    "sha256",
    ["../x", "../../etc/passwd", "", "a" * 63, "A" * 64, "g" * 64, "a" * 64, "a" * 64 + "\n"],
)
def test_lookups_refuse_bad_or_unknown_ids(store: MediaStore, sha256: str) -> None:
    accepted(store.ingest(photo()))

    assert store.public_path(sha256) is None
    assert store.original_path(sha256) is None
    assert store.content_type(sha256) is None


def test_lookups_cannot_be_walked_to_the_private_original(store: MediaStore) -> None:
    sha256 = accepted(store.ingest(photo())).sha256
    walk = f"./../original/{sha256[:2]}/{sha256}"

    assert store.original_path(sha256) is not None
    assert store.public_path(walk) is None
    assert store.content_type(walk) is None


@pytest.mark.parametrize("seed", range(20))
def test_damaged_bytes_never_raise(store: MediaStore, seed: int) -> None:
    rng = random.Random(seed)
    data = bytearray(photo(rng.choice(["JPEG", "PNG", "WEBP"]), exif=make_exif(HUE_GPS)))
    for _ in range(8):
        data[rng.randrange(len(data))] = rng.randrange(256)

    assert isinstance(store.ingest(bytes(data)), PhotoRef | RejectedFile)
