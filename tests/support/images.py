"""Small test images, friendly and hostile, made in memory (no personal data, no files on disk).

The friendly ones carry what a phone or an editor leaves in a file (EXIF with GPS, a comment,
an ICC profile, PNG text chunks) so tests can prove none of it reaches what is served. The
hostile ones are what an attacker or a broken upload sends: a decompression bomb, a truncated
JPEG, a GIF or PDF named ``.jpg``.
"""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

pillow_heif.register_heif_opener()

RED = (230, 20, 20)
WHITE = (255, 255, 255)
MARKER = 40
SECRET = "Secret comment from the camera"


def _exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Pixelcraft"
    exif[ExifTags.Base.Model] = "PX-7 Pro"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return exif


def marked_picture(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """White, with a red square in the stored top-left corner and some texture elsewhere."""
    picture = Image.new("RGB", size, WHITE)
    picture.paste(RED, (0, 0, MARKER, MARKER))
    for x in range(MARKER * 2, size[0], 23):
        picture.paste((40, 40, 90), (x, size[1] // 2, x + 9, size[1] // 2 + 9))
    return picture


def phone_jpeg(size: tuple[int, int] = (400, 300), *, orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: EXIF (orientation, make, GPS), a comment, an ICC profile."""
    buffer = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    marked_picture(size).save(
        buffer,
        "JPEG",
        quality=90,
        exif=_exif(orientation),
        comment=SECRET.encode(),
        icc_profile=srgb,
    )
    return buffer.getvalue()


def png_with_text(size: tuple[int, int] = (300, 200)) -> bytes:
    """A PNG carrying text chunks (tEXt, zTXt, iTXt) and an eXIf chunk with GPS."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Someone Private")
    info.add_text("Comment", SECRET, zip=True)
    info.add_itxt("Description", "Taken at home", lang="en")
    buffer = io.BytesIO()
    marked_picture(size).save(buffer, "PNG", pnginfo=info, exif=_exif(1))
    return buffer.getvalue()


def transparent_png(size: tuple[int, int] = (120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def heic_photo(size: tuple[int, int] = (400, 300), *, orientation: int = 1) -> bytes:
    buffer = io.BytesIO()
    marked_picture(size).save(buffer, "HEIF", quality=85, exif=_exif(orientation).tobytes())
    return buffer.getvalue()


def webp_photo(size: tuple[int, int] = (400, 300)) -> bytes:
    buffer = io.BytesIO()
    marked_picture(size).save(buffer, "WEBP", quality=85, exif=_exif(1).tobytes())
    return buffer.getvalue()


def gif_image() -> bytes:
    buffer = io.BytesIO()
    marked_picture((60, 40)).convert("P").save(buffer, "GIF")
    return buffer.getvalue()


def pdf_document() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def truncated_jpeg() -> bytes:
    whole = phone_jpeg((600, 400))
    return whole[: len(whole) * 2 // 3]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, idat: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` but holds one row: decoding it
    would fail as corrupt, so a "too many pixels" refusal proves the header was checked first."""
    return _png(width, height, zlib.compress(b"\x00" + b"\x00" * min(width, 64)))


def png_bomb(side: int) -> bytes:
    """A real, valid decompression bomb: ``side`` x ``side`` black pixels in a few hundred KB."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + pixels
    parts = [packer.compress(row) for _ in range(side)]
    parts.append(packer.flush())
    return _png(side, side, b"".join(parts))


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """The (marker, payload) segments of a JPEG up to its image data, for metadata checks."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    segments = []
    position = 2
    while position < len(data):
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: metadata comes before this
            break
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        segments.append((marker, data[position + 4 : position + 2 + length]))
        position += 2 + length
    return segments


def metadata_in_jpeg(data: bytes) -> list[str]:
    """Names of every metadata segment in a JPEG: EXIF/XMP (APP1), ICC (APP2), IPTC, comment."""
    names = {0xE1: "APP1 (EXIF or XMP)", 0xE2: "APP2 (ICC)", 0xED: "APP13 (IPTC)", 0xFE: "COM"}
    found = [names.get(marker, f"APP{marker - 0xE0}") for marker, _ in jpeg_segments(data)
             if marker in names or 0xE3 <= marker <= 0xEF]  # fmt: skip
    return found
