"""The hostile-upload pipeline: what is refused, in what order, and what comes out clean."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from checker_console.sample.photos import phone_photo
from checker_console.services.intake.images import ImagePolicy, ImageRefused, process_image
from tests.support.images import (
    MARKER,
    SECRET,
    gif_image,
    heic_photo,
    metadata_in_jpeg,
    pdf_document,
    phone_jpeg,
    png_bomb,
    png_claiming,
    png_with_text,
    transparent_png,
    truncated_jpeg,
    webp_photo,
)

POLICY = ImagePolicy(max_bytes=5_000_000, max_pixels=50_000_000, preview_px=1600, thumbnail_px=320)


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _is_red(pixel: tuple[int, ...]) -> bool:
    red, green, blue = pixel[:3]
    return red > 180 and green < 90 and blue < 90


def _red_corner(image: Image.Image) -> str:
    """Which corner of ``image`` holds the red marker."""
    inset = max(2, MARKER * image.width // 800)
    corners = {
        "top-left": (inset, inset),
        "top-right": (image.width - 1 - inset, inset),
        "bottom-left": (inset, image.height - 1 - inset),
        "bottom-right": (image.width - 1 - inset, image.height - 1 - inset),
    }
    red = [name for name, xy in corners.items() if _is_red(image.getpixel(xy))]
    assert len(red) == 1, f"expected the marker in exactly one corner, found {red}"
    return red[0]


@pytest.mark.parametrize(
    ("orientation", "upright_size", "corner"),
    [
        (1, (400, 300), "top-left"),
        (3, (400, 300), "bottom-right"),
        (6, (300, 400), "top-right"),
        (8, (300, 400), "bottom-left"),
    ],
)
def test_phone_photo_comes_out_upright_as_its_exif_orientation_says(
    orientation: int, upright_size: tuple[int, int], corner: str
) -> None:
    result = process_image(phone_jpeg((400, 300), orientation=orientation), POLICY)

    assert (result.width, result.height) == upright_size
    preview, thumbnail = _open(result.preview), _open(result.thumbnail)
    assert preview.size == upright_size  # smaller than the preview box: never enlarged
    assert (result.preview_width, result.preview_height) == upright_size
    assert thumbnail.size == (320, 240) if upright_size[0] > upright_size[1] else (240, 320)
    assert _red_corner(preview) == corner
    assert _red_corner(thumbnail) == corner


def test_twelve_megapixel_phone_photo_gets_a_1600_preview_and_320_thumbnail() -> None:
    photo = phone_photo(random.Random(7), orientation=6)  # stored 4000 x 3000, shown upright

    result = process_image(photo, POLICY)

    assert result.format == "jpeg" and result.content_type == "image/jpeg"
    assert (result.width, result.height) == (3000, 4000)
    assert _open(result.preview).size == (1200, 1600)
    assert _open(result.thumbnail).size == (240, 320)
    assert result.original == photo and result.size_bytes == len(photo)


def test_served_jpeg_derivatives_carry_no_exif_gps_icc_or_comment() -> None:
    original = phone_jpeg((800, 600), orientation=6)
    assert {"APP1 (EXIF or XMP)", "APP2 (ICC)", "COM"} <= set(metadata_in_jpeg(original))

    result = process_image(original, POLICY)

    for served in (result.preview, result.thumbnail):
        assert metadata_in_jpeg(served) == []
        image = _open(served)
        assert not image.getexif(), "EXIF survived"
        assert "icc_profile" not in image.info and "comment" not in image.info
        assert SECRET.encode() not in served


def test_png_text_chunks_and_exif_do_not_survive() -> None:
    original = png_with_text()
    assert b"Someone Private" in original and b"Taken at home" in original

    result = process_image(original, POLICY)

    assert result.format == "png" and result.content_type == "image/png"
    for served in (result.preview, result.thumbnail):
        assert metadata_in_jpeg(served) == []
        assert b"Someone Private" not in served and b"Taken at home" not in served
        assert not _open(served).getexif()


def test_heic_from_an_iphone_is_accepted_and_turned_upright() -> None:
    result = process_image(heic_photo((400, 300), orientation=6), POLICY)

    assert result.format == "heic" and result.content_type == "image/heic"
    assert (result.width, result.height) == (300, 400)
    preview = _open(result.preview)
    assert preview.format == "JPEG" and preview.size == (300, 400)
    assert _red_corner(preview) == "top-right"
    assert metadata_in_jpeg(result.preview) == []


def test_webp_is_accepted_without_its_exif() -> None:
    result = process_image(webp_photo(), POLICY)

    assert result.format == "webp"
    assert metadata_in_jpeg(result.preview) == []


def test_transparent_png_is_flattened_onto_white_not_black() -> None:
    result = process_image(transparent_png(), POLICY)

    assert _open(result.preview).getpixel((10, 10)) == (255, 255, 255)


def _refusal(data: bytes, policy: ImagePolicy = POLICY) -> ImageRefused:
    with pytest.raises(ImageRefused) as caught:
        process_image(data, policy)
    assert caught.value.reason and caught.value.fix, "a refusal says what was wrong and what to do"
    return caught.value


@pytest.mark.parametrize(
    ("make", "code", "status"),
    [
        (lambda: b"", "empty_file", 422),
        (gif_image, "unsupported_format", 415),
        (pdf_document, "unsupported_format", 415),
        (lambda: b"<svg xmlns='http://www.w3.org/2000/svg'/>", "unsupported_format", 415),
        (truncated_jpeg, "corrupt_image", 422),
        (lambda: b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4, "corrupt_image", 422),
        (lambda: png_claiming(8000, 8000), "too_many_pixels", 422),
    ],
    ids=["zero-bytes", "gif", "pdf", "svg", "truncated-jpeg", "garbage-jpeg", "pixel-claim"],
)
def test_bad_uploads_are_refused_with_a_reason(make: object, code: str, status: int) -> None:
    refusal = _refusal(make())  # type: ignore[operator]

    assert (refusal.code, refusal.status_code) == (code, status)


def test_gif_and_pdf_are_named_in_the_refusal() -> None:
    assert "GIF" in _refusal(gif_image()).reason
    assert "PDF" in _refusal(pdf_document()).reason


def test_file_over_the_byte_limit_is_refused_before_anything_else() -> None:
    small = ImagePolicy(max_bytes=1000, max_pixels=50_000_000)

    refusal = _refusal(gif_image() + b"\x00" * 2000, small)  # not even the format is looked at

    assert (refusal.code, refusal.status_code) == ("file_too_large", 413)


def test_pixel_limit_is_checked_from_the_header_before_decoding() -> None:
    # The file holds one row of pixels: had it been decoded it would be refused as corrupt.
    refusal = _refusal(png_claiming(9000, 6000))

    assert refusal.code == "too_many_pixels"
    assert "9000 x 6000" in refusal.reason


def test_real_decompression_bomb_is_refused() -> None:
    bomb = png_bomb(8000)  # 64 megapixels of black in a file of about 70 KB
    assert len(bomb) < 200_000

    assert _refusal(bomb).code == "too_many_pixels"


def test_pillows_own_bomb_guard_gives_the_same_refusal_when_our_limit_is_higher() -> None:
    lax = ImagePolicy(max_bytes=5_000_000, max_pixels=10**12)

    refusal = _refusal(png_claiming(20_000, 20_000), lax)

    assert refusal.code == "too_many_pixels"
