"""HEIC/HEIF photos (iPhones send them as files): the same checks and copies as a JPEG."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from bot.media import MediaStore
from bot.media_budget import HEIF_BYTES_PER_PIXEL, STRIP_BYTES, decode_cost
from handlers import PhotoProblem, PhotoRef, RejectedFile
from tests.support.images import DAI_NOI_LAT, DAI_NOI_LON, has_gps, heic, heic_bomb


@pytest.fixture
def store(tmp_path: Path) -> MediaStore:
    return MediaStore(tmp_path / "media", max_public_side=64)


def accepted(result: PhotoRef | RejectedFile) -> PhotoRef:
    assert isinstance(result, PhotoRef), result
    return result


def test_a_heic_photo_is_accepted_with_its_gps(store: MediaStore) -> None:
    data = heic((80, 60), gps=True)
    assert data[4:12] == b"ftypheic"

    ref = accepted(store.ingest(data, "IMG_0042.HEIC"))

    assert (ref.content_type, ref.size, ref.width, ref.height) == ("image/heic", len(data), 80, 60)
    assert ref.gps is not None
    assert ref.gps.latitude == pytest.approx(DAI_NOI_LAT, abs=1e-4)
    assert ref.gps.longitude == pytest.approx(DAI_NOI_LON, abs=1e-4)


def test_the_original_is_kept_as_heic_and_the_public_copy_is_a_bare_jpeg(
    store: MediaStore,
) -> None:
    data = heic((80, 60), gps=True)
    ref = accepted(store.ingest(data))

    original, public = store.original_path(ref.sha256), store.public_path(ref.sha256)
    assert original is not None and original.suffix == ".heic"
    assert original.read_bytes() == data and has_gps(original.read_bytes())
    assert public is not None and public.suffix == ".jpg"
    assert store.content_type(ref.sha256) == "image/jpeg"
    with Image.open(public) as copy:
        assert copy.format == "JPEG" and copy.size == (64, 48)
        assert not copy.getexif() and "exif" not in copy.info


def test_a_sideways_heic_is_turned_upright(store: MediaStore) -> None:
    ref = accepted(store.ingest(heic((80, 60), orientation=6)))  # 90 degrees clockwise

    assert (ref.width, ref.height) == (60, 80)
    public = store.public_path(ref.sha256)
    assert public is not None
    with Image.open(public) as copy:
        assert copy.size == (48, 64)
        red, green, _ = copy.convert("RGB").getpixel((copy.width - 3, 2))  # type: ignore[misc]
        assert red > 150 and green < 100  # the red top-left corner is now top right
        assert copy.getexif().get(ExifTags.Base.Orientation) is None


def test_a_heic_declaring_a_huge_picture_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = heic_bomb(8000, 6000)  # 48 MP declared, a few hundred bytes sent
    assert len(bomb) < 2000

    answer = MediaStore(tmp_path).ingest(bomb, "IMG_9999.HEIC")

    assert answer == RejectedFile(PhotoProblem.TOO_MANY_PIXELS, "IMG_9999.HEIC")
    assert not any(tmp_path.iterdir())


def test_heic_decodes_are_costed_with_libheif_buffers(tmp_path: Path) -> None:
    bomb = heic_bomb(5000, 4000)  # 20 MP: under the pixel cap, over the decode cap

    assert decode_cost(bomb, 40_000_000, 2048) == 20_000_000 * HEIF_BYTES_PER_PIXEL + STRIP_BYTES
    assert MediaStore(tmp_path).ingest(bomb) == RejectedFile(PhotoProblem.TOO_MANY_PIXELS)
    assert not any(tmp_path.iterdir())


def test_a_heic_whose_pixels_do_not_match_its_header_is_corrupt(tmp_path: Path) -> None:
    lying = heic_bomb(2000, 1500)  # small enough to try: libheif refuses the mismatch

    assert MediaStore(tmp_path).ingest(lying) == RejectedFile(PhotoProblem.CORRUPT)


@pytest.mark.parametrize("cut", [40, 200, -100], ids=["header", "boxes", "pixel-data"])
def test_a_truncated_heic_is_corrupt_not_unsupported(store: MediaStore, cut: int) -> None:
    assert store.ingest(heic()[:cut], "x.heic") == RejectedFile(PhotoProblem.CORRUPT, "x.heic")


def test_a_heic_image_round_trips_through_pillow() -> None:
    """The helper writes real HEVC-coded HEIF, which Pillow (via pillow-heif) reads back."""
    with Image.open(io.BytesIO(heic((32, 32)))) as image:
        assert image.format == "HEIF" and image.size == (32, 32)
