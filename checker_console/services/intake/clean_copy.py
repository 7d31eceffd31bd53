"""The copy of an upload the console keeps: full resolution, with no metadata in it.

A phone photo carries EXIF: the camera, the time, and often the GPS position of the applicant's
home. Nothing reads that here, so nothing of it is kept past intake (unless
``CHECKER_KEEP_ORIGINAL_METADATA`` asks for the original byte for byte). What is kept is the
image at its full resolution, for the record and for a complaint, with every metadata segment
removed:

- JPEG (nearly every upload): the file's segments are copied without re-encoding, so not one
  pixel changes and it costs a byte scan. Kept: the frame, the Huffman and quantisation tables,
  the scan, JFIF (APP0), the ICC colour profile (APP2) and Adobe's colour transform (APP14),
  which decoders need to show the colours right. Dropped: EXIF and XMP (APP1), every other
  APPn and every comment. The one EXIF fact a viewer needs, the orientation, is written back
  as a new EXIF block holding that tag alone.
- PNG: the critical chunks and the colour chunks are copied; text, EXIF and time chunks are not.
- WebP and HEIC (rare): decoded, turned upright and re-encoded as a high-quality JPEG.
"""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageOps

_ORIENTATION_TAG = 0x0112
_SOI = b"\xff\xd8"
#: APP0 (JFIF), APP2 (ICC profile), APP14 (Adobe colour transform): needed to decode right.
_KEPT_APP_MARKERS = {0xE0, 0xE2, 0xEE}
_SOS = 0xDA
_EOI = 0xD9
#: Markers with no length field (restart markers, TEM).
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Critical chunks and those that say how to show the colours; nothing that holds text or time.
_PNG_KEPT = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"sBIT",
}
_REENCODE_QUALITY = 95


class CannotClean(ValueError):
    """The bytes are not the format they claimed; intake has already refused such files."""


def clean_copy(data: bytes, fmt: str, orientation: int = 1) -> bytes:
    """``data`` without metadata, at full resolution. ``fmt`` is the sniffed format name."""
    if fmt == "jpeg":
        return _clean_jpeg(data, orientation)
    if fmt == "png":
        return _clean_png(data)
    return _reencode(data)


def _clean_jpeg(data: bytes, orientation: int) -> bytes:
    if not data.startswith(_SOI):
        raise CannotClean("not a JPEG")
    out = [_SOI]
    if orientation != 1:
        out.append(_orientation_segment(orientation))
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            raise CannotClean(f"JPEG marker expected at byte {position}")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _STANDALONE:
            out.append(data[position : position + 2])
            position += 2
            continue
        if marker == _EOI:
            out.append(data[position : position + 2])
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        segment = data[position : position + 2 + length]
        if marker == _SOS:  # header, then entropy-coded data up to the next real marker
            end = _end_of_scan(data, position + 2 + length)
            out.append(data[position:end])
            position = end
            continue
        is_metadata = 0xE0 <= marker <= 0xEF and marker not in _KEPT_APP_MARKERS
        if not is_metadata and marker != 0xFE:  # 0xFE: comment
            out.append(segment)
        position += 2 + length
    return b"".join(out)


def _end_of_scan(data: bytes, position: int) -> int:
    """Where the entropy-coded data starting at ``position`` ends: the next marker that is not
    a stuffed byte (FF 00) or a restart marker. Anything after the first image's EOI (an MPO's
    second picture, with EXIF of its own) is never copied."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            raise CannotClean("JPEG scan has no end")
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1 if following == 0xFF else 2
            continue
        return position


def _orientation_segment(orientation: int) -> bytes:
    """An APP1 EXIF block that holds the orientation tag and nothing else."""
    exif = Image.Exif()
    exif[_ORIENTATION_TAG] = orientation
    body = b"Exif\x00\x00" + exif.tobytes()
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def _clean_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise CannotClean("not a PNG")
    out = [_PNG_SIGNATURE]
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length  # length, type, data, CRC
        if kind in _PNG_KEPT:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            break
    return b"".join(out)


def _reencode(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        upright = ImageOps.exif_transpose(img)
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.info = {}
        buffer = io.BytesIO()
        upright.save(buffer, "JPEG", quality=_REENCODE_QUALITY)
        return buffer.getvalue()
