"""Turn a flat drawn document into what an applicant's phone sends: a photo of it on a table.

The document is laid on a table-like background, turned a few degrees and seen slightly off
square (a perspective warp), with a soft shadow and a little vignetting, then saved as JPEG.
``phone_photo`` makes the full 12-megapixel file a phone writes, with EXIF (an orientation
tag, camera model, time and fake GPS) so that intake's decoding, rotation and metadata
stripping are tested on what real uploads look like.
"""

from __future__ import annotations

import io
import math
import random
from datetime import date, datetime, timedelta

from PIL import ExifTags, Image, ImageDraw, ImageFilter

from checker_console.sample.faces import random_face
from checker_console.sample.passport import draw_passport_page, passport_data
from checker_console.sample.people import random_person

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]

#: Base colours of surfaces documents get photographed on: oak, walnut, grey desk, white desk.
_TABLE_COLOURS = [(164, 122, 82), (110, 78, 52), (128, 128, 124), (214, 210, 200), (186, 150, 106)]
_PHONE_MODELS = [("Pixelcraft", "PX-7 Pro"), ("Orchard", "oPhone 13"), ("Samsong", "Galaxy S21")]


def table_background(
    rng: random.Random, size: tuple[int, int], *, shadow: Quad | None = None
) -> Image.Image:
    """A surface with wood-grain-like streaks, soft light and the shadow of what lies on it.

    Everything here is low-frequency, so it is drawn at an eighth of the size and scaled up:
    a fraction of the cost of drawing it at full size, and it looks the same.
    """
    width, height = size
    factor = 8
    small = (max(8, width // factor), max(8, height // factor))
    base = rng.choice(_TABLE_COLOURS)
    surface = Image.new("RGB", small, base)
    draw = ImageDraw.Draw(surface)
    y = 0.0
    while y < small[1]:
        shade = rng.randint(-18, 18)
        colour = tuple(max(0, min(255, c + shade)) for c in base)
        thickness = rng.uniform(1, 6)
        wobble = rng.uniform(-3, 3)
        draw.line([(0, y), (small[0], y + wobble)], fill=colour, width=max(1, round(thickness)))
        y += thickness * rng.uniform(0.6, 1.4)
    surface = surface.filter(ImageFilter.GaussianBlur(1.2))
    if shadow is not None:
        # Down and to the right of the object, as from a ceiling light behind the phone.
        mask = Image.new("L", small, 0)
        ImageDraw.Draw(mask).polygon(
            [(x / factor + 2, y / factor + 3) for x, y in shadow], fill=115
        )
        surface.paste((20, 16, 12), (0, 0), mask.filter(ImageFilter.GaussianBlur(4)))
    surface = _vignette(surface, strength=rng.uniform(0.15, 0.35))
    return surface.resize(size, Image.Resampling.BILINEAR)


def _vignette(image: Image.Image, *, strength: float) -> Image.Image:
    """Darken the edges like a phone lens does; strength 0 leaves the image as it is."""
    gradient = Image.radial_gradient("L").resize(image.size, Image.Resampling.BILINEAR)
    mask = gradient.point(lambda v: int(v * strength))
    return Image.composite(Image.new("RGB", image.size, (0, 0, 0)), image, mask)


def perspective_coefficients(target: Quad, source_size: tuple[int, int]) -> tuple[float, ...]:
    """Coefficients for ``Image.transform(..., PERSPECTIVE)`` mapping ``target`` corners back
    to the source's corners (top-left, top-right, bottom-right, bottom-left)."""
    w, h = source_size
    source = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    rows: list[list[float]] = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    return tuple(_solve(rows))


def _solve(rows: list[list[float]]) -> list[float]:
    """Gauss-Jordan elimination with partial pivoting on an n x (n+1) augmented matrix."""
    n = len(rows)
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        lead = rows[col][col]
        rows[col] = [value / lead for value in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[r][n] for r in range(n)]


def _tilted_quad(
    rng: random.Random,
    document_size: tuple[int, int],
    canvas_size: tuple[int, int],
    *,
    fill: float,
    max_tilt_degrees: float,
    perspective: float,
) -> Quad:
    """Where the document's corners land: scaled to fill the frame, turned, nudged off square."""
    dw, dh = document_size
    cw, ch = canvas_size
    scale = fill * min(cw / dw, ch / dh)
    half_w, half_h = dw * scale / 2, dh * scale / 2
    angle = math.radians(rng.uniform(-max_tilt_degrees, max_tilt_degrees))
    cx = cw / 2 + rng.uniform(-0.03, 0.03) * cw
    cy = ch / 2 + rng.uniform(-0.03, 0.03) * ch
    corners = [(-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)]
    jitter = perspective * max(half_w, half_h)
    quad = []
    for x, y in corners:
        x += rng.uniform(-jitter, jitter)
        y += rng.uniform(-jitter, jitter)
        quad.append(
            (
                cx + x * math.cos(angle) - y * math.sin(angle),
                cy + x * math.sin(angle) + y * math.cos(angle),
            )
        )
    return (quad[0], quad[1], quad[2], quad[3])


def place_on_table(
    rng: random.Random,
    document: Image.Image,
    *,
    canvas_size: tuple[int, int],
    fill: float = 0.82,
    max_tilt_degrees: float = 4.0,
    perspective: float = 0.025,
) -> Image.Image:
    """Photograph ``document`` lying on a table: the whole frame, document roughly centred."""
    quad = _tilted_quad(
        rng,
        document.size,
        canvas_size,
        fill=fill,
        max_tilt_degrees=max_tilt_degrees,
        perspective=perspective,
    )
    canvas = table_background(rng, canvas_size, shadow=quad)
    left = max(0, math.floor(min(x for x, _ in quad)))
    top = max(0, math.floor(min(y for _, y in quad)))
    right = min(canvas_size[0], math.ceil(max(x for x, _ in quad)))
    bottom = min(canvas_size[1], math.ceil(max(y for _, y in quad)))
    local: Quad = tuple((x - left, y - top) for x, y in quad)  # type: ignore[assignment]
    box = (right - left, bottom - top)
    coefficients = perspective_coefficients(local, document.size)
    source = document if document.mode == "RGB" else document.convert("RGB")
    warped = source.transform(
        box, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR
    )
    if document.mode == "RGBA":  # a shaped object (a phone with rounded corners)
        mask = document.getchannel("A").transform(
            box, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR
        )
    else:  # the quad itself: drawing it is far cheaper than warping a second image
        mask = Image.new("L", box, 0)
        ImageDraw.Draw(mask).polygon(list(local), fill=255)
    canvas.paste(warped, (left, top), mask)
    return canvas


def to_jpeg(image: Image.Image, *, quality: int = 87, exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    options: dict[str, object] = {"quality": quality, "optimize": False}
    if exif is not None:
        options["exif"] = exif
    (image if image.mode == "RGB" else image.convert("RGB")).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def phone_exif(rng: random.Random, *, orientation: int, taken_at: datetime) -> Image.Exif:
    """EXIF like a phone writes: orientation, make and model, capture time and (fake) GPS."""
    exif = Image.Exif()
    make, model = rng.choice(_PHONE_MODELS)
    stamp = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = make
    exif[ExifTags.Base.Model] = model
    exif[ExifTags.Base.Software] = "SampleCam 1.0"
    exif[ExifTags.Base.DateTime] = stamp
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = stamp
    details[ExifTags.Base.LensModel] = f"{model} back camera 4.2mm f/1.8"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    latitude, longitude = rng.uniform(50.5, 54.5), rng.uniform(-3.0, 0.5)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = _degrees_minutes_seconds(latitude)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E" if longitude >= 0 else "W"
    gps[ExifTags.GPS.GPSLongitude] = _degrees_minutes_seconds(abs(longitude))
    return exif


def _degrees_minutes_seconds(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return (float(degrees), float(minutes), seconds)


def phone_photo(
    rng: random.Random,
    document: Image.Image | None = None,
    *,
    size: tuple[int, int] = (4000, 3000),
    orientation: int = 6,
    quality: int = 90,
    taken_at: datetime | None = None,
) -> bytes:
    """A 12-megapixel phone JPEG of ``document`` (a drawn passport page if none is given).

    The stored pixels are ``size`` (4000 x 3000 by default) and the EXIF orientation says how
    to turn them: with orientation 6 (the phone held upright) a viewer that honours EXIF shows a
    3000 x 4000 portrait with the document the right way up, and one that ignores EXIF shows it
    on its side. Everything comes from ``rng``, so the same seed gives the same bytes.
    """
    if document is None:
        document = _default_document(rng)
    upright_size = (size[1], size[0]) if orientation in (5, 6, 7, 8) else size
    upright = place_on_table(rng, document, canvas_size=upright_size, fill=0.86)
    stored = upright.transpose(_STORE_TRANSPOSE[orientation]) if orientation != 1 else upright
    when = taken_at or datetime(2025, 1, 1, 9, 0) + timedelta(minutes=rng.randint(0, 500_000))
    exif = phone_exif(rng, orientation=orientation, taken_at=when)
    return to_jpeg(stored, quality=quality, exif=exif)


#: How to turn the upright picture into the stored pixels for an EXIF orientation (the inverse
#: of what ``ImageOps.exif_transpose`` does when it reads the file back).
_STORE_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def _default_document(rng: random.Random) -> Image.Image:
    """A passport data page of a random synthetic person, as most uploads are passports."""
    today = date(2025, 6, 1)
    person = random_person(rng, case_tag=f"photo{rng.randrange(10**6)}")
    data = passport_data(
        rng, person, issued=today - timedelta(days=900), expires=today + timedelta(days=2750)
    )
    return draw_passport_page(rng, data, random_face(rng, sex=person.sex))
