"""The selfie: a drawn face in front of a wall, framed like a phone's front camera.

It must meet the smartcard photo rules (facing forward, plain background, nothing covering the
face, no one else in shot), except for the ``busy_background`` defect, which puts the
applicant in front of shelves and a poster, as happens when people photograph themselves at
home.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFilter

from checker_console.sample.faces import FaceParams, draw_face

SELFIE_SIZE = (1200, 1600)
WALLS = [(232, 232, 228), (226, 230, 236), (238, 234, 226), (220, 224, 222)]


def plain_wall(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """An evenly lit pale wall with the soft fall-off of indoor light from one side."""
    colour = rng.choice(WALLS)
    darker = tuple(int(c * rng.uniform(0.8, 0.9)) for c in colour)
    # A 2 x 2 picture scaled up is a smooth gradient between its corners, at almost no cost.
    corners = Image.new("RGB", (2, 2), colour)
    lit_left = rng.random() < 0.5
    for y in range(2):
        corners.putpixel((1 if lit_left else 0, y), darker)
    return corners.resize(size, Image.Resampling.BILINEAR)


def busy_room(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A room behind the applicant: bookshelves, a door frame and a poster."""
    width, height = size
    room = Image.new("RGB", size, rng.choice([(196, 170, 140), (170, 186, 200), (210, 200, 170)]))
    draw = ImageDraw.Draw(room)
    shelf_x = rng.choice([0, width * 0.55])
    for row in range(5):
        top = height * 0.08 + row * height * 0.16
        draw.rectangle(
            (shelf_x, top + height * 0.13, shelf_x + width * 0.45, top + height * 0.15),
            fill=(110, 80, 50),
        )
        x = shelf_x + 8
        while x < shelf_x + width * 0.43:
            spine = rng.randint(18, 40)
            colour = (rng.randint(40, 220), rng.randint(40, 220), rng.randint(40, 220))
            draw.rectangle(
                (x, top + rng.randint(0, 40), x + spine, top + height * 0.13), fill=colour
            )
            x += spine + 3
    poster_x = width * 0.08 if shelf_x else width * 0.62
    draw.rectangle(
        (poster_x, height * 0.1, poster_x + width * 0.3, height * 0.45), fill=(250, 250, 245)
    )
    for _ in range(6):
        x0, y0 = poster_x + rng.uniform(10, width * 0.25), height * rng.uniform(0.12, 0.4)
        draw.ellipse((x0, y0, x0 + 60, y0 + 60), fill=(rng.randint(0, 255), 90, 160))
    return room.filter(ImageFilter.BoxBlur(3))


def draw_selfie(
    rng: random.Random, face: FaceParams, *, busy_background: bool = False
) -> Image.Image:
    """The applicant's selfie, softly focused like a phone's front camera."""
    backdrop = busy_room(rng, SELFIE_SIZE) if busy_background else plain_wall(rng, SELFIE_SIZE)
    picture = draw_face(face, SELFIE_SIZE, background=backdrop)
    return picture.filter(ImageFilter.BoxBlur(1))  # a box blur: as soft, far cheaper
