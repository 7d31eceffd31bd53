"""What an uploaded image must be before we spend any effort decoding it.

Uploaded bytes are hostile. These checks run in a fixed order, cheapest first, and none of them
decodes pixels: the byte count, the format sniffed from the file's own first bytes (never the
filename or the content type the client claims), and the pixel count read from the header.
A file that fails any of them raises :class:`ImageRefused`, which says what was wrong and what
the applicant can do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker_console.settings import Settings

#: Our format name -> (the content type we record, what Pillow calls it when it opens one).
ACCEPTED_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "jpeg": ("image/jpeg", ("JPEG", "MPO")),
    "png": ("image/png", ("PNG",)),
    "webp": ("image/webp", ("WEBP",)),
    "heic": ("image/heic", ("HEIF",)),
}
ACCEPTED_NAMES = "JPEG, PNG, WebP or HEIC"

#: ISO-BMFF brands of HEIF files holding HEVC-coded pictures (what iPhones write).
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_GENERIC_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})

#: Formats we recognise only to name them in the refusal (a clearer message than "unknown").
_REFUSED_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"BM", "BMP image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
)


class ImageRefused(ValueError):
    """An uploaded image we will not accept: ``reason`` says what was wrong, ``fix`` what to do.

    ``code`` is stable for programs and tests; ``status_code`` is the HTTP status that fits.
    """

    def __init__(
        self, reason: str, *, code: str = "image_refused", fix: str = "", status_code: int = 422
    ) -> None:
        super().__init__(f"{reason} {fix}".strip())
        self.reason = reason
        self.code = code
        self.fix = fix
        self.status_code = status_code


@dataclass(frozen=True)
class ImagePolicy:
    """Limits for one uploaded image and the sizes of what we make from it (longest side, px)."""

    max_bytes: int
    max_pixels: int
    preview_px: int = 1600
    thumbnail_px: int = 320
    jpeg_quality: int = 85
    #: Keep the upload byte for byte, EXIF and GPS included (off: keep a metadata-free copy).
    keep_original_metadata: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> ImagePolicy:
        return cls(
            max_bytes=settings.max_upload_bytes,
            max_pixels=settings.max_image_pixels,
            preview_px=settings.preview_px,
            thumbnail_px=settings.thumbnail_px,
            keep_original_metadata=settings.keep_original_metadata,
        )


def _megabytes(count: int) -> str:
    """Sizes as the settings and the OpenAPI document give them: in MiB (1,048,576 bytes)."""
    return f"{count / MIB:.1f} MiB"


MIB = 1024 * 1024


def check_byte_size(data: bytes, policy: ImagePolicy) -> None:
    if not data:
        raise ImageRefused(
            "The file is empty (0 bytes).",
            code="empty_file",
            fix="Attach the photo again: the upload may not have finished.",
        )
    if len(data) > policy.max_bytes:
        raise ImageRefused(
            f"The file is {_megabytes(len(data))}; the limit is {_megabytes(policy.max_bytes)}.",
            code="file_too_large",
            fix="Send the photo as the phone camera took it, or a smaller copy of it.",
            status_code=413,
        )


def _heif_brands(data: bytes) -> tuple[bytes, set[bytes]]:
    """The major brand and compatible brands of an ISO-BMFF ``ftyp`` box, if it starts the file."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return b"", set()
    box_size = min(int.from_bytes(data[0:4], "big"), len(data), 256)
    compatible = {data[i : i + 4] for i in range(16, box_size - 3, 4)}
    return data[8:12], compatible


def sniff_format(data: bytes) -> str:
    """The accepted format these bytes really are (a key of ``ACCEPTED_FORMATS``), or refuse."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[0:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    major, compatible = _heif_brands(data)
    if major in _HEIC_BRANDS or (major in _GENERIC_HEIF_BRANDS and compatible & _HEIC_BRANDS):
        return "heic"
    found = next((name for magic, name in _REFUSED_SIGNATURES if data.startswith(magic)), None)
    if found is None and major:
        found = f"{major.decode('ascii', 'replace').strip()} file (not HEIC)"
    what = f"a {found}" if found else "not an image we recognise"
    raise ImageRefused(
        f"The file is {what}; photos must be {ACCEPTED_NAMES}.",
        code="unsupported_format",
        fix=f"Take a photo of the document with your phone camera and send it as {ACCEPTED_NAMES} "
        "(scans, PDFs and screenshots in other formats cannot be accepted).",
        status_code=415,
    )


def too_many_pixels(size: tuple[int, int] | None, policy: ImagePolicy) -> ImageRefused:
    """The refusal for a picture bigger than the limit (``size`` when the header told us)."""
    limit_mp = policy.max_pixels / 1_000_000
    claim = "far more megapixels than a phone photo"
    if size is not None:
        claim = f"{size[0]} x {size[1]} pixels ({size[0] * size[1] / 1_000_000:.0f} megapixels)"
    return ImageRefused(
        f"The image says it is {claim}; the limit is {limit_mp:.0f} megapixels.",
        code="too_many_pixels",
        fix="Send the photo as the phone camera took it, "
        f"at no more than {limit_mp:.0f} megapixels.",
    )


def check_pixel_count(size: tuple[int, int], policy: ImagePolicy) -> None:
    """Refuse before decoding: the header's claim is all a decompression bomb needs to be caught."""
    width, height = size
    if width <= 0 or height <= 0:
        raise unreadable()
    if width * height > policy.max_pixels:
        raise too_many_pixels(size, policy)


def unreadable() -> ImageRefused:
    return ImageRefused(
        "The file could not be read as an image: it is damaged or incomplete.",
        code="corrupt_image",
        fix="Take or attach the photo again; if it was copied or downloaded, check that it opens "
        "on your device first.",
    )
