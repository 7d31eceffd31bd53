"""A photocard driving licence, front and back, laid out like the UK card's numbered fields.

The licence number follows the DVLA pattern (surname, birth date with 5 added to the month's
first digit for women, initials), so a checker comparing it with the date of birth sees the
same consistency as on a real card.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw

from checker_console.sample.drawing import (
    INK,
    ghost,
    guilloche,
    licence_date,
    portrait,
    signature,
    watermark,
)
from checker_console.sample.faces import FaceParams
from checker_console.sample.fonts import font
from checker_console.sample.people import Person

#: 85.6 x 54 mm at 20 pixels per millimetre.
CARD_SIZE = (1712, 1080)
PAPER = (246, 220, 228)
CATEGORIES = [
    "AM",
    "A1",
    "A2",
    "A",
    "B1",
    "B",
    "C1",
    "C",
    "D1",
    "D",
    "BE",
    "C1E",
    "CE",
    "D1E",
    "DE",
]


@dataclass(frozen=True)
class LicenceData:
    person: Person
    number: str
    issued: date
    expires: date
    categories: tuple[str, ...]


def licence_number(rng: random.Random, person: Person) -> str:
    """The 16-character DVLA driver number for ``person``."""
    letters = "".join(c for c in person.family_name.upper() if c.isalpha())
    surname = letters[:5].ljust(5, "9")
    dob = person.date_of_birth
    month = dob.month + (50 if person.sex == "F" else 0)
    initials = "".join(n[0] for n in person.given_names.upper().split())[:2].ljust(2, "9")
    tail = f"9{rng.choice('ABCDEFGHJKLMNPRSTUWXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTUWXYZ')}"
    return f"{surname}{str(dob.year)[2]}{month:02d}{dob.day:02d}{str(dob.year)[3]}{initials}{tail}"


def licence_data(rng: random.Random, person: Person, *, issued: date, expires: date) -> LicenceData:
    held = ["AM", "B"] + (["A1", "BE"] if rng.random() < 0.3 else [])
    return LicenceData(
        person=person,
        number=licence_number(rng, person),
        issued=issued,
        expires=expires,
        categories=tuple(c for c in CATEGORIES if c in held),
    )


def _line(draw: ImageDraw.ImageDraw, y: float, number: str, text: str, *, size: int = 48) -> None:
    draw.text((560, y), number, font=font(30), fill=(60, 60, 90))
    draw.text((640, y - 8), text, font=font(size), fill=INK, stroke_width=1, stroke_fill=INK)


def draw_licence_front(rng: random.Random, data: LicenceData, face: FaceParams) -> Image.Image:
    card = guilloche(CARD_SIZE, paper=PAPER, ink=(236, 200, 212), rng=rng, waves=20)
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle((40, 40, 230, 200), radius=18, fill=(0, 51, 153))
    draw.text(
        (78, 78), "UK", font=font(84), fill=(255, 220, 0), stroke_width=2, stroke_fill=(255, 220, 0)
    )
    draw.text(
        (270, 50),
        "DRIVING LICENCE",
        font=font(72),
        fill=(40, 40, 110),
        stroke_width=1,
        stroke_fill=(40, 40, 110),
    )
    draw.text((270, 140), "UNITED KINGDOM", font=font(38), fill=(40, 40, 110))
    card.paste(portrait(face, (440, 560)), (60, 280))
    person = data.person
    dob_line = f"{licence_date(person.date_of_birth)}  {person.place_of_birth.title()}"
    _line(draw, 270, "1.", person.family_name.upper())
    _line(draw, 345, "2.", person.given_names.upper())
    _line(draw, 420, "3.", dob_line, size=40)
    _line(draw, 490, "4a.", licence_date(data.issued), size=40)
    draw.text((1080, 490), "4c. DVLA", font=font(40), fill=INK)
    _line(draw, 555, "4b.", licence_date(data.expires), size=40)
    _line(draw, 625, "5.", f"{data.number}  {rng.randint(1, 9):02d}", size=42)
    draw.text((560, 700), "7.", font=font(30), fill=(60, 60, 90))
    signature(draw, (640, 690, 1000, 760), rng)
    address = ", ".join([*person.address_lines, person.postcode])
    _line(draw, 790, "8.", address, size=34)
    _line(draw, 860, "9.", "/".join(data.categories), size=38)
    card.paste(ghost(face, (170, 220), PAPER), (1480, 780))
    watermark(card)
    return card


def draw_licence_back(rng: random.Random, data: LicenceData) -> Image.Image:
    """The categories table and the driver number, as on the back of the card."""
    card = guilloche(CARD_SIZE, paper=PAPER, ink=(236, 200, 212), rng=rng, waves=12)
    draw = ImageDraw.Draw(card)
    left, top, row_h = 60, 60, 58
    columns = [left, 260, 560, 860, 1160]
    headers = ["9.", "10.", "11.", "12.", ""]
    for x, text in zip(columns, headers, strict=True):
        draw.text((x + 12, top + 10), text, font=font(34), fill=INK)
    for row, category in enumerate(CATEGORIES[:13]):
        y = top + row_h * (row + 1)
        draw.line([(left, y), (1650, y)], fill=(120, 100, 110), width=2)
        draw.text((left + 12, y + 10), category, font=font(34), fill=INK)
        if category in data.categories:
            draw.text((272, y + 10), licence_date(data.issued), font=font(32), fill=INK)
            draw.text((572, y + 10), licence_date(data.expires), font=font(32), fill=INK)
    for x in columns[1:]:
        draw.line([(x, top), (x, top + row_h * 14)], fill=(120, 100, 110), width=2)
    draw.text((left, 900), f"{data.number}  {rng.randint(10, 99)}", font=font(46), fill=INK)
    # A printed barcode strip: thin bars of varying width.
    x = 980
    while x < 1650:
        width = rng.choice([3, 3, 6, 9])
        draw.rectangle((x, 890, x + width, 1000), fill=(20, 20, 20))
        x += width + rng.choice([3, 6, 6, 9])
    watermark(card)
    return card
