"""Real image files for tests, made with Pillow (no binary fixtures)."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

GPS = ExifTags.GPS
# Đại Nội (the Imperial City), Huế: 16°28'3.6" N, 107°34'40.8" E.
DAI_NOI = {
    GPS.GPSLatitudeRef: "N",
    GPS.GPSLatitude: (16.0, 28.0, 3.6),
    GPS.GPSLongitudeRef: "E",
    GPS.GPSLongitude: (107.0, 34.0, 40.8),
}
DAI_NOI_LAT, DAI_NOI_LON = 16.4676666, 107.5780


def jpeg(size: tuple[int, int] = (320, 240), gps: bool = False) -> bytes:
    """A JPEG photo, with Đại Nội's position in its EXIF when ``gps``."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(DAI_NOI)
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    """Whether an image's EXIF carries a GPS block."""
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def gif() -> bytes:
    """A real GIF: decodable, but not a format HueBot accepts."""
    out = io.BytesIO()
    Image.new("P", (16, 16)).save(out, format="GIF")
    return out.getvalue()


def png_bomb(width: int, height: int, mode: str = "RGBA") -> bytes:
    """A real, complete PNG of one colour: a few hundred KB that decode to width x height.

    Written row by row through zlib, so making it never holds the decoded pixels.
    """
    import struct
    import zlib

    colour_type, bands = {"RGB": (2, 3), "RGBA": (6, 4)}[mode]

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    packer, row = zlib.compressobj(9), b"\x00" + b"\x7f" * (width * bands)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def heic(size: tuple[int, int] = (64, 48), gps: bool = False, orientation: int = 1) -> bytes:
    """A real HEIC photo (HEVC-coded HEIF, as iPhones send), with Đại Nội's GPS when ``gps``.

    An ``orientation`` other than 1 is written the HEIF way (an ``irot``/``imir``
    transform), as a camera does, so the stored pixels are sideways.
    """
    import pillow_heif

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(DAI_NOI)
    pixels = Image.new("RGB", size, (30, 120, 200))
    pixels.paste((200, 40, 40), (0, 0, size[0] // 4, size[1] // 4))  # a corner to find
    encoded = pillow_heif.from_pillow(pixels)
    out = io.BytesIO()
    encoded.save(out, quality=80, exif=exif.tobytes())
    return out.getvalue()


def heic_bomb(width: int, height: int) -> bytes:
    """A small, real HEIC whose header declares ``width`` x ``height`` pixels.

    The image's ``ispe`` (image spatial extents) box is rewritten: what a decompression
    bomb does, a few hundred bytes that claim a picture too large to decode.
    """
    import struct

    data = bytearray(heic((64, 64)))  # a whole number of coding blocks: no crop box
    at = data.index(b"ispe") + 8  # past the box type, version and flags
    data[at : at + 8] = struct.pack(">II", width, height)
    return bytes(data)
