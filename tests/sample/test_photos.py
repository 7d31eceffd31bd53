"""The 12-megapixel phone photo other tests and the image benchmark feed to intake."""

from __future__ import annotations

import io
import random
from datetime import datetime

from PIL import ExifTags, Image, ImageOps

from checker_console.sample.photos import perspective_coefficients, phone_photo


def test_phone_photo_is_a_sideways_12_megapixel_jpeg_with_phone_exif() -> None:
    data = phone_photo(random.Random(1), taken_at=datetime(2026, 3, 1, 9, 30))
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)

    assert image.format == "JPEG" and image.size == (4000, 3000)
    assert exif[ExifTags.Base.Orientation] == 6
    assert exif[ExifTags.Base.Model] and exif[ExifTags.Base.Make]
    assert exif[ExifTags.Base.DateTime] == "2026:03:01 09:30:00"
    assert gps[ExifTags.GPS.GPSLatitudeRef] == "N" and len(gps[ExifTags.GPS.GPSLatitude]) == 3


def _widest_bright_row(image: Image.Image) -> float:
    """The largest share of near-white pixels in any row (the passport's MRZ band is white)."""
    small = image.convert("L").resize((image.width // 10, image.height // 10))
    rows = [
        sum(1 for x in range(small.width) if small.getpixel((x, y)) > 240) / small.width
        for y in range(small.height)
    ]
    return max(rows)


def test_honouring_the_orientation_shows_the_document_upright() -> None:
    stored = Image.open(io.BytesIO(phone_photo(random.Random(2))))
    upright = ImageOps.exif_transpose(stored)

    assert upright.size == (3000, 4000)
    # Upright, the white MRZ band runs across the picture; as stored it runs up and down.
    assert _widest_bright_row(upright) > 0.6
    assert _widest_bright_row(stored) < 0.3


def test_same_rng_seed_gives_the_same_bytes() -> None:
    assert phone_photo(random.Random(3)) == phone_photo(random.Random(3))


def test_orientation_one_is_stored_upright() -> None:
    data = phone_photo(random.Random(4), size=(1200, 900), orientation=1)
    image = Image.open(io.BytesIO(data))

    assert image.size == (1200, 900) and image.getexif()[ExifTags.Base.Orientation] == 1


def test_perspective_coefficients_map_target_corners_back_to_the_source() -> None:
    target = ((10.0, 20.0), (410.0, 5.0), (420.0, 300.0), (0.0, 290.0))
    a, b, c, d, e, f, g, h = perspective_coefficients(target, (200, 100))

    for (x, y), expected in zip(target, [(0, 0), (200, 0), (200, 100), (0, 100)], strict=True):
        w = g * x + h * y + 1
        assert abs((a * x + b * y + c) / w - expected[0]) < 1e-6
        assert abs((d * x + e * y + f) / w - expected[1]) < 1e-6
