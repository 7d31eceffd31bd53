"""A passport data page: portrait, printed fields and an ICAO 9303 TD3 machine readable zone.

The MRZ is built by ``domain.mrz`` from the same details as the printed fields, so its check
digits are right; :func:`break_check_digit` spoils one on purpose for the defect a checker
should catch when the MRZ does not add up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw

from checker_console.domain.mrz import MrzData, build_td3, check_digit
from checker_console.sample.drawing import (
    INK,
    field,
    ghost,
    guilloche,
    passport_date,
    portrait,
    signature,
    watermark,
)
from checker_console.sample.faces import FaceParams
from checker_console.sample.fonts import draw_monospace, font
from checker_console.sample.people import Person

#: 125 x 88 mm at 14 pixels per millimetre.
PAGE_SIZE = (1750, 1232)
PAPER = (238, 230, 234)

#: Where each TD3 check digit sits in line 2, for spoiling one on purpose.
CHECK_POSITIONS = {"document_number": 9, "date_of_birth": 19, "expiry_date": 27, "composite": 43}


@dataclass(frozen=True)
class PassportData:
    person: Person
    number: str
    issued: date
    expires: date
    mrz: tuple[str, str]


def passport_data(
    rng: random.Random, person: Person, *, issued: date, expires: date
) -> PassportData:
    number = f"{rng.randint(1, 9)}{rng.randint(0, 99_999_999):08d}"
    mrz = build_td3(
        MrzData(
            document_code="P",
            issuing_state="GBR",
            surname=person.family_name,
            given_names=person.given_names,
            document_number=number,
            nationality="GBR",
            date_of_birth=person.date_of_birth,
            sex=person.sex,
            expiry_date=expires,
        )
    )
    return PassportData(person=person, number=number, issued=issued, expires=expires, mrz=mrz)


def break_check_digit(mrz: tuple[str, str], name: str, rng: random.Random) -> tuple[str, str]:
    """The MRZ with the check digit ``name`` (a key of ``CHECK_POSITIONS``) made wrong."""
    position = CHECK_POSITIONS[name]
    line2 = mrz[1]
    right = line2[position]
    wrong = rng.choice([d for d in "0123456789" if d != right])
    spoiled = line2[:position] + wrong + line2[position + 1 :]
    if name != "composite":
        # Keep the composite consistent with the spoiled digit, as a forger retyping a field
        # would, so only the one field's check fails.
        body = spoiled[0:10] + spoiled[13:20] + spoiled[21:43]
        spoiled = spoiled[:43] + check_digit(body)
    return (mrz[0], spoiled)


def draw_passport_page(rng: random.Random, data: PassportData, face: FaceParams) -> Image.Image:
    """The data page as a flat image, ready to be photographed by ``photos.place_on_table``."""
    page = guilloche(PAGE_SIZE, paper=PAPER, ink=(226, 206, 218), rng=rng)
    draw = ImageDraw.Draw(page)
    person = data.person
    draw.text(
        (70, 40), "UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND", font=font(40), fill=INK
    )
    draw.text((1380, 40), "PASSPORT", font=font(44), fill=INK, stroke_width=1, stroke_fill=INK)
    page.paste(portrait(face, (420, 540)), (70, 150))
    page.paste(ghost(face, (170, 220), PAPER), (1520, 560))

    labels, values = 24, 40
    x, right_x = 540, 1040
    field(draw, (x, 140), "Type/Type", "P", label_size=labels, value_size=values)
    field(draw, (x + 200, 140), "Code/Code", "GBR", label_size=labels, value_size=values)
    field(
        draw,
        (right_x, 140),
        "Passport No./Passeport No.",
        data.number,
        label_size=labels,
        value_size=values,
    )
    rows = [
        ("Surname/Nom (1)", person.family_name.upper()),
        ("Given names/Prenoms (2)", person.given_names.upper()),
        ("Nationality/Nationalite (3)", "BRITISH CITIZEN"),
        ("Date of birth/Date de naissance (4)", passport_date(person.date_of_birth)),
    ]
    for index, (label, value) in enumerate(rows):
        field(draw, (x, 230 + index * 85), label, value, label_size=labels, value_size=values)
    field(draw, (x, 570), "Sex/Sexe (5)", person.sex, label_size=labels, value_size=values)
    field(
        draw,
        (x + 200, 570),
        "Place of birth/Lieu de naissance (6)",
        person.place_of_birth,
        label_size=labels,
        value_size=values,
    )
    field(
        draw,
        (x, 655),
        "Date of issue/Date de delivrance (7)",
        passport_date(data.issued),
        label_size=labels,
        value_size=values,
    )
    field(
        draw, (right_x, 655), "Authority/Autorite (8)", "HMPO", label_size=labels, value_size=values
    )
    field(
        draw,
        (x, 740),
        "Date of expiry/Date d'expiration (9)",
        passport_date(data.expires),
        label_size=labels,
        value_size=values,
    )
    draw.text((right_x, 740), "Holder's signature (10)", font=font(labels), fill=INK)
    signature(draw, (right_x, 780, right_x + 380, 850), rng)

    draw.rectangle((0, 930, PAGE_SIZE[0], PAGE_SIZE[1]), fill=(246, 244, 244))
    for row, line in enumerate(data.mrz):
        draw_monospace(
            draw, (62, 975 + row * 110), line, size=58, fill=(10, 10, 14), cell_width=36.6
        )
    watermark(page)
    return page
