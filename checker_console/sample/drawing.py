"""Drawing pieces every sample document shares: security-print backgrounds, labelled fields,
the SPECIMEN watermark and portraits.

Every sample document carries a visible SPECIMEN watermark, so no image made here can be
mistaken for, or passed off as, a real identity document.
"""

from __future__ import annotations

import math
import random
from datetime import date
from functools import lru_cache

from PIL import Image, ImageDraw, ImageOps

from checker_console.sample.faces import FaceParams, draw_face
from checker_console.sample.fonts import font

Colour = tuple[int, int, int]
INK: Colour = (28, 28, 36)
LABEL_INK: Colour = (70, 70, 90)


def guilloche(
    size: tuple[int, int], *, paper: Colour, ink: Colour, rng: random.Random, waves: int = 26
) -> Image.Image:
    """Paper with fine interlaced sine waves, the security printing of ID documents."""
    image = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(image)
    width, height = size
    amplitude = height / 14
    phase = rng.uniform(0, math.tau)
    for wave in range(waves):
        base_y = height * (wave + 0.5) / waves
        frequency = 2 + (wave % 3)
        points = [
            (x, base_y + amplitude * math.sin(frequency * math.tau * x / width + phase + wave))
            for x in range(0, width + 24, 24)
        ]
        draw.line(points, fill=ink, width=2)
    return image


def watermark(image: Image.Image, text: str = "SPECIMEN", *, opacity: int = 70) -> None:
    """Stamp a large diagonal watermark across ``image`` (in place)."""
    stamp = _stamp(text, max(24, image.width // 8), opacity)
    at = ((image.width - stamp.width) // 2, (image.height - stamp.height) // 2)
    image.paste((190, 30, 40), at, stamp)


@lru_cache(maxsize=16)
def _stamp(text: str, size: int, opacity: int) -> Image.Image:
    """The turned watermark mask; cached, as every page of a size gets the same one."""
    stamp = Image.new("L", (int(font(size).getlength(text)) + 20, int(size * 1.4)), 0)
    ImageDraw.Draw(stamp).text((10, 0), text, font=font(size), fill=opacity)
    return stamp.rotate(22, expand=True, resample=Image.Resampling.BILINEAR)


def field(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    label: str,
    value: str,
    *,
    label_size: int,
    value_size: int,
) -> None:
    """A small grey label with its value below in heavier type, as on a data page."""
    x, y = xy
    draw.text((x, y), label, font=font(label_size), fill=LABEL_INK)
    draw.text(
        (x, y + label_size * 1.15),
        value,
        font=font(value_size),
        fill=INK,
        stroke_width=max(1, value_size // 40),
        stroke_fill=INK,
    )


def portrait(face: FaceParams, size: tuple[int, int]) -> Image.Image:
    """The document photo: the applicant's face on the pale background photos must have."""
    return draw_face(face, size, background=(226, 228, 230), supersample=2)


def ghost(face: FaceParams, size: tuple[int, int], paper: Colour) -> Image.Image:
    """The faint second portrait printed on passports and licences."""
    picture = ImageOps.grayscale(draw_face(face, size, background=(255, 255, 255)))
    return Image.blend(Image.new("RGB", size, paper), picture.convert("RGB"), 0.35)


def signature(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], rng: random.Random
) -> None:
    """A scribbled signature: a few loops and a flourish."""
    left, top, right, bottom = box
    mid = (top + bottom) / 2
    points = []
    steps = 40
    loops = rng.randint(4, 8)
    for i in range(steps + 1):
        t = i / steps
        x = left + t * (right - left)
        y = mid + (bottom - top) * 0.35 * math.sin(t * loops * math.pi + rng.uniform(-0.2, 0.2))
        points.append((x, y))
    draw.line(points, fill=(20, 30, 90), width=4, joint="curve")
    draw.line([(left, bottom - 6), (right, bottom - 14)], fill=(20, 30, 90), width=3)


MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def passport_date(day: date) -> str:
    """Dates as passports print them: 12 AUG 1974."""
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"


def licence_date(day: date) -> str:
    """Dates as photocard licences print them: 12.08.1974."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"
