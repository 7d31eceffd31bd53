"""Fonts for drawing sample documents, from Pillow's own bundled font only.

Using only the font that ships inside Pillow keeps a seed's images identical on every machine:
a system font (DejaVu on one box, nothing on another) would change every pixel of every case.
Pillow's font is proportional, so monospace text (the MRZ) is laid out cell by cell instead.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageDraw, ImageFont

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=64)
def font(size: int) -> Font:
    """Pillow's bundled font at ``size`` pixels (Pillow >= 10.1 with FreeType)."""
    return ImageFont.load_default(size=size)


def draw_monospace(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    *,
    size: int,
    fill: tuple[int, int, int] | tuple[int, int, int, int],
    cell_width: float | None = None,
) -> float:
    """Draw ``text`` with every character centred in a cell of equal width; return the width.

    The MRZ is printed in OCR-B, a fixed-pitch font: fixed cells make a proportional font look
    right and keep each row exactly 44 (or 30) cells long, as on a real document.
    """
    face = font(size)
    cell = cell_width if cell_width is not None else size * 0.72
    x, y = xy
    for index, char in enumerate(text):
        if char == " ":
            continue
        left, _, right, _ = face.getbbox(char)
        left_edge = x + index * cell + (cell - (right - left)) / 2 - left
        draw.text((left_edge, y), char, font=face, fill=fill)
    return cell * len(text)
