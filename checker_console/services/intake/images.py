"""Turn one hostile upload into what the console serves: a preview and a thumbnail, clean.

``process_image`` checks the bytes (``image_limits``: size, real format, pixel count from the
header) before decoding anything, then decodes once and makes both derivatives:

- JPEGs are decoded with ``draft``, so libjpeg scales by 1/2, 1/4 or 1/8 while decoding and a
  12-megapixel photo never exists in memory at full size when a 1600 px preview is wanted.
- Both derivatives are resized in the stored orientation, then turned upright by the EXIF
  orientation. Turning the small images gives the same pixels as turning the big one first
  (what ``ImageOps.exif_transpose`` would do), with a fraction of the work.
- They are written as baseline JPEG with no EXIF, GPS, XMP, ICC profile or comment: nothing the
  camera or an editor put in the file reaches a browser.
- What is kept for the record is ``kept``: the image at full resolution with its metadata
  removed (``clean_copy``), so no GPS position outlives intake; its content type and the hash
  of the bytes as received are recorded. Only ``keep_original_metadata`` keeps the upload byte
  for byte. Neither is ever served.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageFile, JpegImagePlugin

from checker_console.services.intake.clean_copy import clean_copy
from checker_console.services.intake.image_limits import (
    ACCEPTED_FORMATS,
    ImagePolicy,
    ImageRefused,
    check_byte_size,
    check_pixel_count,
    sniff_format,
    too_many_pixels,
    unreadable,
)

__all__ = ["ImagePolicy", "ImageRefused", "ProcessedImage", "process_image"]

# HEIC support; the extra images a HEIF file may carry (thumbnails, depth maps) are not needed,
# so they are not parsed at all.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
# A truncated file is refused, never half-decoded into grey (this is Pillow's default; say so).
ImageFile.LOAD_TRUNCATED_IMAGES = False

_ORIENTATION_TAG = 0x0112
#: EXIF orientation -> the transpose that shows the stored pixels upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
#: Hamming: as sharp as bicubic on printed text at these modest reductions (1.25x after draft
#: decoding), at bilinear's cost; it is the biggest single cost left in the pipeline.
_RESAMPLE = Image.Resampling.HAMMING
_WHITE = (255, 255, 255)


@dataclass(frozen=True)
class ProcessedImage:
    """An accepted upload: what is kept of it, and its two clean derivatives.

    ``original`` is the upload as received (held in memory only); ``kept`` is what the blob store
    keeps. ``width``/``height`` are the original's, as seen upright (EXIF orientation applied).
    """

    original: bytes
    kept: bytes
    sha256: str
    format: str
    content_type: str
    width: int
    height: int
    preview: bytes
    preview_width: int
    preview_height: int
    thumbnail: bytes
    thumbnail_width: int
    thumbnail_height: int

    @property
    def size_bytes(self) -> int:
        return len(self.original)


def fit_within(size: tuple[int, int], longest_side: int) -> tuple[int, int]:
    """``size`` scaled to fit a ``longest_side`` square, keeping its shape; never enlarged."""
    width, height = size
    scale = min(1.0, longest_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation (1-8); a missing or unreadable tag means "as stored"."""
    try:
        value = img.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # noqa: BLE001 - damaged EXIF must not sink an otherwise good photo
        return 1
    return value if isinstance(value, int) and value in _UPRIGHT else 1


def _to_rgb(img: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency goes onto white (a transparent PNG would otherwise turn black)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        img = img.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    if has_alpha:
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img if img.mode == "RGB" else img.convert("RGB")


def _clean_jpeg(img: Image.Image, quality: int) -> bytes:
    """Baseline JPEG with no metadata: Pillow would otherwise copy a comment from ``info``."""
    img.info = {}
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality, optimize=False, progressive=False)
    return buffer.getvalue()


def _derivatives(
    img: Image.Image, orientation: int, policy: ImagePolicy
) -> tuple[Image.Image, Image.Image]:
    """Decode ``img`` once (scaled down while decoding where the format allows) and make both."""
    rotated = orientation in (5, 6, 7, 8)
    upright = (img.height, img.width) if rotated else img.size
    preview_size = fit_within(upright, policy.preview_px)
    thumbnail_size = fit_within(upright, policy.thumbnail_px)
    if rotated:  # sizes in the stored orientation, where the resizing happens
        preview_size = preview_size[::-1]
        thumbnail_size = thumbnail_size[::-1]
    if isinstance(img, JpegImagePlugin.JpegImageFile):
        img.draft("RGB", preview_size)  # libjpeg decodes at 1/2, 1/4 or 1/8 when that suffices
    img.load()
    pixels = _to_rgb(img)
    preview = pixels if pixels.size == preview_size else pixels.resize(preview_size, _RESAMPLE)
    thumbnail = preview.resize(thumbnail_size, _RESAMPLE, reducing_gap=2.0)
    if orientation in _UPRIGHT:
        preview = preview.transpose(_UPRIGHT[orientation])
        thumbnail = thumbnail.transpose(_UPRIGHT[orientation])
    return preview, thumbnail


def process_image(data: bytes, policy: ImagePolicy) -> ProcessedImage:
    """Check ``data`` and make its derivatives, or raise :class:`ImageRefused` saying why not.

    Checks run in this order: empty, byte size, real format, pixel count (from the header,
    before any decoding), then whether it decodes at all.
    """
    check_byte_size(data, policy)
    fmt = sniff_format(data)
    content_type, pillow_formats = ACCEPTED_FORMATS[fmt]
    try:
        with Image.open(io.BytesIO(data), formats=list(pillow_formats)) as img:
            check_pixel_count(img.size, policy)
            orientation = _orientation(img)
            width, height = img.size
            if orientation in (5, 6, 7, 8):
                width, height = height, width
            preview, thumbnail = _derivatives(img, orientation, policy)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fired inside ``Image.open`` (our limit is set above Pillow's, or
        # warnings are errors): the same refusal, without the size Pillow did not hand back.
        raise too_many_pixels(None, policy) from None
    except Exception as exc:  # noqa: BLE001 - any decoder failure on hostile bytes = unreadable
        raise unreadable() from exc
    kept = data if policy.keep_original_metadata else clean_copy(data, fmt, orientation)
    return ProcessedImage(
        original=data,
        kept=kept,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        content_type=content_type,
        width=width,
        height=height,
        preview=_clean_jpeg(preview, policy.jpeg_quality),
        preview_width=preview.width,
        preview_height=preview.height,
        thumbnail=_clean_jpeg(thumbnail, policy.jpeg_quality),
        thumbnail_width=thumbnail.width,
        thumbnail_height=thumbnail.height,
    )
